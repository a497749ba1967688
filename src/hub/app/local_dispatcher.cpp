#include "hub/app/local_dispatcher.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "hub/app/dispatch/run_messages.hpp"
#include "hub/app/links.hpp"
#include "hub/app/storage_links.hpp"

namespace xport::hub {

namespace json = boost::json;
using dispatch::Clock;
using dispatch::string_field;

namespace {

std::string seconds_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return fmt::format("{} s", d.count() / 1000);
  return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1000.0);
}

}  // namespace

LocalDispatcher::LocalDispatcher(Domain& domain, ObjectStore& objects, server::SocketIoServer& sio,
                                 Cluster& cluster, DispatchOptions options)
    : domain_(domain),
      objects_(objects),
      cluster_(cluster),
      options_(options),
      sockets_(sio),
      rest_([this](const Plugin& p) { return secret_of(p); },
            [this](std::function<void()> job) { post(std::move(job)); }),
      routing_(options.offline_wait) {}

LocalDispatcher::~LocalDispatcher() {
  stop();
}

std::chrono::seconds LocalDispatcher::token_lifetime(std::chrono::milliseconds run_timeout) const {
  return std::chrono::duration_cast<std::chrono::seconds>(options_.offline_wait + run_timeout) +
         std::chrono::minutes(10);
}

std::chrono::milliseconds LocalDispatcher::answer_timeout(const Plugin& plugin) const {
  return std::min<std::chrono::milliseconds>(std::chrono::seconds(plugin.timeout_seconds),
                                             options_.run_timeout);
}

void LocalDispatcher::install() {
  sockets_.install(*this);
  rest_.install(*this);
  cluster_.subscribe([this](const ClusterMessage& m) { on_cluster_message(m); });
}

void LocalDispatcher::start() {
  // Runs an earlier process of this hub left behind: those it had sent end (or are queued
  // again); on one hub its queued runs are tracked again, on several the queue has them.
  end_runs_of_hub(cluster_.hub_id(), "the hub restarted while the run was in progress");
  if (!cluster_.shared()) {
    RunQuery q;
    q.states = {RunState::queued};
    q.limit = 100000;
    for (const Run& r : domain_.store().list_runs(q))
      submit(r);
  }
  std::lock_guard lock(mutex_);
  stopping_ = false;
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
}

