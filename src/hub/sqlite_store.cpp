#include "hub/sqlite_store.hpp"

#include <SQLiteCpp/Transaction.h>
#include <SQLiteCpp/VariadicBind.h>
#include <sqlite3.h>

#include "hub/json_text.hpp"
#include "hub/project_meta.hpp"
#include "hub/sqlite_connection.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

using sqlite::StatementUse;

namespace {

std::string text(SQLite::Statement& s, int i) {
  return s.getColumn(i).getString();
}
std::int64_t integer(SQLite::Statement& s, int i) {
  return s.getColumn(i).getInt64();
}
std::optional<std::int64_t> maybe_integer(SQLite::Statement& s, int i) {
  if (s.getColumn(i).isNull()) return std::nullopt;
  return s.getColumn(i).getInt64();
}

// Turns constraint failures into the errors the HTTP layer maps (404/409); anything else
// is the environment's fault.
[[noreturn]] void rethrow(const SQLite::Exception& e, const std::string& what) {
  switch (e.getExtendedErrorCode()) {
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      throw NotFound(what + ": a referenced record is missing");
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_PRIMARYKEY:
      throw Conflict(what + ": already exists");
    default:
      if (e.getErrorCode() == SQLITE_CONSTRAINT) throw Conflict(what + ": " + e.what());
      throw IoError(what + ": database error: " + e.what());
  }
}

// Runs `fn`, translating SQLite exceptions.
template <typename Fn>
auto guarded(const std::string& what, Fn&& fn) {
  try {
    return fn();
  } catch (const SQLite::Exception& e) {
    rethrow(e, what);
  }
}

constexpr const char* kUserColumns =
    "id, org_id, name, email, role, api_key_hash, created_at, server_admin, removed_at";
User read_user(SQLite::Statement& s) {
  return User{text(s, 0), text(s, 1),    text(s, 2),         text(s, 3),   text(s, 4),
              text(s, 5), integer(s, 6), integer(s, 7) != 0, integer(s, 8)};
}

// Every write that changes what a project exports moves its revision on, in the write's own
// transaction: a generated export is reused only within one revision (export_snapshots).
void bump_revision(sqlite::Connection& connection, const std::string& project_id) {
  StatementUse s(connection.prepare("UPDATE projects SET revision = revision + 1 WHERE id = ?"));
  s->bind(1, project_id);
  s->exec();
}

constexpr const char* kSnapshotColumns =
    "key, org_id, project_id, revision, spec_hash, bytes, created_at";
ExportSnapshot read_snapshot(SQLite::Statement& s) {
  return ExportSnapshot{text(s, 0), text(s, 1),    text(s, 2),   integer(s, 3),
                        text(s, 4), integer(s, 5), integer(s, 6)};
}

constexpr const char* kMemberColumns = "project_id, user_id, role, added_at";
ProjectMember read_member(SQLite::Statement& s) {
  return ProjectMember{text(s, 0), text(s, 1), text(s, 2), integer(s, 3)};
}

constexpr const char* kProjectColumns =
    "id, org_id, name, stages, created_at, type, batches, category_schema, revision";
Project read_project(SQLite::Statement& s) {
  Project p;
  p.id = text(s, 0);
  p.org_id = text(s, 1);
  p.name = text(s, 2);
  p.stages = workflow(parse_stages(text(s, 3)));
  p.created_at = integer(s, 4);
  p.type = text(s, 5);
  p.batches = parse_batches(text(s, 6));
  p.category_schema = text(s, 7);
  p.revision = integer(s, 8);
  return p;
}
void bind_project(SQLite::Statement& s, const Project& p) {
  SQLite::bind(s, p.id, p.org_id, p.name, stages_json(p.stages), p.created_at, p.type,
               batches_json(p.batches), p.category_schema, p.revision);
}

constexpr const char* kAssetColumns =
    "project_id, seq, external_id, stage, batches, json_text, asset_id, stage_id, task_id";
AssetRow read_asset(SQLite::Statement& s) {
  AssetRow row;
  row.project_id = text(s, 0);
  row.seq = integer(s, 1);
  row.external_id = text(s, 2);
  row.stage = text(s, 3);
  row.batches_json = text(s, 4);
  row.json_text = text(s, 5);
  row.asset_id = text(s, 6);
  row.stage_id = text(s, 7);
  row.task_id = text(s, 8);
  return row;
}

// The WHERE clause of an AssetFilter over ?1 (project) and ?2..?6 (bind_filter).
constexpr const char* kAssetWhere =
    "project_id = ?1"
    " AND (?2 IS NULL OR stage_id IN (SELECT value FROM json_each(?2))"
    "      OR stage IN (SELECT value FROM json_each(?3)))"
    " AND (?4 IS NULL OR EXISTS (SELECT 1 FROM json_each(assets.batches) AS b"
    "      WHERE b.value IN (SELECT value FROM json_each(?4))))"
    " AND (?5 IS NULL OR asset_id = ?5) AND (?6 IS NULL OR external_id = ?6)";
void bind_filter(SQLite::Statement& s, const std::string& project_id, const AssetFilter& f) {
  s.bind(1, project_id);
  if (!f.stage_ids.empty() || !f.stage_names.empty()) {
    s.bind(2, json_string_list(f.stage_ids));
    s.bind(3, json_string_list(f.stage_names));
  }
  if (!f.batches.empty()) s.bind(4, json_string_list(f.batches));
  if (f.asset_id) s.bind(5, *f.asset_id);
  if (f.external_id) s.bind(6, *f.external_id);
}

constexpr const char* kPluginColumns =
    "id, org_id, name, type, description, default_config, secret_hash, secret, rest_url, "
    "created_at, timeout_seconds, redispatch_on_hub_loss, instance_concurrency";
Plugin read_plugin(SQLite::Statement& s) {
  return Plugin{text(s, 0),     text(s, 1),          text(s, 2),    text(s, 3), text(s, 4),
                text(s, 5),     text(s, 6),          text(s, 7),    text(s, 8), integer(s, 9),
                integer(s, 10), integer(s, 11) != 0, integer(s, 12)};
}

constexpr const char* kStorageColumns =
    "id, org_id, name, provider, endpoint, bucket, region, access_key, secret_key, created_at";
Storage read_storage(SQLite::Statement& s) {
  return Storage{text(s, 0), text(s, 1), text(s, 2), text(s, 3), text(s, 4),
                 text(s, 5), text(s, 6), text(s, 7), text(s, 8), integer(s, 9)};
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
Run read_run(SQLite::Statement& s) {
  Run run;
  run.session = text(s, 0);
  run.project_id = text(s, 1);
  run.plugin_id = text(s, 2);
  run.user_id = text(s, 3);
  run.config_json = text(s, 4);
  if (!s.getColumn(5).isNull()) run.stage = text(s, 5);
  run.batches_json = text(s, 6);
  run.state = run_state_from_string(text(s, 7));
  run.message = text(s, 8);
  run.result_object = text(s, 9);
  run.created_at = integer(s, 10);
  run.dispatched_at = maybe_integer(s, 11);
  run.finished_at = maybe_integer(s, 12);
  run.dispatched_by = text(s, 13);
  run.progress_json = text(s, 14);
  run.report_json = text(s, 15);
  return run;
}

constexpr const char* kNotificationColumns =
    "id, user_id, session, kind, text, link, read, created_at";
Notification read_notification(SQLite::Statement& s) {
  return Notification{integer(s, 0), text(s, 1), text(s, 2),         text(s, 3),
                      text(s, 4),    text(s, 5), integer(s, 6) != 0, integer(s, 7)};
}

}  // namespace

struct SqliteStore::Impl {
  Impl(const std::filesystem::path& file, int busy_timeout_ms) : pool(file, busy_timeout_ms) {}
  sqlite::Pool pool;

