#include "hub/app/dispatcher.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "hub/app/links.hpp"
#include "hub/json_text.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"

namespace xport::hub {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

std::string string_field(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return {};
}

bool true_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

std::string seconds_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return fmt::format("{} s", d.count() / 1000);
  return fmt::format("{:.1f} s", static_cast<double>(d.count()) / 1000.0);
}

}  // namespace

Dispatcher::Dispatcher(Domain& domain, ObjectStore& objects, server::SocketIoServer& sio,
                       DispatchOptions options)
    : domain_(domain),
      objects_(objects),
      sio_(sio),
      options_(options),
      rest_calls_(std::make_shared<RestCalls>()) {
  rest_calls_->owner = this;
}

Dispatcher::~Dispatcher() {
  stop();
}

std::chrono::seconds Dispatcher::token_lifetime(std::chrono::milliseconds run_timeout) const {
  return std::chrono::duration_cast<std::chrono::seconds>(options_.offline_wait + run_timeout) +
         std::chrono::minutes(10);
}

std::chrono::milliseconds Dispatcher::answer_timeout(const Plugin& plugin) const {
  return std::min<std::chrono::milliseconds>(std::chrono::seconds(plugin.timeout_seconds),
                                             options_.run_timeout);
}

void Dispatcher::install() {
  sio_.on_connect("/plugin",
                  [](const server::SocketInfo&) -> std::optional<std::string> { return {}; });
  sio_.on_event("/plugin", "heartbeat",
                [this](const server::SocketInfo& s, json::array args, server::Ack ack) {
                  on_heartbeat(s, args);
                  if (ack) ack(json::array{"ok"});
                });
  sio_.on_event("/plugin", "log",
                [this](const server::SocketInfo& s, json::array args, server::Ack ack) {
                  std::string plugin_id = plugin_of(s.id);
                  std::optional<std::string> error = "this socket sent no valid heartbeat";
                  if (!plugin_id.empty() && !args.empty() && args[0].is_object())
                    error = handle_log(plugin_id, args[0].get_object());
                  if (error) spdlog::warn("log event from {} refused: {}", s.remote, *error);
                  if (ack) ack(json::array{error ? json::value(*error) : json::value("ok")});
                });
  sio_.on_event("/plugin", "response",
                [this](const server::SocketInfo& s, json::array args, server::Ack ack) {
                  std::string plugin_id = plugin_of(s.id);
                  std::optional<std::string> error = "this socket sent no valid heartbeat";
                  if (!plugin_id.empty() && !args.empty() && args[0].is_object())
                    error = handle_response(plugin_id, args[0].get_object());
                  else if (!plugin_id.empty())
                    error = "a response event needs one JSON object";
                  if (error) spdlog::warn("response event from {} refused: {}", s.remote, *error);
                  if (ack) ack(json::array{error ? json::value(*error) : json::value("ok")});
                });
  sio_.on_disconnect("/plugin", [this](const server::SocketInfo& s, const std::string& reason) {
    on_disconnect(s, reason);
  });
}

void Dispatcher::start() {
  // Runs an earlier process left behind.
  RunQuery q;
  q.states = {RunState::queued, RunState::dispatched};
  q.limit = 100000;
  for (const Run& r : domain_.store().list_runs(q)) {
    if (r.state == RunState::dispatched)
      domain_.mark_failed(r.session,
                          "the hub restarted while the run was in progress; start it again");
    else
      submit(r);
  }
  std::lock_guard lock(mutex_);
  stopping_ = false;
  if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
}