void LocalDispatcher::stop() {
  rest_.stop();
  sockets_.stop();
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void LocalDispatcher::submit_here(const Run& run) {
  {
    std::lock_guard lock(mutex_);
    if (!routing_.track(run.session, run.plugin_id, Clock::now())) return;
  }
  try_dispatch(run.session);
  wake_.notify_all();
}

void LocalDispatcher::forget(const std::string& session) {
  std::optional<dispatch::TrackedRun> was;
  {
    std::lock_guard lock(mutex_);
    was = routing_.run(session);
    routing_.untrack(session);
  }
  // A cancelled run leaves room on its instance.
  if (was && was->dispatched) dispatch_queued_later(was->plugin_id);
}

void LocalDispatcher::settings_changed(const std::string& plugin_id) {
  dispatch_queued_later(plugin_id);
}

void LocalDispatcher::drop_plugin(const std::string& plugin_id, bool forget_runs) {
  drop_here(plugin_id, forget_runs);
  cluster_.publish("drop_plugin", json::object{{"plugin", plugin_id}, {"forget", forget_runs}});
}

void LocalDispatcher::drop_here(const std::string& plugin_id, bool forget_runs) {
  std::vector<std::string> instances;
  {
    std::lock_guard lock(mutex_);
    instances = routing_.instances_of(plugin_id);
    if (forget_runs) routing_.forget_plugin(plugin_id);
  }
  for (const auto& instance : instances)
    sockets_.disconnect(instance);
}

std::string LocalDispatcher::secret_of(const Plugin& p) {
  // The secret is sealed in the store; reveal it as an admin of the plugin's org would.
  User system;
  system.org_id = p.org_id;
  system.role = "admin";
  system.name = "dispatcher";
  return domain_.reveal_secret(system, p.id);
}

std::size_t LocalDispatcher::online_instances(const Plugin& plugin) {
  if (plugin.rest_url.empty())
    return cluster_.shared() ? cluster_.instance_count(plugin.id) : online_instances(plugin.id);
  // A REST connector holds no socket: it is online when its GET /heartbeat answered 2xx
  // lately. The probe runs on the dispatcher's thread; callers get the last answer.
  return rest_.online(plugin, Clock::now());
}

std::size_t LocalDispatcher::online_instances(const std::string& plugin_id) const {
  std::lock_guard lock(mutex_);
  return routing_.instance_count(plugin_id);
}

std::size_t LocalDispatcher::instance_total() const {
  std::lock_guard lock(mutex_);
  return routing_.instance_total();
}

std::string LocalDispatcher::plugin_of(const std::string& socket_id) const {
  std::lock_guard lock(mutex_);
  return routing_.plugin_of(socket_id);
}

dispatch::TransportEvents::HeartbeatVerdict LocalDispatcher::on_heartbeat(
    const std::string& instance, const std::string& remote, const std::string& plugin_id,
    const std::string& secret) {
  const std::string address = dispatch::HeartbeatGuard::address_of(remote);
  std::string refused;
  {
    std::lock_guard lock(mutex_);
    refused = guard_.refusal(address, Clock::now());
    // One socket is one instance of one plugin: becoming another would orphan its runs.
    const std::string current = routing_.plugin_of(instance);
    if (refused.empty() && !current.empty() && current != plugin_id)
      return {"this socket is an instance of plugin " + current +
                  "; connect again to be an instance of another",
              false};
  }
  if (refused.empty() &&
      (plugin_id.empty() || !domain_.check_plugin_credentials(plugin_id, secret)))
    refused = "wrong plugin id or secret";
  if (!refused.empty()) {
    dispatch::HeartbeatGuard::Verdict v;
    {
      std::lock_guard lock(mutex_);
      v = guard_.wrong(instance, address, Clock::now());
    }
    if (v.log)
      spdlog::warn(
          "heartbeat from {} (socket {}) refused: {} (id \"{}\"); more refusals from {} "
          "within {} s are counted, and told when that time is over",
          remote, instance, refused, plugin_id.substr(0, 100), address,
          dispatch::HeartbeatGuard::kWindow.count());
    return {refused, v.disconnect};
  }
  {
    std::lock_guard lock(mutex_);
    if (!routing_.join(instance, plugin_id, remote)) return {};  // a periodic heartbeat
  }
  spdlog::info("plugin {} online: instance {} from {}", plugin_id, instance, remote);
  cluster_.instance_joined(instance, plugin_id);
  dispatch_queued(plugin_id);
  if (cluster_.shared()) claim_waiting(plugin_id, std::chrono::milliseconds(0));
  return {};
}

void LocalDispatcher::log_refusal_bursts() {
  std::vector<dispatch::HeartbeatGuard::Summary> ended;
  {
    std::lock_guard lock(mutex_);
    ended = guard_.ended_windows(Clock::now());
  }
  for (const auto& s : ended)
    spdlog::warn("{} more heartbeat(s) from {} refused (wrong plugin id or secret, or too many)",
                 s.refused, s.address);
}

void LocalDispatcher::on_instance_lost(const std::string& instance, const std::string& reason) {
  std::optional<dispatch::LostInstance> lost;
  {
    std::lock_guard lock(mutex_);
    guard_.socket_gone(instance);
    // While the hub shuts down the runs stay as they are: the next start fails them.
    lost = routing_.leave(instance, /*keep_runs=*/stopping_);
    if (!lost || stopping_) return;
  }
  cluster_.instance_left(instance);
  spdlog::info("plugin {} instance {} went offline ({})", lost->plugin_id, instance, reason);
  for (const auto& session : lost->runs) {
    domain_.mark_failed(session, fmt::format("the instance of plugin {} running this export "
                                             "disconnected before answering ({})",
                                             lost->plugin_id, reason));
  }
}

void LocalDispatcher::dispatch_queued(const std::string& plugin_id) {
  std::vector<std::string> queued;
  {
    std::lock_guard lock(mutex_);
    queued = routing_.queued(plugin_id);
  }
  if (queued.empty()) return;
  const auto plugin = domain_.store().get_plugin(plugin_id);
  const std::size_t capacity = plugin ? capacity_of(*plugin) : 0;
  for (const auto& session : queued) {
    {
      // No room left (back-pressure): the rest wait for the next answer. A REST connector
      // has no instances and takes every run.
      std::lock_guard lock(mutex_);
      if (plugin && plugin->rest_url.empty() && routing_.free_slots(plugin_id, capacity) == 0)
        return;
    }
    try_dispatch(session);
  }
}

void LocalDispatcher::dispatch_queued_later(const std::string& plugin_id) {
  post([this, plugin_id] {
    dispatch_queued(plugin_id);
    if (!cluster_.shared()) return;
    // On several hubs the queue may hold runs of the plugin that wait for room, tracked by
    // no hub or by a busier one: this hub has room now. (Without a limit no run waits so.)
    const auto plugin = domain_.store().get_plugin(plugin_id);
    if (plugin && plugin->instance_concurrency > 0)
      claim_waiting(plugin_id, std::chrono::milliseconds(0));
  });
}

bool LocalDispatcher::untrack_queued(const std::string& session) {
  std::lock_guard lock(mutex_);
  if (!routing_.is_queued(session)) return false;
  routing_.untrack(session);
  return true;
}

// Reads the run and its plugin, then claims the run under the lock (another thread may be
// trying the same run: the claim goes to one), marks it dispatched (compare-and-set: a run
// cancelled meanwhile is not), then sends it. A run that cannot go anymore (cancelled, its
// plugin deleted) stops being tracked; one without an instance stays queued.
void LocalDispatcher::try_dispatch(const std::string& session) {
  std::string plugin_id;
  {
    std::lock_guard lock(mutex_);
    const auto tracked = routing_.run(session);
    if (!tracked || tracked->dispatched) return;
    plugin_id = tracked->plugin_id;
  }
  const auto plugin = domain_.store().get_plugin(plugin_id);
  if (!plugin) {
    if (untrack_queued(session))
      domain_.mark_failed(session, "plugin " + plugin_id + " was deleted");
    return;
  }
  const auto run = domain_.store().get_run(session);
  if (!run || run->state != RunState::queued) {
    untrack_queued(session);
    return;
  }
  const auto timeout = answer_timeout(*plugin);
  const bool rest = !plugin->rest_url.empty();
  std::optional<dispatch::Instance> chosen;
  {
    std::lock_guard lock(mutex_);
    if (rest) {
      if (!routing_.assign_direct(session, timeout, Clock::now())) return;
      rest_in_flight_.insert(session);
    } else {
      const dispatch::Instance* best =
          routing_.assign_least_busy(session, timeout, Clock::now(), capacity_of(*plugin));
      if (!best) return;  // stays queued until an instance has room or the wait ends
      chosen = *best;
    }
  }
  if (!domain_.mark_dispatched(session, cluster_.hub_id()) && !claimed_here(session)) {
    std::lock_guard lock(mutex_);
    routing_.untrack(session);
    rest_in_flight_.erase(session);
    return;
  }
  wake_.notify_all();
  if (chosen) return send_to_instance(*run, *plugin, *chosen, timeout);
  try {
    rest_.deliver({session, "", *plugin,
                   dispatch::plugin_event_data(domain_, *run, token_lifetime(timeout)), timeout});
  } catch (...) {
    std::lock_guard lock(mutex_);
    rest_in_flight_.erase(session);
    throw;
  }
}

void LocalDispatcher::send_to_instance(const Run& run, const Plugin& plugin,
                                       const dispatch::Instance& chosen,
                                       std::chrono::milliseconds timeout) {
  // In the run's log too: with several instances, which one ran it is the first question.
  // Written before the event goes out, so that it comes first in the run's log.
  domain_.append_log(run.session, "INFO",
                     fmt::format("hub: sent to {} instance {} ({}; {} run(s) in flight there)",
                                 plugin.name, chosen.id, chosen.remote, chosen.runs.size()));
  dispatch::Delivery delivery{run.session, chosen.id, plugin,
                              dispatch::plugin_event_data(domain_, run, token_lifetime(timeout)),
                              timeout};
  if (!sockets_.deliver(std::move(delivery))) {
    {
      std::lock_guard lock(mutex_);
      routing_.untrack(run.session);
    }
    domain_.mark_failed(run.session, "the instance of plugin " + plugin.name +
                                         " disconnected before the run could be sent to it");
    return;
  }
  spdlog::info("run {} sent to plugin {} (instance {})", run.session, plugin.id, chosen.id);
}

void LocalDispatcher::on_delivery_ended(const std::string& session, const std::string& error) {
  std::optional<std::string> answered;
  {
    std::lock_guard lock(mutex_);
    rest_in_flight_.erase(session);
    if (auto it = pending_errors_.find(session); it != pending_errors_.end()) {
      answered = it->second;
      pending_errors_.erase(it);
    }
  }
  // Through record_answer: a write the store refuses is tried again, not lost.
  if (!error.empty()) {
    const std::string why = answered ? error + " (it had answered: " + *answered + ")" : error;
    fail_answered(session, why);
  } else if (answered) {
    fail_answered(session, *answered);
  }
}

void LocalDispatcher::post(std::function<void()> job) {
  std::lock_guard lock(mutex_);
  jobs_.push_back(std::move(job));
  wake_.notify_all();
}

// Every tick: the jobs (REST probes), then the deadlines; both without the lock held.
void LocalDispatcher::loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.tick);
    if (stopping_) break;
    while (!jobs_.empty()) {
      auto job = std::move(jobs_.front());
      jobs_.pop_front();
      lock.unlock();
      try {
        job();
      } catch (const std::exception& e) {
        spdlog::error("dispatcher job failed: {}", e.what());
      }
      lock.lock();
    }
    const auto expired = routing_.expire(Clock::now());
    const bool retry = !unrecorded_.empty();
    lock.unlock();
    if (retry) retry_unrecorded();
    log_refusal_bursts();
    if (!expired.empty()) fail_expired(expired);
    if (cluster_.shared()) cluster_chores();
    lock.lock();
  }
}