  // One row of a read, or nothing.
  template <typename Row, typename Bind>
  std::optional<Row> one(const std::string& sql, Bind&& bind, Row (*read)(SQLite::Statement&)) {
    return guarded("read", [&]() -> std::optional<Row> {
      auto reader = pool.reader();
      StatementUse s(reader->prepare(sql));
      bind(*s);
      if (!s->executeStep()) return std::nullopt;
      return read(*s);
    });
  }
  template <typename Row, typename Bind>
  std::vector<Row> many(const std::string& sql, Bind&& bind, Row (*read)(SQLite::Statement&)) {
    return guarded("read", [&] {
      auto reader = pool.reader();
      StatementUse s(reader->prepare(sql));
      bind(*s);
      std::vector<Row> rows;
      while (s->executeStep())
        rows.push_back(read(*s));
      return rows;
    });
  }
  // A single-statement write; returns the number of rows changed.
  template <typename Bind>
  int write(const std::string& what, const std::string& sql, Bind&& bind) {
    return guarded(what, [&] {
      auto writer = pool.writer();
      StatementUse s(writer.connection.prepare(sql));
      bind(*s);
      return s->exec();
    });
  }
};

SqliteStore::SqliteStore(const std::filesystem::path& file, SqliteOptions options) {
  try {
    impl_ = std::make_unique<Impl>(file, options.busy_timeout_ms);
  } catch (const SQLite::Exception& e) {
    throw IoError("cannot open database " + file.string() + ": " + e.what());
  }
}

SqliteStore::~SqliteStore() = default;

int SqliteStore::schema_version() {
  return sqlite::newest_schema_version();
}

// Organizations and users -----------------------------------------------------------------

void SqliteStore::create_organization(const Organization& org) {
  impl_->write("organization " + org.id,
               "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)",
               [&](SQLite::Statement& s) { SQLite::bind(s, org.id, org.name, org.created_at); });
}

std::optional<Organization> SqliteStore::get_organization(const std::string& id) {
  return impl_->one<Organization>(
      "SELECT id, name, created_at FROM organizations WHERE id = ?",
      [&](SQLite::Statement& s) { s.bind(1, id); },
      +[](SQLite::Statement& s) {
        return Organization{text(s, 0), text(s, 1), integer(s, 2)};
      });
}

std::vector<Organization> SqliteStore::list_organizations() {
  return impl_->many<Organization>(
      "SELECT id, name, created_at FROM organizations ORDER BY created_at, id",
      [](SQLite::Statement&) {},
      +[](SQLite::Statement& s) {
        return Organization{text(s, 0), text(s, 1), integer(s, 2)};
      });
}

void SqliteStore::create_user(const User& user) {
  impl_->write("user " + user.email,
               std::string("INSERT INTO users (") + kUserColumns + ") VALUES (?,?,?,?,?,?,?,?,?)",
               [&](SQLite::Statement& s) {
                 SQLite::bind(s, user.id, user.org_id, user.name, user.email, user.role,
                              user.api_key_hash, user.created_at, user.server_admin ? 1 : 0,
                              user.removed_at);
               });
}

std::optional<User> SqliteStore::get_user(const std::string& id) {
  return impl_->one<User>(
      std::string("SELECT ") + kUserColumns + " FROM users WHERE id = ?",
      [&](SQLite::Statement& s) { s.bind(1, id); }, read_user);
}

std::optional<User> SqliteStore::find_user_by_api_key_hash(const std::string& hash) {
  return impl_->one<User>(
      std::string("SELECT ") + kUserColumns + " FROM users WHERE api_key_hash = ?",
      [&](SQLite::Statement& s) { s.bind(1, hash); }, read_user);
}

std::vector<User> SqliteStore::list_users(const std::string& org_id) {
  return impl_->many<User>(
      std::string("SELECT ") + kUserColumns +
          " FROM users WHERE org_id = ? AND removed_at = 0 ORDER BY created_at, id",
      [&](SQLite::Statement& s) { s.bind(1, org_id); }, read_user);
}

std::int64_t SqliteStore::count_users() {
  return *impl_->one<std::int64_t>(
      "SELECT count(*) FROM users", [](SQLite::Statement&) {},
      +[](SQLite::Statement& s) { return integer(s, 0); });
}

void SqliteStore::set_user_api_key_hash(const std::string& user_id, const std::string& hash) {
  const int changed =
      impl_->write("user " + user_id, "UPDATE users SET api_key_hash = ? WHERE id = ?",
                   [&](SQLite::Statement& s) { SQLite::bind(s, hash, user_id); });
  if (changed == 0) throw NotFound("no user " + user_id);
}

void SqliteStore::remove_user(const std::string& user_id, std::int64_t removed_at) {
  guarded("user " + user_id, [&] {
    auto writer = impl_->pool.writer();
    auto& connection = writer.connection;
    SQLite::Transaction transaction(connection.db(), SQLite::TransactionBehavior::IMMEDIATE);
    // The key hash becomes a value no SHA-256 hex can equal; the email is kept, prefixed, so
    // that the row still says who it was while the address is free for a new user.
    StatementUse update(connection.prepare(
        "UPDATE users SET removed_at = ?2, api_key_hash = 'removed:' || id,"
        " email = 'removed:' || id || ':' || email WHERE id = ?1 AND removed_at = 0"));
    SQLite::bind(*update, user_id, removed_at);
    if (update->exec() == 0) throw NotFound("no user " + user_id);
    StatementUse memberships(connection.prepare("DELETE FROM project_members WHERE user_id = ?"));
    memberships->bind(1, user_id);
    memberships->exec();
    transaction.commit();
  });
}

void SqliteStore::set_project_member(const ProjectMember& m) {
  impl_->write(
      "member " + m.user_id + " of project " + m.project_id,
      "INSERT INTO project_members (project_id, user_id, role, added_at)"
      " VALUES (?1, ?2, ?3, ?4)"
      " ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
      [&](SQLite::Statement& s) { SQLite::bind(s, m.project_id, m.user_id, m.role, m.added_at); });
}

bool SqliteStore::remove_project_member(const std::string& project_id, const std::string& user_id) {
  return impl_->write("member " + user_id + " of project " + project_id,
                      "DELETE FROM project_members WHERE project_id = ? AND user_id = ?",
                      [&](SQLite::Statement& s) { SQLite::bind(s, project_id, user_id); }) > 0;
}

std::optional<ProjectMember> SqliteStore::get_project_member(const std::string& project_id,
                                                             const std::string& user_id) {
  return impl_->one<ProjectMember>(
      std::string("SELECT ") + kMemberColumns +
          " FROM project_members WHERE project_id = ? AND user_id = ?",
      [&](SQLite::Statement& s) { SQLite::bind(s, project_id, user_id); }, read_member);
}

std::vector<ProjectMember> SqliteStore::list_project_members(const std::string& project_id) {
  return impl_->many<ProjectMember>(
      std::string("SELECT ") + kMemberColumns +
          " FROM project_members WHERE project_id = ? ORDER BY added_at, user_id",
      [&](SQLite::Statement& s) { s.bind(1, project_id); }, read_member);
}

std::vector<ProjectMember> SqliteStore::list_memberships(const std::string& user_id) {
  return impl_->many<ProjectMember>(
      std::string("SELECT ") + kMemberColumns +
          " FROM project_members WHERE user_id = ? ORDER BY added_at, project_id",
      [&](SQLite::Statement& s) { s.bind(1, user_id); }, read_member);
}

// Generated exports ------------------------------------------------------------------------

void SqliteStore::add_export_snapshot(const ExportSnapshot& e) {
  impl_->write("export " + e.key,
               std::string("INSERT OR REPLACE INTO export_snapshots (") + kSnapshotColumns +
                   ") VALUES (?,?,?,?,?,?,?)",
               [&](SQLite::Statement& s) {
                 SQLite::bind(s, e.key, e.org_id, e.project_id, e.revision, e.spec_hash, e.bytes,
                              e.created_at);
               });
}

std::optional<ExportSnapshot> SqliteStore::find_export_snapshot(const std::string& project_id,
                                                                std::int64_t revision,
                                                                const std::string& spec_hash,
                                                                std::int64_t created_after) {
  return impl_->one<ExportSnapshot>(
      std::string("SELECT ") + kSnapshotColumns +
          " FROM export_snapshots WHERE project_id = ? AND revision = ? AND spec_hash = ?"
          " AND created_at > ? ORDER BY created_at DESC LIMIT 1",
      [&](SQLite::Statement& s) {
        SQLite::bind(s, project_id, revision, spec_hash, created_after);
      },
      read_snapshot);
}

ExportUsage SqliteStore::export_usage(const std::string& org_id, std::int64_t created_after) {
  return *impl_->one<ExportUsage>(
      "SELECT count(*), coalesce(sum(bytes), 0) FROM export_snapshots"
      " WHERE org_id = ? AND created_at > ?",
      [&](SQLite::Statement& s) { SQLite::bind(s, org_id, created_after); },
      +[](SQLite::Statement& s) {
        return ExportUsage{integer(s, 0), integer(s, 1)};
      });
}

std::int64_t SqliteStore::forget_export_snapshots(std::int64_t created_before) {
  return impl_->write("exports", "DELETE FROM export_snapshots WHERE created_at < ?",
                      [&](SQLite::Statement& s) { s.bind(1, created_before); });
}

// Projects and assets ---------------------------------------------------------------------

void SqliteStore::create_project(const Project& project) {
  impl_->write(
      "project " + project.name,
      std::string("INSERT INTO projects (") + kProjectColumns + ") VALUES (?,?,?,?,?,?,?,?,?)",
      [&](SQLite::Statement& s) { bind_project(s, project); });
}

void SqliteStore::update_project(const std::string& id,
                                 const std::function<void(Project&)>& change) {
  guarded("project " + id, [&] {
    auto writer = impl_->pool.writer();
    auto& connection = writer.connection;
    SQLite::Transaction transaction(connection.db(), SQLite::TransactionBehavior::IMMEDIATE);
    std::optional<Project> project;
    {
      StatementUse read(connection.prepare(std::string("SELECT ") + kProjectColumns +
                                           " FROM projects WHERE id = ?"));
      read->bind(1, id);
      if (read->executeStep()) project = read_project(*read);
    }
    if (!project) throw NotFound("no project " + id);
    change(*project);
    project->id = id;
    StatementUse write(
        connection.prepare("UPDATE projects SET name = ?2, stages = ?3, type = ?4, batches = ?5, "
                           "category_schema = ?6 WHERE id = ?1"));
    SQLite::bind(*write, id, project->name, stages_json(project->stages), project->type,
                 batches_json(project->batches), project->category_schema);
    write->exec();
    bump_revision(connection, id);
    transaction.commit();
  });
}

std::optional<Project> SqliteStore::get_project(const std::string& id) {
  return impl_->one<Project>(
      std::string("SELECT ") + kProjectColumns + " FROM projects WHERE id = ?",
      [&](SQLite::Statement& s) { s.bind(1, id); }, read_project);
}

std::vector<Project> SqliteStore::list_projects(const std::string& org_id) {
  return impl_->many<Project>(
      std::string("SELECT ") + kProjectColumns +
          " FROM projects WHERE org_id = ? ORDER BY created_at, id",
      [&](SQLite::Statement& s) { s.bind(1, org_id); }, read_project);
}

std::int64_t SqliteStore::import_assets(const std::string& project_id, bool replace,
                                        const std::function<bool(AssetRow&)>& next,
                                        const ConflictHandler& on_conflict) {
  return guarded("import into project " + project_id, [&] {
    auto writer = impl_->pool.writer();
    auto& connection = writer.connection;
    // IMMEDIATE: take the write lock now, so the seq read below stays valid.
    SQLite::Transaction transaction(connection.db(), SQLite::TransactionBehavior::IMMEDIATE);
    {
      StatementUse exists(connection.prepare("SELECT 1 FROM projects WHERE id = ?"));
      exists->bind(1, project_id);
      if (!exists->executeStep()) throw NotFound("no project " + project_id);
    }
    std::int64_t seq = 0;
    {
      StatementUse last(
          connection.prepare("SELECT coalesce(max(seq), 0) FROM assets WHERE project_id = ?"));
      last->bind(1, project_id);
      last->executeStep();
      seq = integer(*last, 0);
    }
    // With `replace`, an asset id already in the project takes the new row in its old place.
    StatementUse insert(connection.prepare(
        std::string("INSERT INTO assets (") + kAssetColumns + ") VALUES (?,?,?,?,?,?,?,?,?)" +
        (replace ? " ON CONFLICT (project_id, asset_id) DO UPDATE SET external_id = "
                   "excluded.external_id, stage = excluded.stage, batches = excluded.batches, "
                   "json_text = excluded.json_text, stage_id = excluded.stage_id, "
                   "task_id = excluded.task_id"
                 : "")));
    std::int64_t count = 0;
    AssetRow row;
    while (next(row)) {
      SQLite::bind(*insert, project_id, ++seq, row.external_id, row.stage, row.batches_json);
      insert->bindNoCopy(6, row.json_text);  // the row outlives the exec below
      insert->bind(7, row.asset_id);
      insert->bind(8, row.stage_id);
      insert->bind(9, row.task_id);
      bool inserted = true;
      try {
        insert->exec();
      } catch (const SQLite::Exception& e) {
        if (e.getExtendedErrorCode() != SQLITE_CONSTRAINT_UNIQUE &&
            e.getExtendedErrorCode() != SQLITE_CONSTRAINT_PRIMARYKEY)
          throw;
        // Only this statement failed (ON CONFLICT ABORT): the transaction goes on.
        std::string reason = "asset with id '" + row.asset_id + "' (external id '" +
                             row.external_id + "') is already in project " + project_id;
        if (!on_conflict || !on_conflict(row, reason)) throw Conflict(reason);
        inserted = false;
        --seq;
      }
      insert->tryReset();  // after a conflict, reset() would rethrow its error
      if (inserted) ++count;
      row = AssetRow{};
    }
    if (count > 0) bump_revision(connection, project_id);
    transaction.commit();  // an exception above rolls everything back
    return count;
  });
}

std::int64_t SqliteStore::for_each_asset(const std::string& project_id, const AssetFilter& filter,
                                         const std::function<void(const AssetRow&)>& each) {
  // A reader connection: the stream runs in one read snapshot (consistent even while an
  // import commits) and does not block the writer.
  auto reader = impl_->pool.reader();
  StatementUse s(reader->prepare(std::string("SELECT ") + kAssetColumns + " FROM assets WHERE " +
                                 kAssetWhere + " ORDER BY seq"));
  std::int64_t count = 0;
  guarded("export of project " + project_id, [&] {
    bind_filter(*s, project_id, filter);
    while (s->executeStep()) {
      each(read_asset(*s));
      ++count;
    }
  });
  return count;
}

std::int64_t SqliteStore::count_assets(const std::string& project_id) {
  return *impl_->one<std::int64_t>(
      "SELECT count(*) FROM assets WHERE project_id = ?",
      [&](SQLite::Statement& s) { s.bind(1, project_id); },
      +[](SQLite::Statement& s) { return integer(s, 0); });
}

std::vector<AssetRow> SqliteStore::list_assets(const std::string& project_id,
                                               const AssetFilter& filter, std::int64_t offset,
                                               std::int64_t limit, std::int64_t* total) {
  return guarded("assets of project " + project_id, [&] {
    auto reader = impl_->pool.reader();  // one snapshot for the count and the page
    if (total) {
      StatementUse count(
          reader->prepare(std::string("SELECT count(*) FROM assets WHERE ") + kAssetWhere));
      bind_filter(*count, project_id, filter);
      count->executeStep();
      *total = integer(*count, 0);
    }
    StatementUse s(reader->prepare(std::string("SELECT ") + kAssetColumns + " FROM assets WHERE " +
                                   kAssetWhere + " ORDER BY seq LIMIT ?7 OFFSET ?8"));
    bind_filter(*s, project_id, filter);
    s->bind(7, limit);
    s->bind(8, offset);
    std::vector<AssetRow> rows;
    while (s->executeStep())
      rows.push_back(read_asset(*s));
    return rows;
  });
}

std::optional<AssetRow> SqliteStore::find_task(const std::string& task_id) {
  if (auto found = impl_->one<AssetRow>(
          std::string("SELECT ") + kAssetColumns + " FROM assets WHERE task_id = ? LIMIT 1",
          [&](SQLite::Statement& s) { s.bind(1, task_id); }, read_asset))
    return found;
  // A task the export gave no id is listed under its asset's id (platform_read_routes).
  return impl_->one<AssetRow>(
      std::string("SELECT ") + kAssetColumns +
          " FROM assets WHERE task_id = '' AND asset_id = ? LIMIT 1",
      [&](SQLite::Statement& s) { s.bind(1, task_id); }, read_asset);
}

std::int64_t SqliteStore::count_repeated_external_ids(const std::string& project_id) {
  return *impl_->one<std::int64_t>(
      "SELECT count(*) FROM (SELECT external_id FROM assets WHERE project_id = ? AND "
      "external_id <> '' GROUP BY external_id HAVING count(*) > 1)",
      [&](SQLite::Statement& s) { s.bind(1, project_id); },
      +[](SQLite::Statement& s) { return integer(s, 0); });
}

std::int64_t SqliteStore::add_issues(const std::string& project_id,
                                     const std::vector<IssueRow>& issues) {
  return guarded("issues of project " + project_id, [&] {
    auto writer = impl_->pool.writer();
    auto& connection = writer.connection;
    SQLite::Transaction transaction(connection.db(), SQLite::TransactionBehavior::IMMEDIATE);
    std::int64_t seq = 0;
    {
      StatementUse last(
          connection.prepare("SELECT coalesce(max(seq), 0) FROM issues WHERE project_id = ?"));
      last->bind(1, project_id);
      last->executeStep();
      seq = integer(*last, 0);
    }
    StatementUse insert(connection.prepare(
        "INSERT INTO issues (project_id, seq, id, asset_id, json_text, created_at) "
        "VALUES (?,?,?,?,?,?) ON CONFLICT (project_id, id) DO UPDATE SET "
        "asset_id = excluded.asset_id, json_text = excluded.json_text"));
    for (const IssueRow& issue : issues) {
      SQLite::bind(*insert, project_id, ++seq, issue.id, issue.asset_id, issue.json_text,
                   issue.created_at);
      insert->exec();
      insert->reset();
    }
    bump_revision(connection, project_id);
    transaction.commit();
    return static_cast<std::int64_t>(issues.size());
  });
}

std::vector<IssueRow> SqliteStore::list_issues(const std::string& project_id, std::int64_t offset,
                                               std::int64_t limit, std::int64_t* total) {
  return guarded("issues of project " + project_id, [&] {
    auto reader = impl_->pool.reader();
    if (total) {
      StatementUse count(reader->prepare("SELECT count(*) FROM issues WHERE project_id = ?"));
      count->bind(1, project_id);
      count->executeStep();
      *total = integer(*count, 0);
    }
    StatementUse s(
        reader->prepare("SELECT project_id, id, asset_id, json_text, created_at FROM issues "
                        "WHERE project_id = ? ORDER BY seq LIMIT ? OFFSET ?"));
    SQLite::bind(*s, project_id, limit, offset);
    std::vector<IssueRow> rows;
    while (s->executeStep())
      rows.push_back(IssueRow{text(*s, 0), text(*s, 1), text(*s, 2), text(*s, 3), integer(*s, 4)});
    return rows;
  });
}

// Plugins ---------------------------------------------------------------------------------

void SqliteStore::create_plugin(const Plugin& p) {
  impl_->write("plugin " + p.name,
               std::string("INSERT INTO plugins (") + kPluginColumns +
                   ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
               [&](SQLite::Statement& s) {
                 SQLite::bind(s, p.id, p.org_id, p.name, p.type, p.description, p.default_config,
                              p.secret_hash, p.secret, p.rest_url, p.created_at, p.timeout_seconds,
                              p.redispatch_on_hub_loss ? 1 : 0, p.instance_concurrency);
               });
}

std::optional<Plugin> SqliteStore::get_plugin(const std::string& id) {
  return impl_->one<Plugin>(
      std::string("SELECT ") + kPluginColumns + " FROM plugins WHERE id = ?",
      [&](SQLite::Statement& s) { s.bind(1, id); }, read_plugin);
}

std::vector<Plugin> SqliteStore::list_plugins(const std::string& org_id) {
  return impl_->many<Plugin>(
      std::string("SELECT ") + kPluginColumns +
          " FROM plugins WHERE org_id = ? ORDER BY created_at, id",
      [&](SQLite::Statement& s) { s.bind(1, org_id); }, read_plugin);
}

void SqliteStore::set_plugin_secret(const std::string& id, const std::string& secret_hash,
                                    const std::string& sealed_secret) {
  const int changed =
      impl_->write("plugin " + id, "UPDATE plugins SET secret_hash = ?, secret = ? WHERE id = ?",
                   [&](SQLite::Statement& s) { SQLite::bind(s, secret_hash, sealed_secret, id); });
  if (changed == 0) throw NotFound("no plugin " + id);
}

void SqliteStore::set_plugin_settings(const Plugin& p) {
  const int changed =
      impl_->write("plugin " + p.id,
                   "UPDATE plugins SET timeout_seconds = ?, redispatch_on_hub_loss = ?, "
                   "instance_concurrency = ? WHERE id = ?",
                   [&](SQLite::Statement& s) {
                     SQLite::bind(s, p.timeout_seconds, p.redispatch_on_hub_loss ? 1 : 0,
                                  p.instance_concurrency, p.id);
                   });
  if (changed == 0) throw NotFound("no plugin " + p.id);
}

bool SqliteStore::delete_plugin(const std::string& id) {
  return impl_->write("plugin " + id, "DELETE FROM plugins WHERE id = ?",
                      [&](SQLite::Statement& s) { s.bind(1, id); }) > 0;
}

// Storages --------------------------------------------------------------------------------

void SqliteStore::create_storage(const Storage& st) {
  impl_->write(
      "storage " + st.name,
      std::string("INSERT INTO storages (") + kStorageColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?)",
      [&](SQLite::Statement& s) {
        SQLite::bind(s, st.id, st.org_id, st.name, st.provider, st.endpoint, st.bucket, st.region,
                     st.access_key, st.secret_key, st.created_at);
      });
}