void Dispatcher::stop() {
  {
    std::lock_guard calls(rest_calls_->mutex);
    rest_calls_->owner = nullptr;  // REST calls still under way find nobody to report to
  }
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Dispatcher::submit(const Run& run) {
  std::lock_guard lock(mutex_);
  Tracked t;
  t.plugin_id = run.plugin_id;
  t.deadline = Clock::now() + options_.offline_wait;
  auto [it, inserted] = runs_.emplace(run.session, t);
  if (!inserted) return;
  dispatch_locked(it->first, it->second);
  if (it->second.plugin_id.empty()) runs_.erase(it);
  wake_.notify_all();
}

void Dispatcher::forget(const std::string& session) {
  std::lock_guard lock(mutex_);
  untrack_locked(session);
}

void Dispatcher::drop_plugin(const std::string& plugin_id, bool forget_runs) {
  std::vector<std::string> sockets;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, inst] : instances_)
      if (inst.plugin_id == plugin_id) sockets.push_back(id);
    if (forget_runs)
      for (auto it = runs_.begin(); it != runs_.end();)
        it = it->second.plugin_id == plugin_id ? runs_.erase(it) : std::next(it);
  }
  for (const auto& s : sockets)
    sio_.disconnect(s);
}

std::string Dispatcher::secret_of(const Plugin& p) {
  // The secret is sealed in the store; reveal it as an admin of the plugin's org would.
  User system;
  system.org_id = p.org_id;
  system.role = "admin";
  system.name = "dispatcher";
  return domain_.reveal_secret(system, p.id);
}

net::HttpClient Dispatcher::rest_client(std::chrono::seconds connect, std::chrono::seconds idle) {
  net::ClientOptions o;
  o.connect_timeout = connect;
  o.idle_timeout = idle;
  o.max_redirects = 0;
  return net::HttpClient(o);
}

std::size_t Dispatcher::online_instances(const Plugin& plugin) {
  if (plugin.rest_url.empty()) return online_instances(plugin.id);
  // A REST connector holds no socket: it is online when its GET /heartbeat answered 2xx
  // lately. The probe runs on the dispatcher's thread; callers get the last answer.
  std::lock_guard lock(mutex_);
  RestProbe& probe = rest_probes_[plugin.id];
  const auto now = Clock::now();
  // Down plugins are probed more often: one that was just started shows up quickly.
  const auto max_age = probe.ok ? kProbeMaxAge : kProbeMaxAge / 5;
  if (!probe.in_flight && (probe.url != plugin.rest_url || now - probe.checked > max_age)) {
    probe.in_flight = true;
    jobs_.push_back([this, plugin] {
      bool ok = false;
      try {
        net::HttpClient client = rest_client(std::chrono::seconds(5), std::chrono::seconds(5));
        net::Request req;
        req.url = net::join_url(plugin.rest_url, "/heartbeat");
        req.headers = {{"Secret", secret_of(plugin)}};
        const net::HttpResponse res = client.request(req);
        ok = res.ok();
        if (!ok)
          spdlog::info("plugin {}: GET {}/heartbeat answered {}", plugin.name, plugin.rest_url,
                       res.status);
      } catch (const std::exception& e) {
        spdlog::info("plugin {}: {}/heartbeat unreachable: {}", plugin.name, plugin.rest_url,
                     e.what());
      }
      std::lock_guard job_lock(mutex_);
      RestProbe& done = rest_probes_[plugin.id];
      done = RestProbe{plugin.rest_url, ok, Clock::now(), false};
    });
    wake_.notify_all();
  }
  return probe.ok && probe.url == plugin.rest_url ? 1 : 0;
}

std::size_t Dispatcher::online_instances(const std::string& plugin_id) const {
  std::lock_guard lock(mutex_);
  std::size_t n = 0;
  for (const auto& [id, inst] : instances_)
    if (inst.plugin_id == plugin_id) ++n;
  return n;
}

