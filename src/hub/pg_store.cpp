// PgStore: accounts, projects, plugins, runs, logs and notifications (assets and issues are
// in pg_assets.cpp, removing users and project members in pg_members.cpp).
#include "hub/pg_store.hpp"

#include "hub/json_text.hpp"
#include "hub/pg_store_impl.hpp"
#include "hub/project_meta.hpp"

namespace xport::hub {

using pg::integer;
using pg::maybe_integer;
using pg::text;

namespace {

Organization read_organization(const pqxx::row& r) {
  return Organization{text(r, 0), text(r, 1), integer(r, 2)};
}

constexpr const char* kUserColumns =
    "id, org_id, name, email, role, api_key_hash, created_at, server_admin, removed_at";
User read_user(const pqxx::row& r) {
  return User{text(r, 0), text(r, 1),    text(r, 2),      text(r, 3),   text(r, 4),
              text(r, 5), integer(r, 6), r[7].as<bool>(), integer(r, 8)};
}

constexpr const char* kProjectColumns =
    "id, org_id, name, stages, created_at, type, batches, category_schema, revision";
Project read_project(const pqxx::row& r) {
  Project p;
  p.id = text(r, 0);
  p.org_id = text(r, 1);
  p.name = text(r, 2);
  p.stages = workflow(parse_stages(text(r, 3)));
  p.created_at = integer(r, 4);
  p.type = text(r, 5);
  p.batches = parse_batches(text(r, 6));
  p.category_schema = text(r, 7);
  p.revision = integer(r, 8);
  return p;
}

constexpr const char* kPluginColumns =
    "id, org_id, name, type, description, default_config, secret_hash, secret, rest_url, "
    "created_at, timeout_seconds, redispatch_on_hub_loss, instance_concurrency";
Plugin read_plugin(const pqxx::row& r) {
  return Plugin{text(r, 0),     text(r, 1),       text(r, 2),    text(r, 3), text(r, 4),
                text(r, 5),     text(r, 6),       text(r, 7),    text(r, 8), integer(r, 9),
                integer(r, 10), r[11].as<bool>(), integer(r, 12)};
}

constexpr const char* kStorageColumns =
    "id, org_id, name, provider, endpoint, bucket, region, access_key, secret_key, created_at";
Storage read_storage(const pqxx::row& r) {
  return Storage{text(r, 0), text(r, 1), text(r, 2), text(r, 3), text(r, 4),
                 text(r, 5), text(r, 6), text(r, 7), text(r, 8), integer(r, 9)};
}

constexpr const char* kRunColumns =
    "session, project_id, plugin_id, user_id, config_json, stage, batches, state, message, "
    "result_object, created_at, dispatched_at, finished_at, coalesce(dispatched_by, ''), "
    "coalesce(progress, '')";
// get_run's columns add the report; list_runs' do not.
constexpr const char* kRunReportColumn = ", coalesce(report, '')";
constexpr const char* kNoReportColumn = ", ''";
// What INSERT names: the columns above but the last, which is read through coalesce().
constexpr const char* kRunInsertColumns =
    "session, project_id, plugin_id, user_id, config_json, stage, batches, state, message, "
    "result_object, created_at, dispatched_at, finished_at, dispatched_by";
Run read_run(const pqxx::row& r) {
  Run run;
  run.session = text(r, 0);
  run.project_id = text(r, 1);
  run.plugin_id = text(r, 2);
  run.user_id = text(r, 3);
  run.config_json = text(r, 4);
  if (!r[5].is_null()) run.stage = text(r, 5);
  run.batches_json = text(r, 6);
  run.state = run_state_from_string(text(r, 7));
  run.message = text(r, 8);
  run.result_object = text(r, 9);
  run.created_at = integer(r, 10);
  run.dispatched_at = maybe_integer(r, 11);
  run.finished_at = maybe_integer(r, 12);
  run.dispatched_by = text(r, 13);
  run.progress_json = text(r, 14);
  run.report_json = text(r, 15);
  return run;
}

RunLog read_log(const pqxx::row& r) {
  return RunLog{text(r, 0), integer(r, 1), text(r, 2), text(r, 3), integer(r, 4)};
}

constexpr const char* kNotificationColumns =
    "id, user_id, session, kind, text, link, read, created_at";
Notification read_notification(const pqxx::row& r) {
  return Notification{integer(r, 0), text(r, 1), text(r, 2),      text(r, 3),
                      text(r, 4),    text(r, 5), r[6].as<bool>(), integer(r, 7)};
}

std::int64_t first_integer(const pqxx::result& r) {
  return r[0][0].as<std::int64_t>();
}

std::string state_list(const std::vector<RunState>& states) {
  std::vector<std::string> names;
  for (auto state : states)
    names.emplace_back(to_string(state));
  return json_string_list(names);
}

}  // namespace

bool is_postgres_url(const std::string& url) {
  return url.rfind("postgresql://", 0) == 0 || url.rfind("postgres://", 0) == 0;
}

PgStore::PgStore(const std::string& url, PgOptions options)
    : impl_(pg::guarded("database " + pg::redacted(url),
                        [&] { return std::make_unique<Impl>(url, options.max_connections); })) {}

PgStore::~PgStore() = default;

int PgStore::schema_version() {
  return pg::newest_schema_version();
}

// Organizations and users -----------------------------------------------------------------

void PgStore::create_organization(const Organization& org) {
  impl_->exec("organization " + org.id,
              "INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3)", org.id,
              org.name, org.created_at);
}

std::optional<Organization> PgStore::get_organization(const std::string& id) {
  return impl_->one("SELECT id, name, created_at FROM organizations WHERE id = $1",
                    read_organization, id);
}

std::vector<Organization> PgStore::list_organizations() {
  return impl_->many("SELECT id, name, created_at FROM organizations ORDER BY created_at, id",
                     read_organization);
}

void PgStore::create_user(const User& u) {
  impl_->exec("user " + u.email,
              std::string("INSERT INTO users (") + kUserColumns +
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
              u.id, u.org_id, u.name, u.email, u.role, u.api_key_hash, u.created_at, u.server_admin,
              u.removed_at);
}

std::optional<User> PgStore::get_user(const std::string& id) {
  return impl_->one(std::string("SELECT ") + kUserColumns + " FROM users WHERE id = $1", read_user,
                    id);
}

std::optional<User> PgStore::find_user_by_api_key_hash(const std::string& hash) {
  return impl_->one(std::string("SELECT ") + kUserColumns + " FROM users WHERE api_key_hash = $1",
                    read_user, hash);
}

std::vector<User> PgStore::list_users(const std::string& org_id) {
  return impl_->many(std::string("SELECT ") + kUserColumns +
                         " FROM users WHERE org_id = $1 AND removed_at = 0 ORDER BY created_at, id",
                     read_user, org_id);
}

std::int64_t PgStore::count_users() {
  return first_integer(impl_->exec("users", "SELECT count(*) FROM users"));
}

void PgStore::set_user_api_key_hash(const std::string& user_id, const std::string& hash) {
  const auto r = impl_->exec("user " + user_id, "UPDATE users SET api_key_hash = $1 WHERE id = $2",
                             hash, user_id);
  if (r.affected_rows() == 0) throw NotFound("no user " + user_id);
}

// Projects --------------------------------------------------------------------------------

void PgStore::create_project(const Project& p) {
  impl_->exec("project " + p.name,
              std::string("INSERT INTO projects (") + kProjectColumns +
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
              p.id, p.org_id, p.name, stages_json(p.stages), p.created_at, p.type,
              batches_json(p.batches), p.category_schema, p.revision);
}

void PgStore::update_project(const std::string& id, const std::function<void(Project&)>& change) {
  impl_->transaction("project " + id, [&](pqxx::work& t) {
    // FOR NO KEY UPDATE: concurrent updates of the project wait for each other, while an
    // import (whose rows only lock the project's key) goes on.
    const pqxx::result r = t.exec_params(
        std::string("SELECT ") + kProjectColumns + " FROM projects WHERE id = $1 FOR NO KEY UPDATE",
        id);
    if (r.empty()) throw NotFound("no project " + id);
    Project project = read_project(r[0]);
    change(project);
    t.exec_params(
        "UPDATE projects SET name = $2, stages = $3, type = $4, batches = $5, "
        "category_schema = $6, revision = revision + 1 WHERE id = $1",
        id, project.name, stages_json(project.stages), project.type, batches_json(project.batches),
        project.category_schema);
    return 0;
  });
}

std::optional<Project> PgStore::get_project(const std::string& id) {
  return impl_->one(std::string("SELECT ") + kProjectColumns + " FROM projects WHERE id = $1",
                    read_project, id);
}

std::vector<Project> PgStore::list_projects(const std::string& org_id) {
  return impl_->many(std::string("SELECT ") + kProjectColumns +
                         " FROM projects WHERE org_id = $1 ORDER BY created_at, id",
                     read_project, org_id);
}

// Plugins ---------------------------------------------------------------------------------

void PgStore::create_plugin(const Plugin& p) {
  impl_->exec("plugin " + p.name,
              std::string("INSERT INTO plugins (") + kPluginColumns +
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
              p.id, p.org_id, p.name, p.type, p.description, p.default_config, p.secret_hash,
              p.secret, p.rest_url, p.created_at, p.timeout_seconds, p.redispatch_on_hub_loss,
              p.instance_concurrency);
}

std::optional<Plugin> PgStore::get_plugin(const std::string& id) {
  return impl_->one(std::string("SELECT ") + kPluginColumns + " FROM plugins WHERE id = $1",
                    read_plugin, id);
}

std::vector<Plugin> PgStore::list_plugins(const std::string& org_id) {
  return impl_->many(std::string("SELECT ") + kPluginColumns +
                         " FROM plugins WHERE org_id = $1 ORDER BY created_at, id",
                     read_plugin, org_id);
}

void PgStore::set_plugin_secret(const std::string& id, const std::string& secret_hash,
                                const std::string& sealed_secret) {
  const auto r =
      impl_->exec("plugin " + id, "UPDATE plugins SET secret_hash = $1, secret = $2 WHERE id = $3",
                  secret_hash, sealed_secret, id);
  if (r.affected_rows() == 0) throw NotFound("no plugin " + id);
}

void PgStore::set_plugin_settings(const Plugin& p) {
  const auto r =
      impl_->exec("plugin " + p.id,
                  "UPDATE plugins SET timeout_seconds = $1, redispatch_on_hub_loss = $2, "
                  "instance_concurrency = $3 WHERE id = $4",
                  p.timeout_seconds, p.redispatch_on_hub_loss, p.instance_concurrency, p.id);
  if (r.affected_rows() == 0) throw NotFound("no plugin " + p.id);
}

bool PgStore::delete_plugin(const std::string& id) {
  return impl_->exec("plugin " + id, "DELETE FROM plugins WHERE id = $1", id).affected_rows() > 0;
}

// Storages --------------------------------------------------------------------------------

void PgStore::create_storage(const Storage& st) {
  impl_->exec("storage " + st.name,
              std::string("INSERT INTO storages (") + kStorageColumns +
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
              st.id, st.org_id, st.name, st.provider, st.endpoint, st.bucket, st.region,
              st.access_key, st.secret_key, st.created_at);
}

std::optional<Storage> PgStore::get_storage(const std::string& id) {
  return impl_->one(std::string("SELECT ") + kStorageColumns + " FROM storages WHERE id = $1",
                    read_storage, id);
}

std::vector<Storage> PgStore::list_storages(const std::string& org_id) {
  return impl_->many(std::string("SELECT ") + kStorageColumns +
                         " FROM storages WHERE org_id = $1 ORDER BY created_at, id",
                     read_storage, org_id);
}

bool PgStore::delete_storage(const std::string& id) {
  return impl_->exec("storage " + id, "DELETE FROM storages WHERE id = $1", id).affected_rows() > 0;
}

// Runs ------------------------------------------------------------------------------------

void PgStore::create_run(const Run& r) {
  const auto text_of = [](const std::optional<std::int64_t>& v) {
    return v ? std::optional(std::to_string(*v)) : std::nullopt;
  };
  const std::optional<std::string> dispatched = text_of(r.dispatched_at);
  const std::optional<std::string> finished = text_of(r.finished_at);
  impl_->exec("run " + r.session,
              std::string("INSERT INTO runs (") + kRunInsertColumns +
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
                  "nullif($14, ''))",
              r.session, r.project_id, r.plugin_id, r.user_id, r.config_json, pg::maybe(r.stage),
              r.batches_json, std::string(to_string(r.state)), r.message, r.result_object,
              r.created_at, pg::maybe(dispatched), pg::maybe(finished), r.dispatched_by);
}

std::optional<Run> PgStore::get_run(const std::string& session) {
  return impl_->one(
      std::string("SELECT ") + kRunColumns + kRunReportColumn + " FROM runs WHERE session = $1",
      read_run, session);
}

std::vector<Run> PgStore::list_runs(const RunQuery& q) {
  const std::optional<std::string> states =
      q.states.empty() ? std::nullopt : std::optional(state_list(q.states));
  return impl_->many(
      std::string("SELECT ") + kRunColumns + kNoReportColumn +
          " FROM runs WHERE ($1::text IS NULL OR project_id = $1)"
          " AND ($2::text IS NULL OR user_id = $2) AND ($3::text IS NULL OR plugin_id = $3)"
          " AND ($4::jsonb IS NULL OR state IN (SELECT jsonb_array_elements_text($4::jsonb)))"
          " ORDER BY created_at DESC, session LIMIT $5",
      read_run, pg::maybe(q.project_id), pg::maybe(q.user_id), pg::maybe(q.plugin_id),
      pg::maybe(states), q.limit);
}

std::map<RunState, std::int64_t> PgStore::count_runs_by_state() {
  std::map<RunState, std::int64_t> counts;
  for (const auto& [state, n] : impl_->many(
           "SELECT state, count(*) FROM runs GROUP BY state", +[](const pqxx::row& r) {
             return std::pair{text(r, 0), integer(r, 1)};
           }))
    counts[run_state_from_string(state)] = n;
  return counts;
}

namespace {

// One UPDATE with the expected states in its WHERE: a concurrent transition that commits
// first makes PostgreSQL re-check this WHERE on the row it wrote, so exactly one wins.
constexpr const char* kTransitionSql =
    "UPDATE runs SET state = $1, message = $2, "
    "result_object = coalesce($3, result_object), "
    "dispatched_at = CASE WHEN $1 = 'dispatched' THEN $4 ELSE dispatched_at END, "
    "finished_at = CASE WHEN $1 IN ('queued', 'dispatched') THEN finished_at "
    "ELSE $4 END, "
    "dispatched_by = CASE WHEN $1 IN ('queued', 'dispatched') "
    "THEN nullif($7, '') ELSE dispatched_by END "
    "WHERE session = $5 AND state IN (SELECT jsonb_array_elements_text($6::jsonb))";

constexpr const char* kInsertNotificationSql =
    "INSERT INTO notifications (user_id, session, kind, text, link, read, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";

}  // namespace

bool PgStore::transition(const std::string& session, const RunTransition& t) {
  return impl_
             ->exec("run " + session, kTransitionSql, std::string(to_string(t.to)), t.message,
                    pg::maybe(t.result_object), t.at, session, state_list(t.from), t.dispatched_by)
             .affected_rows() == 1;
}

std::optional<std::int64_t> PgStore::finish_run(const std::string& session, const RunTransition& t,
                                                const Notification& n) {
  return impl_->transaction("run " + session, [&](pqxx::work& w) -> std::optional<std::int64_t> {
    if (w.exec_params(kTransitionSql, std::string(to_string(t.to)), t.message,
                      pg::maybe(t.result_object), t.at, session, state_list(t.from),
                      t.dispatched_by)
            .affected_rows() != 1)
      return std::nullopt;  // committing an unchanged transaction: nothing written
    return first_integer(w.exec_params(kInsertNotificationSql, n.user_id, n.session, n.kind, n.text,
                                       n.link, n.read, n.created_at));
  });
}

bool PgStore::set_run_progress(const std::string& session, const std::string& progress_json) {
  return impl_
             ->exec("progress of run " + session,
                    "UPDATE runs SET progress = $1 WHERE session = $2 AND state = 'dispatched'",
                    progress_json, session)
             .affected_rows() == 1;
}

void PgStore::set_run_report(const std::string& session, const std::string& report_json) {
  impl_->exec("report of run " + session, "UPDATE runs SET report = $1 WHERE session = $2",
              report_json, session);
}

std::int64_t PgStore::append_log(const RunLog& log) {
  return impl_->transaction("log of run " + log.session, [&](pqxx::work& t) {
    // The run's next number: appends to one run wait for each other (on every hub).
    t.exec_params("SELECT pg_advisory_xact_lock($1, hashtext($2))", pg::kLogLock, log.session);
    return first_integer(t.exec_params(
        "INSERT INTO run_logs (session, seq, level, msg, at) VALUES ($1, "
        "(SELECT coalesce(max(seq), 0) + 1 FROM run_logs WHERE session = $1), $2, $3, $4) "
        "RETURNING seq",
        log.session, log.level, log.msg, log.at));
  });
}

std::vector<RunLog> PgStore::list_logs(const std::string& session, std::int64_t after_seq,
                                       std::int64_t limit) {
  return impl_->many(
      "SELECT session, seq, level, msg, at FROM run_logs WHERE session = $1 AND seq > $2 "
      "ORDER BY seq LIMIT $3",
      read_log, session, after_seq, limit);
}

// Notifications ---------------------------------------------------------------------------

std::int64_t PgStore::create_notification(const Notification& n) {
  return first_integer(impl_->exec("notification", kInsertNotificationSql, n.user_id, n.session,
                                   n.kind, n.text, n.link, n.read, n.created_at));
}

std::vector<Notification> PgStore::list_notifications(const std::string& user_id, bool unread_only,
                                                      std::int64_t limit) {
  return impl_->many(std::string("SELECT ") + kNotificationColumns +
                         " FROM notifications WHERE user_id = $1 AND (NOT $2 OR NOT read)"
                         " ORDER BY id DESC LIMIT $3",
                     read_notification, user_id, unread_only, limit);
}

std::optional<Notification> PgStore::get_notification(const std::string& user_id, std::int64_t id) {
  return impl_->one(std::string("SELECT ") + kNotificationColumns +
                        " FROM notifications WHERE id = $1 AND user_id = $2",
                    read_notification, id, user_id);
}

bool PgStore::mark_notification_read(const std::string& user_id, std::int64_t id) {
  // Already-read notifications of the user count as marked (idempotent for the UI).
  return impl_
             ->exec("notification",
                    "UPDATE notifications SET read = true WHERE id = $1 AND user_id = $2", id,
                    user_id)
             .affected_rows() == 1;
}

std::int64_t PgStore::mark_all_notifications_read(const std::string& user_id) {
  return impl_
      ->exec("notifications",
             "UPDATE notifications SET read = true WHERE user_id = $1 AND NOT read", user_id)
      .affected_rows();
}

}  // namespace xport::hub
