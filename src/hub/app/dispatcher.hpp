// Dispatch of runs to plugins (protocol.md §1, §4):
//   - Socket.IO namespace /plugin: `heartbeat {id, secret}` with the right credentials makes
//     the socket an online instance of that plugin (a wrong secret is logged and the socket
//     gets no runs); `log` events are stored per run; `response` events finish runs.
//   - submit(run): the least busy online instance gets it (mark_dispatched, then emit
//     `plugin`); runs of a plugin with no instance wait (offline_wait) and then fail saying
//     the plugin is offline. REST-connector plugins (Plugin::rest_url) get
//     `POST {rest_url}/plugin` with header `Secret`.
//   - An instance that disconnects fails its runs; a dispatched run without an answer
//     within its plugin's timeout (Plugin::timeout_seconds, capped by run_timeout) is marked
//     timed out, saying the plugin did not answer: old SDKs never answer a failed run.
// One background thread keeps the timers and probes REST connectors; each POST {url}/plugin
// runs on a thread of its own (it may last the whole run); the Socket.IO
// handlers run on the server's network threads. All state is under one mutex.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "hub/domain.hpp"
#include "hub/object_store.hpp"
#include "hub/server/socketio_server.hpp"
#include "net/http_client.hpp"

namespace xport::hub {

struct DispatchOptions {
  std::chrono::milliseconds offline_wait{std::chrono::minutes(10)};
  // The longest any run may wait for its answer, whatever its plugin's setting says.
  std::chrono::milliseconds run_timeout{std::chrono::hours(24 * 7)};
  std::chrono::milliseconds tick{std::chrono::milliseconds(250)};
};

class Dispatcher {
 public:
  Dispatcher(Domain& domain, ObjectStore& objects, server::SocketIoServer& sio,
             DispatchOptions options);
  ~Dispatcher();  // stop()
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Registers the /plugin handlers: before the server starts.
  void install();
  // Starts the timer thread; runs left queued by an earlier process are queued again, runs
  // left dispatched are failed (their plugin's answer went to that process).
  void start();
  void stop();

  // A run just created (queued): dispatch it now or queue it.
  void submit(const Run& run);
  // The run finished elsewhere (cancelled): stop tracking it.
  void forget(const std::string& session);
  // The plugin was deleted (forget_runs) or its secret changed: disconnect its instances
  // (their runs fail as disconnected unless forgotten first).
  void drop_plugin(const std::string& plugin_id, bool forget_runs = true);

  // Socket.IO instances with a valid heartbeat.
  std::size_t online_instances(const std::string& plugin_id) const;
  // The same for any plugin: a REST connector counts as one instance while its
  // GET {url}/heartbeat answers (probed in the background, at most every 15 s).
  std::size_t online_instances(const Plugin& plugin);

  // The answer of a run (the `response` event, or POST /v2/pluginResponse), from plugin
  // `plugin_id`. Returns an error message when the answer is refused (unknown session,
  // another plugin's run, a result that was never uploaded...), nullopt when applied.
  std::optional<std::string> handle_response(const std::string& plugin_id,
                                             const boost::json::object& body);
  // One log line (the `log` event, or POST /v2/pluginLog); same checks.
  // The plugin a socket is an online instance of ("" before a valid heartbeat).
  std::string plugin_of(const std::string& socket_id) const;
  std::optional<std::string> handle_log(const std::string& plugin_id,
                                        const boost::json::object& body);

  // How long a run token must live: the longest a run can wait and run, plus a margin.
  std::chrono::seconds token_lifetime(std::chrono::milliseconds run_timeout) const;
  // How long a run of `plugin` may wait for its answer.
  std::chrono::milliseconds answer_timeout(const Plugin& plugin) const;

 private:
  struct Instance {
    std::string socket_id;
    std::string plugin_id;
    std::string remote;          // the peer's address, for logs
    std::set<std::string> runs;  // sessions dispatched to it, not yet answered
    std::uint64_t order = 0;     // registration order (ties go to the oldest)
  };
  struct RestProbe {
    std::string url;  // probed address (a changed URL is probed again)
    bool ok = false;
    std::chrono::steady_clock::time_point checked;
    bool in_flight = false;
  };
  static constexpr std::chrono::seconds kProbeMaxAge{15};
  struct Tracked {
    std::string plugin_id;
    std::string socket_id;  // empty: queued, or sent to a REST connector
    bool dispatched = false;
    std::chrono::steady_clock::time_point deadline;  // offline wait, then run timeout
    std::chrono::milliseconds timeout{0};            // the answer's wait, once dispatched
  };

  void on_heartbeat(const server::SocketInfo& socket, const boost::json::array& args);
  void on_disconnect(const server::SocketInfo& socket, const std::string& reason);
  // With mutex_ held: tries to dispatch queued runs of `plugin_id` (or all when empty).
  void dispatch_queued_locked(const std::string& plugin_id);
  bool dispatch_locked(const std::string& session, Tracked& t);
  void untrack_locked(const std::string& session);
  void loop();
  boost::json::object run_data(const Run& run, std::chrono::milliseconds timeout);
  void call_rest_plugin(const Plugin& plugin, boost::json::object data, const std::string& session,
                        std::chrono::milliseconds timeout);
  void finish_rest_call(const std::string& session, const std::string& error);
  std::string secret_of(const Plugin& plugin);
  static net::HttpClient rest_client(std::chrono::seconds connect, std::chrono::seconds idle);

  Domain& domain_;
  ObjectStore& objects_;
  server::SocketIoServer& sio_;
  DispatchOptions options_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::uint64_t next_order_ = 0;
  std::map<std::string, Instance> instances_;          // socket id → instance
  std::map<std::string, Tracked> runs_;                // session → tracked run
  std::map<std::string, RestProbe> rest_probes_;       // plugin id → last /heartbeat probe
  std::deque<std::function<void()>> jobs_;             // REST probes, run on the thread
  std::set<std::string> rest_in_flight_;               // runs whose POST {url}/plugin is under way
  std::map<std::string, std::string> pending_errors_;  // their error answers, until it ends
  // The REST-call threads' way back: owner is cleared by stop() (under the mutex).
  struct RestCalls {
    std::mutex mutex;
    Dispatcher* owner = nullptr;
  };
  std::shared_ptr<RestCalls> rest_calls_;
  std::thread thread_;
};

}  // namespace xport::hub