void Dispatcher::on_heartbeat(const server::SocketInfo& socket, const json::array& args) {
  std::string id, secret;
  if (!args.empty() && args[0].is_object()) {
    id = string_field(args[0].get_object(), "id");
    secret = string_field(args[0].get_object(), "secret");
  }
  if (id.empty() || !domain_.check_plugin_credentials(id, secret)) {
    spdlog::warn("heartbeat from {} (socket {}) refused: wrong plugin id or secret (id \"{}\")",
                 socket.remote, socket.id, id);
    return;
  }
  std::lock_guard lock(mutex_);
  auto it = instances_.find(socket.id);
  if (it != instances_.end() && it->second.plugin_id == id) return;  // a periodic heartbeat
  if (it != instances_.end()) instances_.erase(it);
  Instance inst;
  inst.socket_id = socket.id;
  inst.plugin_id = id;
  inst.remote = socket.remote;
  inst.order = next_order_++;
  instances_.emplace(socket.id, std::move(inst));
  spdlog::info("plugin {} online: instance {} from {}", id, socket.id, socket.remote);
  dispatch_queued_locked(id);
}

void Dispatcher::on_disconnect(const server::SocketInfo& socket, const std::string& reason) {
  std::vector<std::string> orphaned;
  std::string plugin_id;
  {
    std::lock_guard lock(mutex_);
    auto it = instances_.find(socket.id);
    if (it == instances_.end()) return;
    plugin_id = it->second.plugin_id;
    orphaned.assign(it->second.runs.begin(), it->second.runs.end());
    instances_.erase(it);
    if (stopping_) return;  // the hub is shutting down: the next start fails these runs
    for (const auto& s : orphaned)
      runs_.erase(s);
  }
  spdlog::info("plugin {} instance {} went offline ({})", plugin_id, socket.id, reason);
  for (const auto& session : orphaned) {
    domain_.mark_failed(session, fmt::format("the instance of plugin {} running this export "
                                             "disconnected before answering ({})",
                                             plugin_id, reason));
  }
}

void Dispatcher::dispatch_queued_locked(const std::string& plugin_id) {
  for (auto& [session, t] : runs_)
    if (!t.dispatched && (plugin_id.empty() || t.plugin_id == plugin_id))
      dispatch_locked(session, t);
  for (auto it = runs_.begin(); it != runs_.end();)
    it = it->second.plugin_id.empty() ? runs_.erase(it) : std::next(it);
}

// Sends one queued run if it can go now. A run that cannot go anymore (cancelled meanwhile,
// plugin deleted) is marked for removal by clearing its plugin id.
bool Dispatcher::dispatch_locked(const std::string& session, Tracked& t) {
  const auto plugin = domain_.store().get_plugin(t.plugin_id);
  if (!plugin) {
    domain_.mark_failed(session, "plugin " + t.plugin_id + " was deleted");
    t.plugin_id.clear();
    return false;
  }
  const auto run = domain_.store().get_run(session);
  if (!run || run->state != RunState::queued) {
    t.plugin_id.clear();
    return false;
  }
  if (!plugin->rest_url.empty()) {
    if (!domain_.mark_dispatched(session)) {
      t.plugin_id.clear();
      return false;
    }
    t.dispatched = true;
    t.timeout = answer_timeout(*plugin);
    t.deadline = Clock::now() + t.timeout;
    Plugin p = *plugin;
    json::object data = run_data(*run, t.timeout);
    rest_in_flight_.insert(session);
    call_rest_plugin(p, std::move(data), session, t.timeout);
    wake_.notify_all();
    return true;
  }
  // The least busy online instance; ties go to the one that came first.
  Instance* best = nullptr;
  for (auto& [id, inst] : instances_) {
    if (inst.plugin_id != t.plugin_id) continue;
    if (!best || inst.runs.size() < best->runs.size() ||
        (inst.runs.size() == best->runs.size() && inst.order < best->order))
      best = &inst;
  }
  if (!best) return false;  // stays queued until an instance comes or the wait ends
  if (!domain_.mark_dispatched(session)) {
    t.plugin_id.clear();
    return false;
  }
  t.dispatched = true;
  t.socket_id = best->socket_id;
  t.timeout = answer_timeout(*plugin);
  t.deadline = Clock::now() + t.timeout;
  best->runs.insert(session);
  if (!sio_.emit(best->socket_id, "/plugin", "plugin", json::array{run_data(*run, t.timeout)})) {
    best->runs.erase(session);
    domain_.mark_failed(session, "the instance of plugin " + plugin->name +
                                     " disconnected before the run could be sent to it");
    t.plugin_id.clear();
    return false;
  }
  spdlog::info("run {} sent to plugin {} (instance {})", session, t.plugin_id, t.socket_id);
  // In the run's log too: with several instances, which one ran it is the first question.
  domain_.append_log(session, "INFO",
                     fmt::format("hub: sent to {} instance {} ({}; {} run(s) in flight there)",
                                 plugin->name, best->socket_id, best->remote, best->runs.size()));
  return true;
}

