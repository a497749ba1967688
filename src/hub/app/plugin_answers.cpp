// LocalDispatcher: what plugins send back about their runs (answers and log lines), and
// how an answer's end is recorded even when the store fails for a moment.
//
// An answer is checked (a run of this plugin, still dispatched, a result it may name), then
// its end is written. The run stays tracked until the store has it: a write that fails (the
// disk full for a second, PostgreSQL restarting) is kept in memory and tried again each
// second; the plugin's ack says so; and the run's timeout still ends it, with the cause, if
// the store never comes back. The compare-and-set run states record one end per run,
// whatever a plugin sends again.
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

#include "hub/app/dispatch/run_messages.hpp"
#include "hub/app/dispatch/run_progress.hpp"
#include "hub/app/links.hpp"
#include "hub/app/local_dispatcher.hpp"
#include "hub/app/storage_links.hpp"

namespace xport::hub {

namespace json = boost::json;
using dispatch::Clock;
using dispatch::string_field;

namespace {

constexpr auto kRetryEvery = std::chrono::seconds(1);
constexpr std::size_t kMaxLogMessage = 64 * 1024;
constexpr std::size_t kMaxReport = 1024 * 1024;
// A run's log stays open this long after it ended: the last lines of a plugin may cross its
// answer on the way. After that a finished run's log is closed: a plugin cannot write into
// the history of runs long done.
constexpr std::int64_t kLateLogGraceMs = 60 * 1000;

// The levels of Python's logging (what the platform's SDK sends), whatever their case;
// "WARN" is WARNING. nullopt for anything else.
std::optional<std::string> log_level(std::string level) {
  for (char& c : level)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (level.empty()) return "INFO";
  if (level == "WARN") return "WARNING";
  for (const char* known : {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"})
    if (level == known) return level;
  return std::nullopt;
}

}  // namespace

// The run a plugin's message names, or why the message is refused: an unknown run, another
// plugin's, or (`dispatched`) one no longer waiting for its plugin.
std::variant<Run, std::string> LocalDispatcher::plugin_run(const std::string& plugin_id,
                                                           const std::string& session,
                                                           bool dispatched) {
  auto run = domain_.store().get_run(session);
  if (!run) return "no run " + session;
  if (run->plugin_id != plugin_id) return "run " + session + " belongs to another plugin";
  if (dispatched && run->state != RunState::dispatched)
    return "run " + session + " is already " + std::string(to_string(run->state));
  return std::move(*run);
}

std::optional<std::string> LocalDispatcher::handle_response(const std::string& plugin_id,
                                                            const json::object& body) {
  const dispatch::PluginAnswer answer = dispatch::read_answer(body);
  const std::string& session = answer.session;
  if (session.empty()) return "the response names no session";
  auto checked = plugin_run(plugin_id, session, true);
  if (auto* error = std::get_if<std::string>(&checked)) return *error;
  const Run* run = &std::get<Run>(checked);
  keep_report(session, body);  // before the end is written: a finished run shows it at once
  {
    std::lock_guard lock(mutex_);
    // The newest SDK's REST connector answers {"error": true} first and then its
    // POST /plugin fails with HTTP 500: the run ends when that call does, with both.
    if (answer.failed && rest_in_flight_.count(session)) {
      routing_.untrack(session);
      pending_errors_[session] = answer.message;
      return std::nullopt;
    }
    // Answered: its instance no longer holds it (a disconnect from now on does not fail it),
    // but its deadline stays until the end is written.
    routing_.release(session);
  }
  dispatch_queued_later(plugin_id);  // the instance has room for a queued run
  if (answer.failed) {
    return fail_answered(session, answer.message);
  }
  return accept_result(*run, answer.result_url);
}

std::optional<std::string> LocalDispatcher::record_answer(const std::string& session,
                                                          std::function<void()> write) {
  try {
    write();
  } catch (const std::exception& e) {
    spdlog::error(
        "run {}: the hub could not record the plugin's answer ({}); it keeps the "
        "answer and tries again every second",
        session, e.what());
    std::lock_guard lock(mutex_);
    unrecorded_[session] = UnrecordedAnswer{std::move(write), e.what(), Clock::now() + kRetryEvery};
    wake_.notify_all();
    return fmt::format(
        "the hub could not record this answer yet ({}); it keeps it and tries "
        "again until the run's timeout",
        e.what());
  }
  std::lock_guard lock(mutex_);
  routing_.untrack(session);
  unrecorded_.erase(session);
  return std::nullopt;
}

std::optional<std::string> LocalDispatcher::fail_answered(const std::string& session,
                                                          std::string why) {
  return record_answer(
      session, [this, session, why = std::move(why)] { domain_.mark_failed(session, why); });
}

void LocalDispatcher::retry_unrecorded() {
  std::vector<std::pair<std::string, std::function<void()>>> due;
  {
    std::lock_guard lock(mutex_);
    const auto now = Clock::now();
    for (auto& [session, u] : unrecorded_) {
      if (!u.write || u.next_try > now) continue;  // no write: only its cause is kept
      u.next_try = now + kRetryEvery;
      due.emplace_back(session, u.write);
    }
  }
  for (auto& [session, write] : due) {
    try {
      write();
    } catch (const std::exception& e) {
      std::lock_guard lock(mutex_);
      if (auto it = unrecorded_.find(session); it != unrecorded_.end()) it->second.cause = e.what();
      continue;
    }
    spdlog::info("run {}: the plugin's answer is recorded now", session);
    std::lock_guard lock(mutex_);
    routing_.untrack(session);
    unrecorded_.erase(session);
  }
}

std::optional<std::string> LocalDispatcher::unrecorded_cause(const std::string& session) {
  std::lock_guard lock(mutex_);
  auto it = unrecorded_.find(session);
  if (it == unrecorded_.end()) return std::nullopt;
  std::string cause = it->second.cause;
  unrecorded_.erase(it);
  return cause;
}

// The answer's URL names the result: a link of the hub's own for the run's project, or one
// into a storage of its organisation (then checked with a HEAD, off the network thread).
std::optional<std::string> LocalDispatcher::accept_result(const Run& run, const std::string& url) {
  const auto project = domain_.store().get_project(run.project_id);
  if (project) {
    if (auto place = storage_place_of_answer(domain_, project->org_id, run.project_id, url)) {
      post([this, session = run.session, place = *place] { accept_stored(session, place); });
      return std::nullopt;
    }
  }
  const auto key = hub_object_key(objects_, url);
  const std::string prefix = "uploads/" + run.project_id + "/";
  if (!key || key->rfind(prefix, 0) != 0) {
    const std::string why = "the plugin's result \"" + url.substr(0, 200) +
                            "\" is not an upload link of this hub or of a storage of this "
                            "organization for this project";
    return fail_answered(run.session, why);
  }
  // uploads/<project>/[<session>/]<id>/<name>: a link issued to a run answers that run only.
  const std::string rest = key->substr(prefix.size());
  if (std::count(rest.begin(), rest.end(), '/') >= 2 && rest.rfind(run.session + "/", 0) != 0) {
    const std::string why = "the plugin's result is an upload link issued to another run (" +
                            rest.substr(0, rest.find('/')) + ")";
    return fail_answered(run.session, why);
  }
  // A HEAD to S3 waits for the network: on the dispatcher's thread, not the one that received
  // the answer.
  if (objects_.remote()) {
    post([this, session = run.session, key = *key] { accept_uploaded(session, key); });
    return std::nullopt;
  }
  return accept_uploaded(run.session, *key);
}

std::optional<std::string> LocalDispatcher::accept_uploaded(const std::string& session,
                                                            const std::string& key) {
  bool uploaded = false;
  try {
    uploaded = objects_.exists(key);
  } catch (const std::exception& e) {
    // The object store did not answer (S3 unreachable after its retries): the run ends with
    // why, rather than staying dispatched.
    const std::string why = std::string("the result cannot be checked: ") + e.what();
    return fail_answered(session, why);
  }
  if (!uploaded) {
    return fail_answered(session, "the plugin answered with a result that was never uploaded");
  }
  auto error =
      record_answer(session, [this, session, key] { domain_.mark_succeeded(session, key); });
  if (!error) spdlog::info("run {} succeeded: {}", session, key);
  return error;
}

void LocalDispatcher::accept_stored(const std::string& session, const StoragePlace& place) {
  const auto storage = domain_.store().get_storage(place.storage_id);
  if (!storage) {
    fail_answered(session, "the storage the result was written to has been removed");
    return;
  }
  try {
    domain_.storage_access().size_of(domain_.storage_target(*storage, place.bucket), place.key);
  } catch (const StorageError& e) {
    // S3's own code and message: "NoSuchKey" (never uploaded), "AccessDenied", ...
    const std::string why = "the result in storage " + storage->name + " (" + place.bucket + "/" +
                            place.key + ") cannot be read: " + e.what();
    fail_answered(session, why);
    return;
  }
  const std::string object = storage_result_object(place);
  if (!record_answer(session,
                     [this, session, object] { domain_.mark_succeeded(session, object); })) {
    spdlog::info("run {} succeeded: storage {} {}/{}", session, storage->name, place.bucket,
                 place.key);
  }
}

// A log line the store cannot take is refused with why (the exception reaches the
// transport, whose ack carries it): never acknowledged and dropped.
std::optional<std::string> LocalDispatcher::handle_log(const std::string& plugin_id,
                                                       const json::object& body) {
  const std::string session = string_field(body, "session");
  if (session.empty()) return "the log line names no session";
  auto checked = plugin_run(plugin_id, session, false);
  if (auto* error = std::get_if<std::string>(&checked)) return *error;
  const Run* run = &std::get<Run>(checked);
  if (run->finished_at && domain_.now_ms() - *run->finished_at > kLateLogGraceMs)
    return fmt::format("run {} ended {} s ago: its log is closed", session,
                       (domain_.now_ms() - *run->finished_at) / 1000);
  const std::optional<std::string> level = log_level(string_field(body, "level"));
  if (!level)
    return "log level \"" + string_field(body, "level").substr(0, 40) +
           "\" is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL";
  std::string msg = string_field(body, "msg");
  if (msg.size() > kMaxLogMessage) msg = msg.substr(0, kMaxLogMessage) + "...";
  domain_.append_log(session, *level, msg);
  return std::nullopt;
}

std::optional<std::string> LocalDispatcher::handle_progress(const std::string& plugin_id,
                                                            const json::object& body) {
  auto read = dispatch::read_progress(body);
  if (auto* error = std::get_if<std::string>(&read)) return *error;
  const auto& progress = std::get<dispatch::ProgressReport>(read);
  auto checked = plugin_run(plugin_id, progress.session, true);
  if (auto* error = std::get_if<std::string>(&checked)) return *error;
  const Run& run = std::get<Run>(checked);
  const json::object record =
      dispatch::progress_record(progress, run.progress_json, domain_.now_ms());
  if (!domain_.set_progress(progress.session, json::serialize(record)))
    return "run " + progress.session + " is no longer dispatched";
  return std::nullopt;
}

// The conversion report an answer may carry ({"report": {...}}, xport's SDK): kept with the
// run for its page. Advisory: a report too big or not stored never fails the answer.
void LocalDispatcher::keep_report(const std::string& session, const json::object& body) {
  const json::value* report = body.if_contains("report");
  if (!report || !report->is_object()) return;
  std::string text = json::serialize(*report);
  if (text.size() > kMaxReport) {
    spdlog::warn("run {}: the plugin's report ({} bytes) is over {} bytes; it is not kept", session,
                 text.size(), kMaxReport);
    return;
  }
  try {
    domain_.store().set_run_report(session, text);
  } catch (const std::exception& e) {
    spdlog::warn("run {}: the plugin's report could not be stored: {}", session, e.what());
  }
}

}  // namespace xport::hub