std::optional<Storage> SqliteStore::get_storage(const std::string& id) {
  return impl_->one<Storage>(
      std::string("SELECT ") + kStorageColumns + " FROM storages WHERE id = ?",
      [&](SQLite::Statement& s) { s.bind(1, id); }, read_storage);
}

std::vector<Storage> SqliteStore::list_storages(const std::string& org_id) {
  return impl_->many<Storage>(
      std::string("SELECT ") + kStorageColumns +
          " FROM storages WHERE org_id = ? ORDER BY created_at, id",
      [&](SQLite::Statement& s) { s.bind(1, org_id); }, read_storage);
}

bool SqliteStore::delete_storage(const std::string& id) {
  return impl_->write("storage " + id, "DELETE FROM storages WHERE id = ?",
                      [&](SQLite::Statement& s) { s.bind(1, id); }) > 0;
}

// Runs ------------------------------------------------------------------------------------

void SqliteStore::create_run(const Run& r) {
  impl_->write("run " + r.session,
               std::string("INSERT INTO runs (") + kRunInsertColumns +
                   ") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
               [&](SQLite::Statement& s) {
                 SQLite::bind(s, r.session, r.project_id, r.plugin_id, r.user_id, r.config_json);
                 if (r.stage) s.bind(6, *r.stage);
                 s.bind(7, r.batches_json);
                 s.bind(8, std::string(to_string(r.state)));
                 s.bind(9, r.message);
                 s.bind(10, r.result_object);
                 s.bind(11, r.created_at);
                 if (r.dispatched_at) s.bind(12, *r.dispatched_at);
                 if (r.finished_at) s.bind(13, *r.finished_at);
                 if (!r.dispatched_by.empty()) s.bind(14, r.dispatched_by);
               });
}

