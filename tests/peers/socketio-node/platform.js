#!/usr/bin/env node
// A minimal platform on the real npm `socket.io` server (and Node's `http`), for interop tests
// of xport's Socket.IO client (`xport plugin`): the Socket.IO namespace /plugin and the REST
// endpoints a plugin calls during a run (../shared/docs/protocol.md beside the repo, §1, §2).
//
//   node platform.js --export-zip FILE --plugin ID:SECRET [--api-key KEY] [--config JSON]
//                    [--runs N] [--project ID] [--ping-interval MS] [--ping-timeout MS]
//                    [--drop-after-first-heartbeat] [--data-dir DIR]
//
// When a `heartbeat` with the right id and secret arrives, it emits `plugin` with a run's data
// to that socket, once for each of the sessions session-1 .. session-N (all at once, so the
// client carries several runs concurrently). --drop-after-first-heartbeat force-disconnects the
// plugin's socket once, right after its first heartbeat (no run started), so a test sees the
// client reconnect and heartbeat again before the runs start.
//
// Stdout carries machine-readable lines, one event each:
//   PORT <n>              listening on 127.0.0.1:<n>
//   CONNECT <json>        a socket joined /plugin
//   HEARTBEAT <json>      {"sid","id","ok"}: a heartbeat (ok: the credentials were right)
//   RUN <json>            a `plugin` event was emitted ({"sid","session"})
//   EXPORT <json>         GET /v2/export, with its query
//   UPLOAD <json>         {"token","name","size"}: an upload finished
//   LOG <json>            a `log` event's data
//   RESPONSE <json>       a `response` event's data
//   DISCONNECT <reason>   a /plugin socket went away (the server-side reason)
// Diagnostics go to stderr. The process exits when its stdin closes.
"use strict";

const fs = require("fs");
const http = require("http");
const os = require("os");
const path = require("path");
const crypto = require("crypto");
const { Server } = require("socket.io");

function parseArgs(argv) {
  const args = {
    exportZip: null,
    plugins: new Map(),
    apiKey: "test-api-key",
    config: "{}",
    runs: 1,
    project: "demo-project",
    pingInterval: 25000,  // socket.io's defaults
    pingTimeout: 20000,
    dropAfterFirstHeartbeat: false,
    dataDir: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) usage(`${flag} needs a value`);
      return argv[++i];
    };
    switch (flag) {
      case "--export-zip": args.exportZip = value(); break;
      case "--plugin": {
        const v = value();
        const colon = v.indexOf(":");
        if (colon < 0) usage("--plugin takes ID:SECRET");
        args.plugins.set(v.slice(0, colon), v.slice(colon + 1));
        break;
      }
      case "--api-key": args.apiKey = value(); break;
      case "--config": args.config = value(); break;
      case "--runs": args.runs = Number.parseInt(value(), 10); break;
      case "--project": args.project = value(); break;
      case "--ping-interval": args.pingInterval = Number.parseInt(value(), 10); break;
      case "--ping-timeout": args.pingTimeout = Number.parseInt(value(), 10); break;
      case "--drop-after-first-heartbeat": args.dropAfterFirstHeartbeat = true; break;
      case "--data-dir": args.dataDir = value(); break;
      default: usage(`unknown argument ${flag}`);
    }
  }
  if (!args.exportZip) usage("--export-zip is required");
  if (args.plugins.size === 0) usage("--plugin is required");
  if (!(args.runs >= 0)) usage("--runs takes a count");
  return args;
}

function usage(message) {
  process.stderr.write(`platform.js: ${message}\n`);
  process.exit(2);
}

// One line per event on stdout (a file or a pipe: writes are synchronous there).
function emitLine(kind, payload) {
  const text = typeof payload === "string" ? payload : JSON.stringify(payload);
  process.stdout.write(`${kind} ${text}\n`);
}

function sendJson(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json",
    "Content-Length": Buffer.byteLength(text),
  });
  res.end(text);
}

