// LocalDispatcher's part that crosses hubs (local_dispatcher.hpp explains the scheme). On
// one hub (SoloCluster) only submit() and end_runs_of_hub() run here, the one-hub way.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "hub/app/dispatch/run_messages.hpp"
#include "hub/app/local_dispatcher.hpp"

namespace xport::hub {

namespace json = boost::json;
using dispatch::Clock;
using dispatch::string_field;

namespace {

// A run queued for another hub that it did not take (lost message, instance gone) is taken
// by any hub with an instance after this long.
constexpr std::chrono::milliseconds kTakeOverAfter{1000};
constexpr std::size_t kClaimsPerSweep = 32;
constexpr std::chrono::milliseconds kChoresEvery{1000};

}  // namespace

void LocalDispatcher::submit(const Run& run) {
  if (cluster_.shared()) {
    std::string target = cluster_.hub_id();
    try {
      const auto plugin = domain_.store().get_plugin(run.plugin_id);
      // A REST connector is called by the hub the run was created on.
      if (plugin && plugin->rest_url.empty()) target = cluster_.least_busy_hub(run.plugin_id);
    } catch (const std::exception& e) {
      spdlog::warn("run {}: choosing a hub failed ({}); trying here", run.session, e.what());
    }
    // No instance anywhere: tracked here, for the offline wait; any hub an instance joins
    // takes it from the queue.
    if (!target.empty() && target != cluster_.hub_id()) {
      cluster_.publish(
          "queued",
          json::object{{"session", run.session}, {"plugin", run.plugin_id}, {"target", target}});
      return;
    }
  }
  submit_here(run);
}

void LocalDispatcher::on_cluster_message(const ClusterMessage& m) {
  if (m.kind == "queued") {
    if (string_field(m.body, "target") != cluster_.hub_id()) return;
    const auto run = domain_.store().get_run(string_field(m.body, "session"));
    if (run && run->state == RunState::queued) submit_here(*run);
  } else if (m.kind == "drop_plugin") {
    const json::value* forget = m.body.if_contains("forget");
    drop_here(string_field(m.body, "plugin"), forget && forget->is_bool() && forget->get_bool());
  } else if (m.kind == "run") {
    // Cancelled (or ended) on another hub while sent from this one: stop waiting for it.
    const std::string session = string_field(m.body, "session");
    {
      std::lock_guard lock(mutex_);
      if (!routing_.run(session)) return;
    }
    const auto run = domain_.store().get_run(session);
    if (run && is_finished(run->state)) forget(session);
  }
}

bool LocalDispatcher::claimed_here(const std::string& session) {
  if (!cluster_.shared()) return false;
  const auto run = domain_.store().get_run(session);
  return run && run->state == RunState::dispatched && run->dispatched_by == cluster_.hub_id();
}

void LocalDispatcher::claim_waiting(const std::string& plugin_id,
                                    std::chrono::milliseconds waited) {
  try {
    const auto plugin = domain_.store().get_plugin(plugin_id);
    if (!plugin) return;
    std::size_t room = 0;
    {
      // Only as many as the instances here have room for (back-pressure): a claimed run
      // that cannot be sent would go back to the queue.
      std::lock_guard lock(mutex_);
      room = std::min(kClaimsPerSweep, routing_.free_slots(plugin_id, capacity_of(*plugin)));
    }
    if (room == 0) return;
    for (const ClaimedRun& claimed :
         cluster_.claim_queued(plugin_id, domain_.now_ms(), waited, room))
      take_claimed(claimed);
  } catch (const std::exception& e) {
    spdlog::warn("cluster: taking queued runs of plugin {}: {}", plugin_id, e.what());
  }
}

void LocalDispatcher::take_claimed(const ClaimedRun& claimed) {
  const auto plugin = domain_.store().get_plugin(claimed.plugin_id);
  const auto run = domain_.store().get_run(claimed.session);
  if (!plugin || !run) return;  // deleted meanwhile
  const auto timeout = answer_timeout(*plugin);
  std::optional<dispatch::Instance> chosen;
  {
    std::lock_guard lock(mutex_);
    if (!routing_.track(claimed.session, claimed.plugin_id, Clock::now())) {
      // Being sent by try_dispatch already, which sees the claim as its own.
      const auto tracked = routing_.run(claimed.session);
      if (tracked && tracked->dispatched) return;
    }
    if (const dispatch::Instance* best = routing_.assign_least_busy(
            claimed.session, timeout, Clock::now(), capacity_of(*plugin)))
      chosen = *best;
    else
      routing_.untrack(claimed.session);
  }
  if (!chosen) {
    domain_.requeue(claimed.session,
                    fmt::format("hub {}: no instance of plugin {} here has room for this run "
                                "any more (the one that was to take it left or got busy); "
                                "queued again",
                                cluster_.hub_id(), plugin->name));
    return;
  }
  wake_.notify_all();
  domain_.claimed(claimed.session);
  send_to_instance(*run, *plugin, *chosen, timeout);
}

void LocalDispatcher::cluster_chores() {
  const auto now = Clock::now();
  if (now < next_chores_) return;
  next_chores_ = now + kChoresEvery;
  std::set<std::string> plugins;
  {
    std::lock_guard lock(mutex_);
    plugins = routing_.online_plugins();
  }
  for (const auto& plugin : plugins)
    claim_waiting(plugin, kTakeOverAfter);
  if (!cluster_.leader()) return;
  try {
    fail_stale_queued();
    for (const std::string& hub : cluster_.lost_hubs()) {
      spdlog::warn("cluster: hub {} stopped renewing its lease; ending the runs it had sent", hub);
      end_runs_of_hub(hub, fmt::format("hub {}, which had sent this run to its plugin, stopped "
                                       "before the plugin answered (its lease expired)",
                                       hub));
      cluster_.forget_hub(hub);
    }
  } catch (const std::exception& e) {
    spdlog::warn("cluster: the leader's chores failed: {}", e.what());
  }
}

void LocalDispatcher::fail_stale_queued() {
  const std::int64_t before = domain_.now_ms() - options_.offline_wait.count();
  for (const StaleRun& stale : cluster_.stale_queued(before, 100))
    domain_.fail_queued(stale.session, offline_reason(stale.plugin_id, " to any hub"));
}

void LocalDispatcher::end_runs_of_hub(const std::string& hub, const std::string& why) {
  std::vector<std::string> sessions;
  if (cluster_.shared()) {
    sessions = cluster_.runs_dispatched_by(hub);
  } else {
    RunQuery q;
    q.states = {RunState::dispatched};
    q.limit = 100000;
    // Runs written before hubs had identities name none.
    for (const Run& r : domain_.store().list_runs(q))
      if (r.dispatched_by == hub || r.dispatched_by.empty()) sessions.push_back(r.session);
  }
  for (const std::string& session : sessions) {
    const auto run = domain_.store().get_run(session);
    if (!run) continue;
    const auto plugin = domain_.store().get_plugin(run->plugin_id);
    if (plugin && plugin->redispatch_on_hub_loss) {
      if (!domain_.requeue(session, why + "; queued again (the plugin is set to redispatch "
                                          "runs when a hub is lost)"))
        continue;
      if (auto again = domain_.store().get_run(session)) submit(*again);
    } else {
      domain_.mark_failed(session, why + "; start it again");
    }
  }
}

}  // namespace xport::hub
