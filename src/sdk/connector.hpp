// How runs reach the plugin and answers go back: a Socket.IO connection to the platform
// (protocol.md §1, the default) or an HTTP server the platform calls (§4, CONNECTOR=REST).
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <functional>

namespace xport::sdk {

class Connector {
 public:
  using RunHandler = std::function<void(boost::json::object data)>;
  virtual ~Connector() = default;

  // Starts serving on the connector's own network thread; `on_run` is called there for
  // every run the platform starts (it must hand the run to a worker and return).
  virtual void start(RunHandler on_run) = 0;
  // Delivers a run's `response` / a `log` line. Thread-safe. Responses are kept until they
  // could be handed to a live connection (after a reconnect if need be).
  virtual void send_response(boost::json::object body) = 0;
  virtual void send_log(boost::json::object body) = 0;
  // A run's progress (the `progress` event / POST /v2/pluginProgress): dropped, not queued,
  // while the connection is down (the next one says more).
  virtual void send_progress(boost::json::object body) = 0;
  // Stops taking new runs (runs still arriving are refused with an error response).
  virtual void stop_accepting() = 0;
  // Waits until every response was handed over, or `deadline`; then closes and joins the
  // network thread. True when nothing was left undelivered.
  virtual bool shutdown(std::chrono::steady_clock::time_point deadline) = 0;
};

}  // namespace xport::sdk