std::optional<Run> SqliteStore::get_run(const std::string& session) {
  return impl_->one<Run>(
      std::string("SELECT ") + kRunColumns + kRunReportColumn + " FROM runs WHERE session = ?",
      [&](SQLite::Statement& s) { s.bind(1, session); }, read_run);
}

std::vector<Run> SqliteStore::list_runs(const RunQuery& q) {
  std::vector<std::string> states;
  for (auto state : q.states)
    states.emplace_back(to_string(state));
  return impl_->many<Run>(
      std::string("SELECT ") + kRunColumns + kNoReportColumn +
          " FROM runs WHERE (?1 IS NULL OR project_id = ?1) AND (?2 IS NULL OR user_id = ?2)"
          " AND (?3 IS NULL OR plugin_id = ?3)"
          " AND (?4 IS NULL OR state IN (SELECT value FROM json_each(?4)))"
          " ORDER BY created_at DESC, session LIMIT ?5",
      [&](SQLite::Statement& s) {
        if (q.project_id) s.bind(1, *q.project_id);
        if (q.user_id) s.bind(2, *q.user_id);
        if (q.plugin_id) s.bind(3, *q.plugin_id);
        if (!states.empty()) s.bind(4, json_string_list(states));
        s.bind(5, q.limit);
      },
      read_run);
}