// POST {rest_url}/plugin on a thread of its own: the newest SDK's REST connector answers
// only once the run is done (its callback runs inside the request), so the call may take as
// long as the plugin's answer timeout and must not hold up other dispatches. The thread
// reports through rest_calls_, which stop() closes, so a late answer never reaches a
// destroyed dispatcher.
void Dispatcher::call_rest_plugin(const Plugin& plugin, json::object data,
                                  const std::string& session, std::chrono::milliseconds timeout) {
  const auto idle =
      std::chrono::duration_cast<std::chrono::seconds>(timeout) + std::chrono::seconds(5);
  net::HttpClient client = rest_client(std::chrono::seconds(10), idle);
  net::Request req;
  req.method = "POST";
  req.url = net::join_url(plugin.rest_url, "/plugin");
  req.headers = {{"Content-Type", "application/json"}, {"Secret", secret_of(plugin)}};
  req.body = json::serialize(data);
  std::thread([calls = rest_calls_, client = std::move(client), req = std::move(req),
               name = plugin.name, url = plugin.rest_url, session]() mutable {
    std::string error;
    try {
      net::HttpResponse res = client.request(req);
      if (!res.ok())
        error = fmt::format("the REST endpoint of plugin {} answered {} {}: {}", name, res.status,
                            res.reason, res.body.substr(0, 200));
    } catch (const std::exception& e) {
      error = fmt::format("plugin {} could not be reached at {}: {}", name, url, e.what());
    }
    std::lock_guard lock(calls->mutex);
    if (calls->owner) calls->owner->finish_rest_call(session, error);
  }).detach();
}

