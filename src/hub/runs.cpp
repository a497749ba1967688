// Runs: start (with Config JSON validation) and the state machine. Every transition is a
// compare-and-set in the store, so a plugin's answer, a timeout and a cancel racing for
// the same run cannot both win.
#include <algorithm>

#include "hub/domain.hpp"
#include "hub/json_text.hpp"
#include "hub/project_meta.hpp"
#include "hub/result_location.hpp"
#include "xport/config.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

Run Domain::start_run(const User& user, const StartRun& request) {
  const Project p = managed_project(user, request.project_id);
  const Plugin plug = plugin(user, request.plugin_id);
  Run run;
  run.config_json = request.config_json.value_or(plug.default_config);
  if (run.config_json.empty()) run.config_json = "{}";
  try {
    parse_config(run.config_json);  // a JSON object, or ConfigError naming line and column
  } catch (const ConfigError& e) {
    throw ConfigError(std::string("Config JSON: ") + e.what());
  }
  // The stage and batches as the user named them (ids or names), kept as ids: the plugin
  // event carries ids, as the platform's does.
  if (request.stage && !request.stage->empty()) {
    auto stages = find_stages(p, *request.stage);
    if (stages.empty())
      throw ConfigError("project " + p.name + " has no stage \"" + *request.stage + "\"");
    run.stage = stages.front()->id;
  }
  std::vector<std::string> batch_ids;
  for (const std::string& b : request.batches) {
    const Batch* batch = find_batch(p, b);
    if (!batch) throw ConfigError("project " + p.name + " has no batch \"" + b + "\"");
    batch_ids.push_back(batch->id);
  }
  run.session = new_id();
  run.project_id = p.id;
  run.plugin_id = plug.id;
  run.user_id = user.id;
  run.batches_json = json_string_list(batch_ids);
  run.state = RunState::queued;
  run.created_at = now_ms();
  store_.create_run(run);
  run_changed(run.session);
  return run;
}

Run Domain::run(const User& user, const std::string& session) {
  auto found = store_.get_run(session);
  // A run of a project the caller may not see (another organisation's, one they are not a
  // member of) answers like an unknown one, naming nothing of its own.
  const auto project = found ? store_.get_project(found->project_id) : std::nullopt;
  if (!project || !may_see(user, *project)) throw NotFound("no run " + session);
  return *found;
}

bool Domain::mark_dispatched(const std::string& session, const std::string& hub) {
  if (!store_.transition(
          session,
          RunTransition{{RunState::queued}, RunState::dispatched, "", std::nullopt, now_ms(), hub}))
    return false;
  run_changed(session);
  return true;
}

bool Domain::requeue(const std::string& session, const std::string& why) {
  if (!store_.transition(
          session,
          RunTransition{{RunState::dispatched}, RunState::queued, "", std::nullopt, now_ms(), ""}))
    return false;
  append_log(session, "WARNING", why);  // also tells the listeners
  return true;
}

bool Domain::fail_queued(const std::string& session, const std::string& reason) {
  return finish_notifying(session, RunState::failed, reason, std::nullopt, {RunState::queued});
}

RunTransition Domain::finishing(RunState to, const std::string& message,
                                std::optional<std::string> result_object,
                                std::vector<RunState> from) const {
  // Success only from dispatched (a plugin answered); the other ends also from queued (a
  // plugin that never came online, a cancel before dispatch).
  if (to == RunState::succeeded) from = {RunState::dispatched};
  return RunTransition{std::move(from), to, message, std::move(result_object), now_ms(), ""};
}

bool Domain::finish(const std::string& session, RunState to, const std::string& message,
                    std::optional<std::string> result_object, std::vector<RunState> from) {
  if (!store_.transition(session,
                         finishing(to, message, std::move(result_object), std::move(from))))
    return false;
  run_changed(session);
  return true;
}

