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
  std::lock_guard lock(mutex_);
  routing_.untrack(session);
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

std::string LocalDispatcher::plugin_of(const std::string& socket_id) const {
  std::lock_guard lock(mutex_);
  return routing_.plugin_of(socket_id);
}

void LocalDispatcher::on_heartbeat(const std::string& instance, const std::string& remote,
                                   const std::string& plugin_id, const std::string& secret) {
  if (plugin_id.empty() || !domain_.check_plugin_credentials(plugin_id, secret)) {
    spdlog::warn("heartbeat from {} (socket {}) refused: wrong plugin id or secret (id \"{}\")",
                 remote, instance, plugin_id);
    return;
  }
  {
    std::lock_guard lock(mutex_);
    if (!routing_.join(instance, plugin_id, remote)) return;  // a periodic heartbeat
  }
  spdlog::info("plugin {} online: instance {} from {}", plugin_id, instance, remote);
  cluster_.instance_joined(instance, plugin_id);
  dispatch_queued(plugin_id);
  if (cluster_.shared()) claim_waiting(plugin_id, std::chrono::milliseconds(0));
}

void LocalDispatcher::on_instance_lost(const std::string& instance, const std::string& reason) {
  std::optional<dispatch::LostInstance> lost;
  {
    std::lock_guard lock(mutex_);
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
  for (const auto& session : queued)
    try_dispatch(session);
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
      const dispatch::Instance* best = routing_.assign_least_busy(session, timeout, Clock::now());
      if (!best) return;  // stays queued until an instance comes or the wait ends
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
  try {
    if (!error.empty()) {
      domain_.mark_failed(session,
                          answered ? error + " (it had answered: " + *answered + ")" : error);
      forget(session);
    } else if (answered) {
      domain_.mark_failed(session, *answered);
    }
  } catch (const std::exception& e) {
    spdlog::error("run {}: {}", session, e.what());
  }
}

std::optional<std::string> LocalDispatcher::handle_response(const std::string& plugin_id,
                                                            const json::object& body) {
  const dispatch::PluginAnswer answer = dispatch::read_answer(body);
  const std::string& session = answer.session;
  if (session.empty()) return "the response names no session";
  const auto run = domain_.store().get_run(session);
  if (!run) return "no run " + session;
  if (run->plugin_id != plugin_id) return "run " + session + " belongs to another plugin";
  if (run->state != RunState::dispatched)
    return "run " + session + " is already " + std::string(to_string(run->state));
  {
    std::lock_guard lock(mutex_);
    routing_.untrack(session);
    // The newest SDK's REST connector answers {"error": true} first and then its
    // POST /plugin fails with HTTP 500: the run ends when that call does, with both.
    if (answer.failed && rest_in_flight_.count(session)) {
      pending_errors_[session] = answer.message;
      return std::nullopt;
    }
  }
  if (answer.failed) {
    domain_.mark_failed(session, answer.message);
    return std::nullopt;
  }
  accept_result(*run, answer.result_url);
  return std::nullopt;
}

// The answer's URL names the result: a link of the hub's own for the run's project, or one
// into a storage of its organisation (then checked with a HEAD, off the network thread).
void LocalDispatcher::accept_result(const Run& run, const std::string& url) {
  const auto project = domain_.store().get_project(run.project_id);
  if (project) {
    if (auto place = storage_place_of_answer(domain_, project->org_id, run.project_id, url)) {
      post([this, session = run.session, place = *place] { accept_stored(session, place); });
      return;
    }
  }
  const auto key = hub_object_key(objects_, url);
  const std::string prefix = "uploads/" + run.project_id + "/";
  if (!key || key->rfind(prefix, 0) != 0) {
    domain_.mark_failed(run.session, "the plugin's result \"" + url.substr(0, 200) +
                                         "\" is not an upload link of this hub or of a storage "
                                         "of this organization for this project");
    return;
  }
  // A HEAD to S3 waits for the network: on the dispatcher's thread, not the one that received
  // the answer (the run is untracked already; the compare-and-set records its end once).
  if (objects_.remote()) {
    post([this, session = run.session, key = *key] { accept_uploaded(session, key); });
    return;
  }
  accept_uploaded(run.session, *key);
}

void LocalDispatcher::accept_uploaded(const std::string& session, const std::string& key) {
  bool uploaded = false;
  try {
    uploaded = objects_.exists(key);
  } catch (const std::exception& e) {
    // The object store did not answer (S3 unreachable after its retries): the run ends with
    // why, rather than staying dispatched.
    domain_.mark_failed(session, std::string("the result cannot be checked: ") + e.what());
    return;
  }
  if (!uploaded) {
    domain_.mark_failed(session, "the plugin answered with a result that was never uploaded");
    return;
  }
  domain_.mark_succeeded(session, key);
  spdlog::info("run {} succeeded: {}", session, key);
}

void LocalDispatcher::accept_stored(const std::string& session, const StoragePlace& place) {
  const auto storage = domain_.store().get_storage(place.storage_id);
  if (!storage) {
    domain_.mark_failed(session, "the storage the result was written to has been removed");
    return;
  }
  try {
    domain_.storage_access().size_of(domain_.storage_target(*storage, place.bucket), place.key);
  } catch (const StorageError& e) {
    // S3's own code and message: "NoSuchKey" (never uploaded), "AccessDenied", ...
    domain_.mark_failed(session, "the result in storage " + storage->name + " (" + place.bucket +
                                     "/" + place.key + ") cannot be read: " + e.what());
    return;
  }
  domain_.mark_succeeded(session, storage_result_object(place));
  spdlog::info("run {} succeeded: storage {} {}/{}", session, storage->name, place.bucket,
               place.key);
}

void LocalDispatcher::post(std::function<void()> job) {
  std::lock_guard lock(mutex_);
  jobs_.push_back(std::move(job));
  wake_.notify_all();
}

std::optional<std::string> LocalDispatcher::handle_log(const std::string& plugin_id,
                                                       const json::object& body) {
  const std::string session = string_field(body, "session");
  if (session.empty()) return "the log line names no session";
  const auto run = domain_.store().get_run(session);
  if (!run) return "no run " + session;
  if (run->plugin_id != plugin_id) return "run " + session + " belongs to another plugin";
  std::string level = string_field(body, "level");
  if (level.empty()) level = "INFO";
  std::string msg = string_field(body, "msg");
  if (msg.size() > 64 * 1024) msg = msg.substr(0, 64 * 1024) + "...";
  domain_.append_log(session, level, msg);
  return std::nullopt;
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
    lock.unlock();
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

void LocalDispatcher::fail_expired(const std::vector<dispatch::ExpiredRun>& expired) {
  for (const auto& [session, t] : expired) {
    try {
      if (!t.dispatched) {
        domain_.fail_queued(session, offline_reason(t.plugin_id));
        continue;
      }
      domain_.mark_timed_out(
          session, fmt::format("the plugin did not answer within {} s (plugin {})",
                               std::chrono::duration_cast<std::chrono::seconds>(t.timeout).count(),
                               plugin_name(t.plugin_id)));
    } catch (const std::exception& e) {
      spdlog::error("run {}: {}", session, e.what());
    }
  }
}

}  // namespace xport::hub
