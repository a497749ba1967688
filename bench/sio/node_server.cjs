#!/usr/bin/env node
// The reference for `xport hub --bench`: npm's socket.io 4.8 (tests/peers/socketio-node,
// scripts/install-npm-peers.sh) with the same behaviour (src/hub/app/bench_app.hpp):
// `heartbeat` registers the socket (acked), `echo` is acked with its arguments,
// GET /bench/dispatch?timeout_ms=N emits `plugin {session}` to every registered socket and
// waits for each `response {session}`, GET /bench/stats tells {impl, pid, registered,
// connected}. Prints "listening on http://HOST:PORT" once it listens.
//
//   node bench/sio/node_server.cjs SOCKET_IO_DIR HOST:PORT
"use strict";

const http = require("http");
const [ioDir, listen] = process.argv.slice(2);
const { Server } = require(ioDir);
const [host, port] = listen.split(":");

const registered = new Map();  // socket id -> socket
const dispatches = new Map();  // session -> {started, expected: Set, answered: []}
let nextSession = 1;

function dispatch(timeoutMs, res) {
  const session = `bench-${nextSession++}`;
  const targets = [...registered.values()];
  const d = { started: process.hrtime.bigint(), expected: new Set(targets.map((s) => s.id)), answered: [] };
  dispatches.set(session, d);
  const finish = (timedOut) => {
    if (!dispatches.has(session)) return;
    dispatches.delete(session);
    clearTimeout(timer);
    const allMs = Number(process.hrtime.bigint() - d.started) / 1e6;
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({
      session, expected: targets.length, answered: d.answered.length,
      all_ms: timedOut ? null : allMs, per_client_ms: d.answered, timed_out: timedOut,
    }));
  };
  d.finish = finish;
  const timer = setTimeout(() => finish(true), timeoutMs);
  for (const s of targets) s.emit("plugin", { session });
  if (targets.length === 0) finish(false);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname === "/bench/dispatch") {
    const t = Math.min(60000, Math.max(1, Number(url.searchParams.get("timeout_ms") || 5000)));
    return dispatch(t, res);
  }
  if (url.pathname === "/bench/stats") {
    res.setHeader("Content-Type", "application/json");
    return res.end(JSON.stringify({
      impl: "node-socket.io", pid: process.pid, registered: registered.size,
      connected: io.of("/plugin").sockets.size,
    }));
  }
  if (!url.pathname.startsWith("/socket.io/")) {
    res.statusCode = 404;
    res.end();
  }
});
const io = new Server(server, { pingInterval: 25000, pingTimeout: 20000, maxHttpBufferSize: 1e6 });
io.of("/plugin").on("connection", (socket) => {
  socket.on("heartbeat", (data, ack) => {
    registered.set(socket.id, socket);
    if (typeof ack === "function") ack({ ok: true });
  });
  socket.on("echo", (...args) => {
    const ack = typeof args[args.length - 1] === "function" ? args.pop() : null;
    if (ack) ack(...args);
  });
  socket.on("response", (data) => {
    const d = data && dispatches.get(data.session);
    if (!d || !d.expected.delete(socket.id)) return;
    d.answered.push(Number(process.hrtime.bigint() - d.started) / 1e6);
    if (d.expected.size === 0) d.finish(false);
  });
  socket.on("disconnect", () => registered.delete(socket.id));
});
server.listen(Number(port), host, () => {
  console.log(`listening on http://${host}:${server.address().port}`);
});