std::map<RunState, std::int64_t> SqliteStore::count_runs_by_state() {
  std::map<RunState, std::int64_t> counts;
  for (const auto& [state, n] : impl_->many<std::pair<std::string, std::int64_t>>(
           "SELECT state, count(*) FROM runs GROUP BY state", [](SQLite::Statement&) {},
           +[](SQLite::Statement& s) {
             return std::pair{text(s, 0), integer(s, 1)};
           }))
    counts[run_state_from_string(state)] = n;
  return counts;
}

namespace {

// One UPDATE with the expected states in its WHERE: atomic in SQLite, also against other
// processes, so of concurrent transitions exactly one changes the row.
constexpr const char* kTransitionSql =
    "UPDATE runs SET state = ?1, message = ?2, "
    "result_object = coalesce(?3, result_object), "
    "dispatched_at = CASE WHEN ?1 = 'dispatched' THEN ?4 ELSE dispatched_at END, "
    "finished_at = CASE WHEN ?1 IN ('queued', 'dispatched') THEN finished_at ELSE ?4 END, "
    "dispatched_by = CASE WHEN ?1 IN ('queued', 'dispatched') THEN nullif(?7, '') "
    "ELSE dispatched_by END "
    "WHERE session = ?5 AND state IN (SELECT value FROM json_each(?6))";

void bind_transition(SQLite::Statement& s, const std::string& session, const RunTransition& t) {
  std::vector<std::string> from;
  for (auto state : t.from)
    from.emplace_back(to_string(state));
  SQLite::bind(s, std::string(to_string(t.to)), t.message);
  if (t.result_object) s.bind(3, *t.result_object);
  s.bind(4, t.at);
  s.bind(5, session);
  s.bind(6, json_string_list(from));
  s.bind(7, t.dispatched_by);
}

constexpr const char* kInsertNotificationSql =
    "INSERT INTO notifications (user_id, session, kind, text, link, read, created_at) "
    "VALUES (?,?,?,?,?,?,?)";

std::int64_t insert_notification(sqlite::Connection& connection, const Notification& n) {
  StatementUse s(connection.prepare(kInsertNotificationSql));
  SQLite::bind(*s, n.user_id, n.session, n.kind, n.text, n.link, n.read ? 1 : 0, n.created_at);
  s->exec();
  return connection.db().getLastInsertRowid();
}

}  // namespace

