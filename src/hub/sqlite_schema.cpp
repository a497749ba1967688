// The hub's SQLite schema as an append-only list of numbered migrations (migrations.hpp).
// PRAGMA user_version holds the version applied; never edit a released migration, add one.
#include <SQLiteCpp/Transaction.h>

#include <array>
#include <string>

#include "hub/migrations.hpp"
#include "hub/sqlite_connection.hpp"

namespace xport::hub::sqlite {

namespace {

constexpr const char* kV1 = R"sql(
CREATE TABLE organizations (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  api_key_hash TEXT NOT NULL UNIQUE,
  created_at INTEGER NOT NULL
);
CREATE INDEX users_org ON users(org_id);
CREATE TABLE projects (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  stages TEXT NOT NULL DEFAULT '[]',
  created_at INTEGER NOT NULL
);
CREATE INDEX projects_org ON projects(org_id);
CREATE TABLE assets (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  external_id TEXT NOT NULL,
  stage TEXT NOT NULL DEFAULT '',
  batches TEXT NOT NULL DEFAULT '[]',
  json_text TEXT NOT NULL,
  PRIMARY KEY (project_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX assets_external ON assets(project_id, external_id) WHERE external_id <> '';
CREATE INDEX assets_stage ON assets(project_id, stage, seq);
CREATE TABLE plugins (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  type TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  default_config TEXT NOT NULL DEFAULT '{}',
  secret_hash TEXT NOT NULL,
  secret TEXT NOT NULL,
  rest_url TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE INDEX plugins_org ON plugins(org_id);
CREATE TABLE runs (
  session TEXT PRIMARY KEY,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  plugin_id TEXT NOT NULL REFERENCES plugins(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  config_json TEXT NOT NULL,
  stage TEXT,
  batches TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL CHECK (state IN
    ('queued', 'dispatched', 'succeeded', 'failed', 'timed_out', 'cancelled')),
  message TEXT NOT NULL DEFAULT '',
  result_object TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  dispatched_at INTEGER,
  finished_at INTEGER
);
CREATE INDEX runs_project ON runs(project_id, created_at);
CREATE INDEX runs_user ON runs(user_id, created_at);
CREATE INDEX runs_plugin_state ON runs(plugin_id, state);
CREATE TABLE run_logs (
  session TEXT NOT NULL REFERENCES runs(session) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  level TEXT NOT NULL,
  msg TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (session, seq)
) WITHOUT ROWID;
CREATE TABLE notifications (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  session TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  link TEXT NOT NULL DEFAULT '',
  read INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, read, id);
)sql";

// Drop-in platform (protocol.md §6): assets are identified by assetId (then dataId, else an
// id the hub makes), so external ids may repeat; the task's id and stage id become columns
// (GET /v2/task/{id}, stage filters by id); projects keep their type, batches (id + name),
// ontology and stages as objects; plugins their answer timeout; issues get a table.
constexpr const char* kV2 = R"sql(
ALTER TABLE projects ADD COLUMN type TEXT NOT NULL DEFAULT 'image';
ALTER TABLE projects ADD COLUMN batches TEXT NOT NULL DEFAULT '[]';
ALTER TABLE projects ADD COLUMN category_schema TEXT NOT NULL DEFAULT '{}';
ALTER TABLE assets ADD COLUMN asset_id TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN stage_id TEXT NOT NULL DEFAULT '';
ALTER TABLE assets ADD COLUMN task_id TEXT NOT NULL DEFAULT '';
UPDATE assets SET
  asset_id = coalesce(nullif(CAST(json_extract(json_text, '$.assetId') AS TEXT), ''),
                      nullif(CAST(json_extract(json_text, '$.dataId') AS TEXT), ''),
                      'hub-' || project_id || '-' || seq),
  stage_id = coalesce(CAST(json_extract(json_text, '$.task.stageId') AS TEXT), ''),
  task_id = coalesce(CAST(json_extract(json_text, '$.task.taskId') AS TEXT),
                     CAST(json_extract(json_text, '$.tasks[0].taskId') AS TEXT), '');
DROP INDEX assets_external;
CREATE UNIQUE INDEX assets_identity ON assets(project_id, asset_id);
CREATE INDEX assets_external ON assets(project_id, external_id);
CREATE INDEX assets_task ON assets(task_id) WHERE task_id <> '';
ALTER TABLE plugins ADD COLUMN timeout_seconds INTEGER NOT NULL DEFAULT 1800;
CREATE TABLE issues (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  id TEXT NOT NULL,
  asset_id TEXT NOT NULL DEFAULT '',
  json_text TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, seq)
) WITHOUT ROWID;
CREATE UNIQUE INDEX issues_id ON issues(project_id, id);
)sql";

// Customers' own buckets (storage integrations): the secret key sealed like plugin secrets.
constexpr const char* kV3 = R"sql(
CREATE TABLE storages (
  id TEXT PRIMARY KEY,
  org_id TEXT NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  provider TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  bucket TEXT NOT NULL,
  region TEXT NOT NULL,
  access_key TEXT NOT NULL,
  secret_key TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  UNIQUE (org_id, name)
);
)sql";

// Several hubs (PostgreSQL's version 3; a SQLite hub is one hub, but its runs say which
// hub sent them all the same, and plugins keep the setting for when they move).
constexpr const char* kV4 = R"sql(
ALTER TABLE runs ADD COLUMN dispatched_by TEXT;
ALTER TABLE plugins ADD COLUMN redispatch_on_hub_loss INTEGER NOT NULL DEFAULT 0;
)sql";

// Organisations, users and roles (issue 14): the first admin is the server admin; removed
// users keep their rows; project members with roles. And generated exports, reused within a
// project revision and counted against their organisation's quota; plugins' runs per
// instance (back-pressure). A member of an organisation that
// existed before saw and exported every project: they become a manager of each, so that an
// upgrade takes nothing away from anyone.
constexpr const char* kV5 = R"sql(
ALTER TABLE users ADD COLUMN server_admin INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN removed_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET server_admin = 1 WHERE id =
  (SELECT id FROM users WHERE role = 'admin' ORDER BY created_at, id LIMIT 1);
CREATE TABLE project_members (
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('manager', 'annotator', 'reviewer')),
  added_at INTEGER NOT NULL,
  PRIMARY KEY (project_id, user_id)
) WITHOUT ROWID;
CREATE INDEX project_members_user ON project_members(user_id);
INSERT INTO project_members (project_id, user_id, role, added_at)
  SELECT p.id, u.id, 'manager', p.created_at FROM projects p JOIN users u ON u.org_id = p.org_id
  WHERE u.role = 'member';