std::string LocalDispatcher::plugin_name(const std::string& plugin_id) {
  auto p = domain_.store().get_plugin(plugin_id);
  return p ? p->name : plugin_id;
}

std::string LocalDispatcher::offline_reason(const std::string& plugin_id, std::string_view where) {
  return fmt::format("plugin {} is offline: no instance of it connected{} within {}",
                     plugin_name(plugin_id), where, seconds_text(options_.offline_wait));
}

// A run's deadline: it ends failed (offline plugin; an answer the store never took, with
// why) or timed out. An end the store refuses too is tried again a second later.
void LocalDispatcher::fail_expired(const std::vector<dispatch::ExpiredRun>& expired) {
  for (const dispatch::ExpiredRun& e : expired) {
    const auto& [session, t] = e;
    if (t.dispatched) dispatch_queued_later(t.plugin_id);  // its instance has room again
    std::optional<std::string> unrecorded = unrecorded_cause(session);
    try {
      if (!t.dispatched) {
        domain_.fail_queued(session, offline_reason(t.plugin_id));
      } else if (unrecorded) {
        domain_.mark_failed(session,
                            "the plugin answered, but the hub could not record the "
                            "answer before the run's timeout: " +
                                *unrecorded);
      } else {
        domain_.mark_timed_out(
            session,
            fmt::format("the plugin did not answer within {} s (plugin {})",
                        std::chrono::duration_cast<std::chrono::seconds>(t.timeout).count(),
                        plugin_name(t.plugin_id)));
      }
    } catch (const std::exception& error) {
      spdlog::error("run {}: its end cannot be recorded ({}); trying again in a second", session,
                    error.what());
      std::lock_guard lock(mutex_);
      if (unrecorded) unrecorded_[session] = UnrecordedAnswer{nullptr, *unrecorded, {}};
      routing_.expire_again(e, Clock::now() + std::chrono::seconds(1));
    }
  }
}

}  // namespace xport::hub
