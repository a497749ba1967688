// The default connector (protocol.md §1): a Socket.IO client on the platform's /plugin
// namespace over WebSocket. Sends `heartbeat` {id, secret} on every connect and every
// heartbeat_interval, takes `plugin` events, emits `response` and `log`.
//
// Beyond the Python SDK: a dropped link is reconnected with capped exponential backoff and
// jitter, forever; answers of runs that finish while the link is down wait in an outbox and
// are delivered after the reconnect (logs too, up to a bound). An answer is kept until the
// platform acks it and sent again after a reconnect if the link dropped first (a platform that
// never acks has had it once the link carried it for 30 s).
//
// Threading: one network thread runs an io_context; the Socket.IO session, timers and the
// outbox live on it. send_response/send_log post onto it from worker threads.
#pragma once

#include <memory>
#include <string>

#include "sdk/connector.hpp"
#include "xport/plugin.hpp"

namespace xport::sdk {

class WsConnector final : public Connector {
 public:
  WsConnector(std::string host, std::string id, std::string secret, const PluginOptions& options);
  ~WsConnector() override;

  void start(RunHandler on_run) override;
  void send_response(boost::json::object body) override;
  void send_log(boost::json::object body) override;
  void send_progress(boost::json::object body) override;
  void stop_accepting() override;
  bool shutdown(std::chrono::steady_clock::time_point deadline) override;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace xport::sdk
