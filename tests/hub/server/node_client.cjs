// npm's socket.io-client 4.8 (web-tools/node_modules, scripts/install-npm-peers.sh) as a
// client of `xport hub --conformance`, over one transport setting: connects to "/" with an
// auth payload and expects it back as `auth`, sends text and binary through `message` and
// `message-with-ack`, and checks which transport it ended on. One line per result for the
// C++ test: "OK name" or "FAIL name: why", then DONE.
//
// usage: node node_client.cjs SOCKET_IO_CLIENT_DIR URL websocket|polling|default
"use strict";

const [clientDir, url, mode] = process.argv.slice(2);
const { io } = require(clientDir);

const transports = { websocket: ["websocket"], polling: ["polling"], default: undefined }[mode];
const socket = io(url, { transports, auth: { token: "t-1" }, reconnection: false, timeout: 5000 });

function report(name, fn) {
  return Promise.resolve()
    .then(fn)
    .then(
      () => console.log(`OK ${name}`),
      (e) => console.log(`FAIL ${name}: ${e && e.message ? e.message : e}`),
    );
}

function expectEqual(actual, expected) {
  const a = JSON.stringify(actual);
  const b = JSON.stringify(expected);
  if (a !== b) throw new Error(`got ${a}, expected ${b}`);
}

function next(event) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within 5 s`)), 5000);
    socket.once(event, (...args) => {
      clearTimeout(timer);
      resolve(args);
    });
  });
}

async function main() {
  const auth = next("auth");
  await report("connect", () => next("connect"));
  await report("auth", async () => expectEqual(await auth, [{ token: "t-1" }]));
  await report("message-back", async () => {
    const back = next("message-back");
    socket.emit("message", 1, "é\u2028", { x: [true] });
    expectEqual(await back, [1, "é\u2028", { x: [true] }]);
  });
  await report("binary-message-back", async () => {
    const back = next("message-back");
    socket.emit("message", Buffer.from([0, 1, 255]), "tail");
    const [bytes, tail] = await back;
    expectEqual([Array.from(bytes), tail], [[0, 1, 255], "tail"]);
  });
  await report("ack", async () => {
    const answer = await socket.timeout(5000).emitWithAck("message-with-ack", "a", { b: 2 });
    expectEqual(answer, "a");  // emitWithAck resolves with the first argument of the ack
  });
  await report("binary-ack", async () => {
    const answer = await socket.timeout(5000).emitWithAck("message-with-ack", Buffer.from([7, 8]));
    expectEqual(Array.from(answer), [7, 8]);
  });
  if (mode === "default") {
    // Started on polling, upgraded to websocket.
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  await report("transport", () =>
    expectEqual(socket.io.engine.transport.name, mode === "polling" ? "polling" : "websocket"),
  );
  socket.close();
  console.log("DONE");
}

main().catch((e) => {
  console.log(`FAIL main: ${e.message}`);
  console.log("DONE");
  process.exit(1);
});