bool Domain::finish_notifying(const std::string& session, RunState to, const std::string& message,
                              std::optional<std::string> result_object,
                              std::vector<RunState> from) {
  auto r = store_.get_run(session);
  if (!r) return false;
  // The notification says what the run will be once finished; the store writes both or none.
  if (result_object) r->result_object = *result_object;
  Notification n = finished_notification(*r, to == RunState::succeeded, message);
  const auto id = store_.finish_run(
      session, finishing(to, message, std::move(result_object), std::move(from)), n);
  if (!id) return false;
  n.id = *id;
  run_changed(session);
  events_.notification_created(n);
  return true;
}

bool Domain::mark_succeeded(const std::string& session, const std::string& result_object) {
  if (result_object.empty()) throw ConfigError("a succeeded run needs its result object");
  return finish_notifying(session, RunState::succeeded, "", result_object);
}

bool Domain::mark_failed(const std::string& session, const std::string& reason) {
  return finish_notifying(session, RunState::failed, reason, std::nullopt);
}

bool Domain::mark_timed_out(const std::string& session, const std::string& reason) {
  return finish_notifying(session, RunState::timed_out, reason, std::nullopt);
}

bool Domain::cancel(const User& user, const std::string& session) {
  const Run r = run(user, session);
  const auto p = store_.get_project(r.project_id);
  if (r.user_id != user.id && !(p && may_manage(user, *p))) {
    throw Forbidden("only the user who started run " + session +
                    ", an admin or a manager of its project may cancel it");
  }
  // No notification: the user asked for it.
  return finish(session, RunState::cancelled, "cancelled by " + user.name, std::nullopt);
}

std::string Domain::download_link(const Run& r) const {
  if (r.result_object.empty()) throw ConfigError("run " + r.session + " has no result");
  if (auto place = storage_place_of(r.result_object)) {
    // In the customer's bucket: a link signed with their credentials, straight to it.
    const auto storage = store_.get_storage(place->storage_id);
    if (!storage) throw NotFound("the storage of run " + r.session + "'s result was removed");
    const std::string name = place->key.substr(place->key.rfind('/') + 1);
    return storage_access_.presign_get(storage_target(*storage, place->bucket), place->key,
                                       std::chrono::seconds(options_.link_ttl_seconds), name);
  }
  return object_link(r.result_object, options_.link_ttl_seconds);
}

std::string Domain::object_link(const std::string& key, std::int64_t ttl_seconds) const {
  const std::string name = key.substr(key.rfind('/') + 1);
  if (auto direct = objects_.presign_get(key, std::chrono::seconds(ttl_seconds), name))
    return *direct;
  const std::int64_t expires = now_ms() / 1000 + ttl_seconds;
  return options_.download_prefix + key + "?" + signer_.make(key, expires);
}

bool Domain::set_progress(const std::string& session, const std::string& progress_json) {
  if (!store_.set_run_progress(session, progress_json)) return false;
  run_changed(session);
  return true;
}

std::int64_t Domain::append_log(const std::string& session, const std::string& level,
                                const std::string& msg) {
  RunLog line{session, 0, level, msg, now_ms()};
  line.seq = store_.append_log(line);
  run_changed(session, &line);
  return line.seq;
}

void Domain::run_changed(const std::string& session, const RunLog* log) {
  events_.run_changed(*this, session, log);
}

Notification Domain::finished_notification(const Run& r, bool succeeded,
                                           const std::string& detail) const {
  const auto plug = store_.get_plugin(r.plugin_id);
  const auto proj = store_.get_project(r.project_id);
  const std::string what =
      "Export " + (plug ? plug->name : r.plugin_id) + " on " + (proj ? proj->name : r.project_id);
  Notification n;
  n.user_id = r.user_id;
  n.session = r.session;
  n.created_at = now_ms();
  if (succeeded) {
    n.kind = "run_succeeded";
    n.text = what + " is ready";
    try {
      n.link = download_link(r);
    } catch (const std::exception&) {
      // The run has succeeded whatever happens to one link (a storage removed since): the
      // run page makes fresh ones and says what is wrong.
      n.link = options_.run_prefix + r.session;
    }
  } else {
    n.kind = "run_failed";
    n.text = what + " failed: " + (detail.empty() ? std::string("no reason given") : detail);
    n.link = options_.run_prefix + r.session;
  }
  return n;
}

}  // namespace xport::hub