bool SqliteStore::transition(const std::string& session, const RunTransition& t) {
  return impl_->write("run " + session, kTransitionSql,
                      [&](SQLite::Statement& s) { bind_transition(s, session, t); }) == 1;
}

std::optional<std::int64_t> SqliteStore::finish_run(const std::string& session,
                                                    const RunTransition& t, const Notification& n) {
  return guarded("run " + session, [&]() -> std::optional<std::int64_t> {
    auto writer = impl_->pool.writer();
    auto& connection = writer.connection;
    SQLite::Transaction transaction(connection.db(), SQLite::TransactionBehavior::IMMEDIATE);
    StatementUse update(connection.prepare(kTransitionSql));
    bind_transition(*update, session, t);
    if (update->exec() != 1) return std::nullopt;  // the transaction rolls back: nothing done
    const std::int64_t id = insert_notification(connection, n);
    transaction.commit();
    return id;
  });
}

bool SqliteStore::set_run_progress(const std::string& session, const std::string& progress_json) {
  return impl_->write("progress of run " + session,
                      "UPDATE runs SET progress = ? WHERE session = ? AND state = 'dispatched'",
                      [&](SQLite::Statement& s) { SQLite::bind(s, progress_json, session); }) == 1;
}

void SqliteStore::set_run_report(const std::string& session, const std::string& report_json) {
  impl_->write("report of run " + session, "UPDATE runs SET report = ? WHERE session = ?",
               [&](SQLite::Statement& s) { SQLite::bind(s, report_json, session); });
}