void Dispatcher::finish_rest_call(const std::string& session, const std::string& error) {
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

// The `plugin` event's data, as the platform sends it: `stage` a list of stage ids (empty:
// no stage filter; the newest SDK asks for stage=["Complete"] when the key is missing) and
// `batches` a list of batch ids.
json::object Dispatcher::run_data(const Run& run, std::chrono::milliseconds timeout) {
  std::string org_id;
  if (auto user = domain_.store().get_user(run.user_id)) org_id = user->org_id;
  const std::int64_t expires = domain_.now_ms() / 1000 + token_lifetime(timeout).count();
  json::array batches;
  for (const auto& b : parse_json_string_list(run.batches_json))
    batches.emplace_back(b);
  json::array stage;
  if (run.stage) stage.emplace_back(*run.stage);
  json::object data{{"projectId", run.project_id},
                    {"apiKey", make_run_token(domain_.signer(), run.session, expires)},
                    {"orgId", org_id},
                    {"runBy", run.user_id},
                    {"session", run.session},
                    {"configJSON", run.config_json},
                    {"batches", std::move(batches)},
                    {"stage", std::move(stage)}};
  return data;
}

void Dispatcher::untrack_locked(const std::string& session) {
  auto it = runs_.find(session);
  if (it == runs_.end()) return;
  if (!it->second.socket_id.empty())
    if (auto inst = instances_.find(it->second.socket_id); inst != instances_.end())
      inst->second.runs.erase(session);
  runs_.erase(it);
}

std::optional<std::string> Dispatcher::handle_response(const std::string& plugin_id,
                                                       const json::object& body) {
  const std::string session = string_field(body, "session");
  if (session.empty()) return "the response names no session";
  const auto run = domain_.store().get_run(session);
  if (!run) return "no run " + session;
  if (run->plugin_id != plugin_id) return "run " + session + " belongs to another plugin";
  if (run->state != RunState::dispatched)
    return "run " + session + " is already " + std::string(to_string(run->state));
  {
    std::lock_guard lock(mutex_);
    untrack_locked(session);
  }
  // The oldest SDK answered {"response": <upload URL>, "session"} without "export".
  const bool answered_result = body.contains("export") ? true_field(body, "export")
                                                       : !string_field(body, "response").empty();
  if (true_field(body, "error") || !answered_result) {
    std::string message = string_field(body, "message");
    if (message.empty()) message = string_field(body, "error_message");
    if (message.empty())
      message = true_field(body, "error") ? "the plugin reported an error (it gave no message)"
                                          : "the plugin answered without a result";
    {
      // The newest SDK's REST connector answers {"error": true} first and then its
      // POST /plugin fails with HTTP 500: the run ends when that call does, with both.
      std::lock_guard lock(mutex_);
      if (rest_in_flight_.count(session)) {
        pending_errors_[session] = message;
        return std::nullopt;
      }
    }
    domain_.mark_failed(session, message);
    return std::nullopt;
  }
  const std::string url = string_field(body, "response");
  const auto key = object_key_from_url(url);
  const std::string prefix = "uploads/" + run->project_id + "/";
  if (!key || key->rfind(prefix, 0) != 0) {
    domain_.mark_failed(session, "the plugin's result \"" + url.substr(0, 200) +
                                     "\" is not an upload link of this hub for this project");
    return std::nullopt;
  }
  if (!objects_.exists(*key)) {
    domain_.mark_failed(session, "the plugin answered with a result that was never uploaded");
    return std::nullopt;
  }
  domain_.mark_succeeded(session, *key);
  spdlog::info("run {} succeeded: {}", session, *key);
  return std::nullopt;
}

std::string Dispatcher::plugin_of(const std::string& socket_id) const {
  std::lock_guard lock(mutex_);
  auto it = instances_.find(socket_id);
  return it == instances_.end() ? std::string() : it->second.plugin_id;
}

std::optional<std::string> Dispatcher::handle_log(const std::string& plugin_id,
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

void Dispatcher::loop() {
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
    const auto now = Clock::now();
    std::vector<std::pair<std::string, Tracked>> expired;
    for (auto it = runs_.begin(); it != runs_.end();) {
      if (it->second.deadline <= now) {
        expired.emplace_back(it->first, it->second);
        if (!it->second.socket_id.empty())
          if (auto inst = instances_.find(it->second.socket_id); inst != instances_.end())
            inst->second.runs.erase(it->first);
        it = runs_.erase(it);
      } else {
        ++it;
      }
    }
    if (expired.empty()) continue;
    lock.unlock();
    for (const auto& [session, t] : expired) {
      std::string name = t.plugin_id;
      if (auto p = domain_.store().get_plugin(t.plugin_id)) name = p->name;
      try {
        if (!t.dispatched)
          domain_.mark_failed(session,
                              fmt::format("plugin {} is offline: no instance of it connected "
                                          "within {}",
                                          name, seconds_text(options_.offline_wait)));
        else
          domain_.mark_timed_out(
              session,
              fmt::format("the plugin did not answer within {} s (plugin {})",
                          std::chrono::duration_cast<std::chrono::seconds>(t.timeout).count(),
                          name));
      } catch (const std::exception& e) {
        spdlog::error("run {}: {}", session, e.what());
      }
    }
    lock.lock();
  }
}

}  // namespace xport::hub