ALTER TABLE projects ADD COLUMN revision INTEGER NOT NULL DEFAULT 0;
CREATE TABLE export_snapshots (
  key TEXT PRIMARY KEY,
  org_id TEXT NOT NULL,
  project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  revision INTEGER NOT NULL,
  spec_hash TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX export_snapshots_lookup ON export_snapshots(project_id, revision, spec_hash);
CREATE INDEX export_snapshots_org ON export_snapshots(org_id, created_at);
ALTER TABLE plugins ADD COLUMN instance_concurrency INTEGER NOT NULL DEFAULT 0;
)sql";

// A run's progress as its plugin reports it, and the conversion report of its answer (issue
// 15): JSON texts, shown on the run's page.
constexpr const char* kV6 = R"sql(
ALTER TABLE runs ADD COLUMN progress TEXT;
ALTER TABLE runs ADD COLUMN report TEXT;
)sql";

constexpr std::array kMigrations = {Migration{1, kV1}, Migration{2, kV2}, Migration{3, kV3},
                                    Migration{4, kV4}, Migration{5, kV5}, Migration{6, kV6}};
static_assert(numbered_from_one(kMigrations));

}  // namespace

int newest_schema_version() {
  return kMigrations.back().version;
}

void migrate(SQLite::Database& db) {
  for (;;) {
    // The version is read inside the write transaction, so two processes opening a fresh
    // database at once apply each migration once.
    SQLite::Transaction transaction(db, SQLite::TransactionBehavior::IMMEDIATE);
    const int current = db.execAndGet("PRAGMA user_version").getInt();
    refuse_newer_schema(current, newest_schema_version());
    if (current == newest_schema_version()) return;
    // Migration N+1 follows version N (kMigrations is numbered from 1, without gaps).
    const Migration& m = kMigrations[static_cast<std::size_t>(current)];
    db.exec(m.sql);
    db.exec("PRAGMA user_version = " + std::to_string(m.version));
    transaction.commit();
  }
}

}  // namespace xport::hub::sqlite