std::int64_t SqliteStore::append_log(const RunLog& log) {
  return guarded("log of run " + log.session, [&] {
    auto writer = impl_->pool.writer();
    // seq = the run's next number, computed in the INSERT itself (the writer lock makes it
    // race-free within this process, the database's write lock across processes).
    StatementUse s(writer.connection.prepare(
        "INSERT INTO run_logs (session, seq, level, msg, at) VALUES (?1, "
        "(SELECT coalesce(max(seq), 0) + 1 FROM run_logs WHERE session = ?1), ?2, ?3, ?4) "
        "RETURNING seq"));
    SQLite::bind(*s, log.session, log.level, log.msg, log.at);
    s->executeStep();
    return integer(*s, 0);
  });
}

std::vector<RunLog> SqliteStore::list_logs(const std::string& session, std::int64_t after_seq,
                                           std::int64_t limit) {
  return impl_->many<RunLog>(
      "SELECT session, seq, level, msg, at FROM run_logs WHERE session = ? AND seq > ? "
      "ORDER BY seq LIMIT ?",
      [&](SQLite::Statement& s) { SQLite::bind(s, session, after_seq, limit); },
      +[](SQLite::Statement& s) {
        return RunLog{text(s, 0), integer(s, 1), text(s, 2), text(s, 3), integer(s, 4)};
      });
}