function sendFile(res, file) {
  fs.stat(file, (err, st) => {
    if (err) return sendJson(res, 404, { message: "not found" });
    res.writeHead(200, { "Content-Type": "application/zip", "Content-Length": st.size });
    fs.createReadStream(file).pipe(res);
  });
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const dataDir = args.dataDir || fs.mkdtempSync(path.join(os.tmpdir(), "xport-node-platform-"));
  const uploadDir = path.join(dataDir, "uploads");
  fs.mkdirSync(uploadDir, { recursive: true });
  const uploads = new Map();  // token -> {file, size}
  let baseUrl = "";

  const apiKeyOk = (req) => req.headers["apikey"] === args.apiKey;

  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    const q = url.searchParams;
    const route = `${req.method} ${url.pathname}`;
    // (socket.io's engine answers /socket.io/ before this listener runs.)
    if (route === "GET /v2/export") {
      if (!apiKeyOk(req)) return sendJson(res, 401, { message: "bad apikey" });
      emitLine("EXPORT", Object.fromEntries(q));
      const project = encodeURIComponent(q.get("project") || "");
      return sendJson(res, 200, { data: { exportPath: `${baseUrl}/_files/export.zip?project=${project}` } });
    }
    if (route === "GET /_files/export.zip") return sendFile(res, args.exportZip);
    if (route === "GET /v2/getUploadUrl") {
      if (!apiKeyOk(req)) return sendJson(res, 401, { message: "bad apikey" });
      const token = crypto.randomBytes(8).toString("hex");
      const name = encodeURIComponent(q.get("name") || "export.zip");
      return sendJson(res, 200, { data: { uploadUrl: `${baseUrl}/_upload/${token}/${name}` } });
    }
    if (route === "GET /v2/getSignedUrl") {
      if (!apiKeyOk(req)) return sendJson(res, 401, { message: "bad apikey" });
      const upload = q.get("name") || "";
      return sendJson(res, 200, { data: { signedUrl: `${upload.replace("/_upload/", "/_download/")}?sig=ok` } });
    }
    let m;
    if (req.method === "PUT" && (m = /^\/_upload\/([0-9a-f]+)\/([^/]+)$/.exec(url.pathname))) {
      const [, token, name] = m;
      const file = path.join(uploadDir, token);
      const out = fs.createWriteStream(file);
      let size = 0;
      req.on("data", (chunk) => { size += chunk.length; });
      req.pipe(out);
      out.on("finish", () => {
        uploads.set(token, { file, size });
        emitLine("UPLOAD", { token, name: decodeURIComponent(name), size });
        sendJson(res, 200, { status: "ok" });
      });
      out.on("error", (err) => sendJson(res, 500, { message: String(err) }));
      return;
    }
    if (req.method === "GET" && (m = /^\/_download\/([0-9a-f]+)\/([^/]+)$/.exec(url.pathname))) {
      const upload = uploads.get(m[1]);
      if (q.get("sig") !== "ok" || !upload) return sendJson(res, 403, { message: "forbidden" });
      return sendFile(res, upload.file);
    }
    sendJson(res, 404, { message: `no route ${route}` });
  });

  const io = new Server(server, {
    pingInterval: args.pingInterval,
    pingTimeout: args.pingTimeout,
    maxHttpBufferSize: 1e7,
  });
  const sessions = Array.from({ length: args.runs }, (_, i) => `session-${i + 1}`);
  const started = new Set();
  let dropped = false;

  io.of("/plugin").on("connection", (socket) => {
    emitLine("CONNECT", { sid: socket.id });
    socket.on("heartbeat", (data) => {
      const id = data && data.id;
      const ok = typeof id === "string" && args.plugins.has(id) && args.plugins.get(id) === data.secret;
      emitLine("HEARTBEAT", { sid: socket.id, id: id === undefined ? null : id, ok });
      if (!ok) return;
      if (args.dropAfterFirstHeartbeat && !dropped) {
        dropped = true;
        socket.disconnect(true);
        return;
      }
      for (const session of sessions) {
        if (started.has(session)) continue;
        started.add(session);
        socket.emit("plugin", {
          projectId: args.project,
          apiKey: args.apiKey,
          orgId: "org-1",
          runBy: "user-1",
          session,
          configJSON: args.config,
        });
        emitLine("RUN", { sid: socket.id, session });
      }
    });
    socket.on("log", (data) => emitLine("LOG", data));
    socket.on("response", (data) => emitLine("RESPONSE", data));
    socket.on("disconnect", (reason) => emitLine("DISCONNECT", reason));
  });

  server.listen(0, "127.0.0.1", () => {
    const { port } = server.address();
    baseUrl = `http://127.0.0.1:${port}`;
    emitLine("PORT", String(port));
  });

  // Serve until the test closes our stdin (or kills us).
  const shutdown = () => {
    io.close();
    server.close();
    if (!args.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.stdin.on("end", shutdown);
  process.stdin.on("close", shutdown);
  process.stdin.on("error", shutdown);
  process.stdin.resume();
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", shutdown);
}

main();
