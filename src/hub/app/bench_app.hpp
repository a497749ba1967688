// `xport hub --bench` (issue 15 item 4): the hub's Socket.IO server with a behaviour any
// harness can measure, the same as bench/sio/node_server.cjs gives npm's socket.io, so that one
// load generator (bench/sio/loadgen.cjs) compares the two (bench/sio/compare.sh):
//   - `heartbeat {id, secret}` on /plugin, with an ack: the socket is registered, whatever the
//     id (no store, no secrets: what is measured is the server);
//   - `echo` on /plugin is acked with its arguments;
//   - GET /bench/dispatch?timeout_ms=N emits `plugin {session}` to every registered socket,
//     waits until each answered `response {session}` (or the timeout) and returns
//     {session, expected, answered, all_ms, per_client_ms[], timed_out}, the times measured
//     here from just before the first emit;
//   - GET /bench/stats returns {impl, pid, registered, connected}.
#pragma once

#include <memory>

#include "hub/server/server.hpp"

namespace xport::hub {

class BenchApp {
 public:
  // Registers the handlers and routes on `server` (before it starts); `server` outlives this.
  explicit BenchApp(server::Server& server);
  ~BenchApp();
  BenchApp(const BenchApp&) = delete;
  BenchApp& operator=(const BenchApp&) = delete;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace xport::hub
