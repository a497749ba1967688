// The hub's Dispatcher: the routing state (dispatch/routing.hpp) in this process, plugins
// reached through two transports (Socket.IO instances of this hub, REST connectors), and,
// on several hubs, the Cluster (hub/cluster.hpp) for what crosses hubs
// (cluster_dispatch.cpp): a run created here goes to the hub with the least busy instances
// of its plugin ("queued" message); each hub takes from the queue, every tick, the runs of
// its plugins nobody took within a second (lost message, target gone); the leader fails
// runs whose plugin has no instance anywhere after the offline wait, and ends or queues
// again the runs of hubs whose lease expired (Plugin::redispatch_on_hub_loss).
// Threads: one background thread keeps the deadlines and runs the REST connectors'
// /heartbeat probes; each POST {url}/plugin runs on a thread of its own (it may last the
// whole run); the Socket.IO handlers run on the server's network threads. The routing state
// is under one mutex, which is never held across a database call or a transport's I/O:
// decisions are taken under it (a run is claimed for an instance before it is marked
// dispatched), the store is written after it is released, and the compare-and-set run
// states record each run's end once whoever gets there first.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <variant>

#include "hub/app/dispatch/heartbeat_guard.hpp"
#include "hub/app/dispatch/plugin_transport.hpp"
#include "hub/app/dispatch/rest_transport.hpp"
#include "hub/app/dispatch/routing.hpp"
#include "hub/app/dispatch/socketio_transport.hpp"
#include "hub/app/dispatcher.hpp"
#include "hub/cluster.hpp"
#include "hub/domain.hpp"
#include "hub/object_store.hpp"
#include "hub/result_location.hpp"
#include "hub/server/socketio_server.hpp"

namespace xport::hub {

class LocalDispatcher final : public Dispatcher, private dispatch::TransportEvents {
 public:
  LocalDispatcher(Domain& domain, ObjectStore& objects, server::SocketIoServer& sio,
                  Cluster& cluster, DispatchOptions options);
  ~LocalDispatcher() override;  // stop()

  void install() override;
  void start() override;
  void stop() override;

  void submit(const Run& run) override;
  void forget(const std::string& session) override;
  void drop_plugin(const std::string& plugin_id, bool forget_runs = true) override;
  void settings_changed(const std::string& plugin_id) override;

  std::size_t online_instances(const std::string& plugin_id) const override;
  std::size_t instance_total() const override;
  std::size_t online_instances(const Plugin& plugin) override;
  std::string plugin_of(const std::string& socket_id) const override;

  std::optional<std::string> handle_response(const std::string& plugin_id,
                                             const boost::json::object& body) override;
  std::optional<std::string> handle_log(const std::string& plugin_id,
                                        const boost::json::object& body) override;
  std::optional<std::string> handle_progress(const std::string& plugin_id,
                                             const boost::json::object& body) override;

  std::chrono::seconds token_lifetime(std::chrono::milliseconds run_timeout) const override;
  std::chrono::milliseconds answer_timeout(const Plugin& plugin) const override;
  // The runs one instance of `plugin` may hold at a time (0: no limit).
  static std::size_t capacity_of(const Plugin& plugin) {
    return static_cast<std::size_t>(std::max<std::int64_t>(plugin.instance_concurrency, 0));
  }

 private:
  // dispatch::TransportEvents
  HeartbeatVerdict on_heartbeat(const std::string& instance, const std::string& remote,
                                const std::string& plugin_id, const std::string& secret) override;
  void log_refusal_bursts();  // every tick: the refusals counted, not logged one by one
  void on_instance_lost(const std::string& instance, const std::string& reason) override;
  std::string instance_plugin(const std::string& instance) const override {
    return plugin_of(instance);
  }
  std::optional<std::string> on_answer(const std::string& plugin_id,
                                       const boost::json::object& body) override {
    return handle_response(plugin_id, body);
  }
  std::optional<std::string> on_log(const std::string& plugin_id,
                                    const boost::json::object& body) override {
    return handle_log(plugin_id, body);
  }
  std::optional<std::string> on_progress(const std::string& plugin_id,
                                         const boost::json::object& body) override {
    return handle_progress(plugin_id, body);
  }
  void on_delivery_ended(const std::string& session, const std::string& error) override;

