// Dispatch of runs to plugins (protocol.md §1, §4), as the rest of the hub sees it. The
// behaviour every implementation keeps:
//   - Socket.IO namespace /plugin: `heartbeat {id, secret}` with the right credentials makes
//     the socket an online instance of that plugin (a wrong secret is logged and the socket
//     gets no runs); `log` events are stored per run; `response` events finish runs.
//   - submit(run): the least busy online instance gets it (mark_dispatched, then emit
//     `plugin`); runs of a plugin with no instance wait (offline_wait) and then fail saying
//     the plugin is offline. Back-pressure: an instance holds at most its plugin's
//     instance_concurrency runs at a time; the others wait queued, in the order they came,
//     without a deadline while an instance is online, and their answer's timeout starts when
//     they are sent. REST-connector plugins (Plugin::rest_url) get
//     `POST {rest_url}/plugin` with header `Secret`.
//   - An instance that disconnects fails its runs; a dispatched run without an answer
//     within its plugin's timeout (Plugin::timeout_seconds, capped by run_timeout) is marked
//     timed out, saying the plugin did not answer: old SDKs never answer a failed run.
// LocalDispatcher (local_dispatcher.hpp) is the one-hub implementation; the transports that
// reach plugins are in dispatch/plugin_transport.hpp, the routing state in dispatch/routing.hpp.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "hub/store.hpp"

namespace xport::hub {

struct DispatchOptions {
  std::chrono::milliseconds offline_wait{std::chrono::minutes(10)};
  // The longest any run may wait for its answer, whatever its plugin's setting says.
  std::chrono::milliseconds run_timeout{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds tick{std::chrono::milliseconds(250)};
};

class Dispatcher {
 public:
  virtual ~Dispatcher() = default;
  Dispatcher() = default;
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Registers the /plugin handlers: before the server starts.
  virtual void install() = 0;
  // Starts the timers; runs left queued by an earlier process are queued again, runs left
  // dispatched are failed (their plugin's answer went to that process).
  virtual void start() = 0;
  virtual void stop() = 0;

  // A run just created (queued): dispatch it now or queue it.
  virtual void submit(const Run& run) = 0;
  // The run finished elsewhere (cancelled): stop tracking it.
  virtual void forget(const std::string& session) = 0;
  // The plugin was deleted (forget_runs) or its secret changed: disconnect its instances
  // (their runs fail as disconnected unless forgotten first).
  virtual void drop_plugin(const std::string& plugin_id, bool forget_runs = true) = 0;
  // The plugin's settings changed (a higher instance_concurrency): queued runs may go now.
  virtual void settings_changed(const std::string& plugin_id) = 0;

  // Socket.IO instances with a valid heartbeat, on this hub: of one plugin, of all.
  virtual std::size_t online_instances(const std::string& plugin_id) const = 0;
  virtual std::size_t instance_total() const = 0;
  // What users are shown, for any plugin: Socket.IO instances on every live hub of the
  // cluster; a REST connector counts as one instance while its GET {url}/heartbeat answers
  // (probed in the background, at most every 15 s).
  virtual std::size_t online_instances(const Plugin& plugin) = 0;
  // The plugin a socket is an online instance of ("" before a valid heartbeat).
  virtual std::string plugin_of(const std::string& socket_id) const = 0;

  // The answer of a run (the `response` event, or POST /v2/pluginResponse), from plugin
  // `plugin_id`. Returns an error message when the answer is refused (unknown session,
  // another plugin's run, a result that was never uploaded...), nullopt when applied.
  virtual std::optional<std::string> handle_response(const std::string& plugin_id,
                                                     const boost::json::object& body) = 0;
  // One log line (the `log` event, or POST /v2/pluginLog); same checks.
  virtual std::optional<std::string> handle_log(const std::string& plugin_id,
                                                const boost::json::object& body) = 0;
  // The plugin's progress of a dispatched run (the `progress` event, or POST
  // /v2/pluginProgress; dispatch/run_progress.hpp); same checks.
  virtual std::optional<std::string> handle_progress(const std::string& plugin_id,
                                                     const boost::json::object& body) = 0;

  // How long a run token must live: the longest a run can wait and run, plus a margin.
  virtual std::chrono::seconds token_lifetime(std::chrono::milliseconds run_timeout) const = 0;
  // How long a run of `plugin` may wait for its answer.
  virtual std::chrono::milliseconds answer_timeout(const Plugin& plugin) const = 0;
};

}  // namespace xport::hub
