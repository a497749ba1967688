#!/usr/bin/env node
// One load generator for `xport hub --bench` and bench/sio/node_server.cjs alike: plain
// WebSockets (npm `ws`) speaking Engine.IO v4 / Socket.IO v5 frames directly, so that the
// generator stays cheap next to the server it measures. Prints one JSON line.
//
//   node loadgen.cjs WS_DIR URL idle N          N sockets join /plugin and heartbeat, then sit:
//                                               the server's RSS and CPU while they are held
//   node loadgen.cjs WS_DIR URL echo C SECONDS  C sockets, each with one `echo` in flight
//                                               (the next sent on the ack): acks/s
//   node loadgen.cjs WS_DIR URL dispatch C N    C registered sockets answer `plugin` with
//                                               `response`; N GET /bench/dispatch: all_ms
"use strict";

const fs = require("fs");
const http = require("http");
const [wsDir, base, scenario, a, b] = process.argv.slice(2);
const WebSocket = require(wsDir);
const wsUrl = base.replace(/^http/, "ws") + "/socket.io/?EIO=4&transport=websocket";

function getJson(path) {
  return new Promise((resolve, reject) => {
    http.get(base + path, (res) => {
      let body = "";
      res.on("data", (c) => (body += c));
      res.on("end", () => resolve(JSON.parse(body)));
    }).on("error", reject);
  });
}

// A /plugin socket: joined and registered (heartbeat acked) when the promise resolves.
// `onEvent(name, data)` for server events; `onAck(id, text)` for acks past the heartbeat's.
function connect(onEvent, onAck) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl, { perMessageDeflate: false });
    let joined = false;
    ws.on("error", reject);
    ws.on("message", (data, binary) => {
      if (binary) return;
      const f = data.toString();
      if (f === "2") return ws.send("3");
      if (f[0] === "0") return ws.send("40/plugin,");
      if (f.startsWith("40/plugin,")) {
        joined = true;
        return ws.send('42/plugin,0["heartbeat",{"id":"bench","secret":"bench"}]');
      }
      if (f.startsWith("43/plugin,")) {
        const m = /^43\/plugin,(\d+)/.exec(f);
        if (m[1] === "0") return resolve(ws);
        return onAck && onAck(Number(m[1]), f);
      }
      if (f.startsWith("42/plugin,")) {
        const [name, payload] = JSON.parse(f.slice(f.indexOf("[")));
        return onEvent && onEvent(ws, name, payload);
      }
      if (!joined) reject(new Error("unexpected frame " + f));
    });
  });
}

async function connectMany(n, onEvent, onAck) {
  const sockets = [];
  const batch = 200;  // connects in flight at once: the backlog stays short
  for (let i = 0; i < n; i += batch) {
    const k = Math.min(batch, n - i);
    sockets.push(...(await Promise.all(Array.from({ length: k }, () => connect(onEvent, onAck)))));
  }
  return sockets;
}

function procStats(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k) => Number(new RegExp(k + ":\\s+(\\d+)").exec(status)[1]);
  const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  const ticks = Number(stat[11]) + Number(stat[12]);  // utime + stime
  return { rss_mib: kb("VmRSS") / 1024, hwm_mib: kb("VmHWM") / 1024, cpu_s: ticks / 100 };
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function idle(n) {
  const stats = await getJson("/bench/stats");
  const before = procStats(stats.pid);
  const t0 = Date.now();
  const sockets = await connectMany(n);
  const connect_s = (Date.now() - t0) / 1000;
  await sleep(3000);
  const held = await getJson("/bench/stats");
  const during = procStats(stats.pid);
  await sleep(5000);  // five idle seconds: what holding them costs
  const after = procStats(stats.pid);
  for (const ws of sockets) ws.terminate();
  return {
    impl: stats.impl, scenario: "idle", connections: n, registered: held.registered,
    connect_s, rss_before_mib: before.rss_mib, rss_mib: after.rss_mib, hwm_mib: after.hwm_mib,
    idle_cpu_s_per_5s: +(after.cpu_s - during.cpu_s).toFixed(2),
  };
}

async function echo(clients, seconds) {
  let acks = 0;
  let counting = false;
  const send = (ws, id) => ws.send(`42/plugin,${id}["echo",{"n":${id},"text":"hello"}]`);
  const sockets = await connectMany(clients, null, null);
  sockets.forEach((ws, i) => {
    ws.on("message", (data) => {
      const f = data.toString();
      if (!f.startsWith("43/plugin,")) return;
      if (counting) ++acks;
      send(ws, 1 + (i % 1000));
    });
    send(ws, 1 + (i % 1000));
  });
  await sleep(1000);  // warm-up
  counting = true;
  const t0 = process.hrtime.bigint();
  await sleep(seconds * 1000);
  counting = false;
  const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
  const stats = await getJson("/bench/stats");
  const p = procStats(stats.pid);
  for (const ws of sockets) ws.terminate();
  return { impl: stats.impl, scenario: "echo", clients, acks_per_s: Math.round(acks / elapsed), hwm_mib: p.hwm_mib };
}

async function dispatch(clients, rounds) {
  const respond = (ws, name, payload) => {
    if (name === "plugin") ws.send(`42/plugin,["response",{"session":"${payload.session}"}]`);
  };
  const sockets = await connectMany(clients, respond);
  const all = [];
  let timedOut = 0;
  for (let i = 0; i < rounds; ++i) {
    const r = await getJson("/bench/dispatch?timeout_ms=5000");
    if (r.timed_out || r.answered !== clients) ++timedOut;
    else all.push(r.all_ms);
  }
  all.sort((x, y) => x - y);
  const stats = await getJson("/bench/stats");
  const p = procStats(stats.pid);
  for (const ws of sockets) ws.terminate();
  return {
    impl: stats.impl, scenario: "dispatch", clients, rounds, timed_out: timedOut,
    p50_ms: +pct(all, 50).toFixed(3), p99_ms: +pct(all, 99).toFixed(3), hwm_mib: p.hwm_mib,
  };
}

const run = { idle: () => idle(Number(a)), echo: () => echo(Number(a), Number(b)), dispatch: () => dispatch(Number(a), Number(b)) }[scenario];
run().then(
  (r) => {
    console.log(JSON.stringify(r));
    process.exit(0);
  },
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