  std::variant<Run, std::string> plugin_run(const std::string& plugin_id,
                                            const std::string& session, bool dispatched);
  void keep_report(const std::string& session, const boost::json::object& body);
  // Sends one queued run if it can go now (without mutex_ held).
  void try_dispatch(const std::string& session);
  // Starts tracking a queued run here and tries it (the one-hub submit).
  void submit_here(const Run& run);
  void drop_here(const std::string& plugin_id, bool forget_runs);
  void send_to_instance(const Run& run, const Plugin& plugin, const dispatch::Instance& chosen,
                        std::chrono::milliseconds timeout);
  // Sends the plugin's queued runs, oldest first, while its instances have room.
  void dispatch_queued(const std::string& plugin_id);
  // dispatch_queued on the dispatcher's thread (a run ended: its instance has room again).
  void dispatch_queued_later(const std::string& plugin_id);
  // Stops tracking a run that is still queued (one that another thread already dispatched
  // stays); true when it did.
  bool untrack_queued(const std::string& session);
  // Answers (plugin_answers.cpp). These return the failure for the plugin's ack.
  std::optional<std::string> accept_result(const Run& run, const std::string& url);
  std::optional<std::string> accept_uploaded(const std::string& session, const std::string& key);
  void accept_stored(const std::string& session, const StoragePlace& place);
  // Writes an answered run's end; on failure keeps `write` to try again each second and
  // the run tracked (its deadline ends it with the cause).
  std::optional<std::string> record_answer(const std::string& session, std::function<void()> write);
  // record_answer of the run failing with `why`.
  std::optional<std::string> fail_answered(const std::string& session, std::string why);
  void retry_unrecorded();  // on the dispatcher's thread
  // Why the answer of `session` is not recorded, if it is not (and forgets it).
  std::optional<std::string> unrecorded_cause(const std::string& session);
  void post(std::function<void()> job);  // runs `job` on the dispatcher's thread
  void fail_expired(const std::vector<dispatch::ExpiredRun>& expired);
  std::string plugin_name(const std::string& plugin_id);  // its id when it is gone
  // Why a queued run fails when its plugin stayed offline (`where`: "" or " to any hub").
  std::string offline_reason(const std::string& plugin_id, std::string_view where = {});
  void loop();

  // Several hubs (cluster_dispatch.cpp).
  void on_cluster_message(const ClusterMessage& m);
  // A run the queue gave this hub (dispatched here in the store): to a local instance.
  void take_claimed(const ClaimedRun& claimed);
  void claim_waiting(const std::string& plugin_id, std::chrono::milliseconds waited);
  // True when this hub's own queue sweep dispatched the run meanwhile (then whoever claimed
  // it in the routing sends it).
  bool claimed_here(const std::string& session);
  void cluster_chores();  // every tick, on the dispatcher's thread
  void fail_stale_queued();
  // The runs a hub had sent when it was lost (or this hub's, restarted): ended, or queued
  // again when their plugin says so. `why`: what happened, for the messages.
  void end_runs_of_hub(const std::string& hub, const std::string& why);
  std::string secret_of(const Plugin& plugin);

  Domain& domain_;
  ObjectStore& objects_;
  Cluster& cluster_;
  dispatch::Clock::time_point next_chores_{};
  DispatchOptions options_;
  dispatch::SocketIoTransport sockets_;
  dispatch::RestConnectorTransport rest_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  dispatch::Routing routing_;
  dispatch::HeartbeatGuard guard_;          // wrong secrets, per socket and per address
  std::deque<std::function<void()>> jobs_;  // REST probes, storage checks: run on the thread
  std::set<std::string> rest_in_flight_;    // runs whose POST {url}/plugin is under way
  std::map<std::string, std::string> pending_errors_;  // their error answers, until it ends
  struct UnrecordedAnswer {
    std::function<void()> write;  // the store write that failed
    std::string cause;            // why, the last time
    dispatch::Clock::time_point next_try;
  };
  std::map<std::string, UnrecordedAnswer> unrecorded_;  // answered runs the store refused
  std::thread thread_;
};

}  // namespace xport::hub