// Notifications ---------------------------------------------------------------------------

std::int64_t SqliteStore::create_notification(const Notification& n) {
  return guarded("notification", [&] {
    auto writer = impl_->pool.writer();
    return insert_notification(writer.connection, n);
  });
}

std::vector<Notification> SqliteStore::list_notifications(const std::string& user_id,
                                                          bool unread_only, std::int64_t limit) {
  return impl_->many<Notification>(
      std::string("SELECT ") + kNotificationColumns +
          " FROM notifications WHERE user_id = ? AND (? = 0 OR read = 0) ORDER BY id DESC LIMIT ?",
      [&](SQLite::Statement& s) { SQLite::bind(s, user_id, unread_only ? 1 : 0, limit); },
      read_notification);
}

std::optional<Notification> SqliteStore::get_notification(const std::string& user_id,
                                                          std::int64_t id) {
  return impl_->one<Notification>(
      std::string("SELECT ") + kNotificationColumns +
          " FROM notifications WHERE id = ? AND user_id = ?",
      [&](SQLite::Statement& s) { SQLite::bind(s, id, user_id); }, read_notification);
}

bool SqliteStore::mark_notification_read(const std::string& user_id, std::int64_t id) {
  // Already-read notifications of the user count as marked (idempotent for the UI).
  return impl_->write("notification",
                      "UPDATE notifications SET read = 1 WHERE id = ? AND user_id = ?",
                      [&](SQLite::Statement& s) { SQLite::bind(s, id, user_id); }) == 1;
}

std::int64_t SqliteStore::mark_all_notifications_read(const std::string& user_id) {
  return impl_->write("notifications",
                      "UPDATE notifications SET read = 1 WHERE user_id = ? AND read = 0",
                      [&](SQLite::Statement& s) { s.bind(1, user_id); });
}

}  // namespace xport::hub
