// The hub's PostgreSQL schema as an append-only list of migrations; the schema_version table
// holds the version applied. Text that is compared or ordered is COLLATE "C" (byte order,
// as in SQLite), so listings come out in the same order on both stores. json_text stays
// text, not jsonb: exports must hand back each asset exactly as it was imported.
#include <pqxx/transaction>

#include <array>
#include <string>

#include "hub/migrations.hpp"
#include "hub/pg_connection.hpp"

namespace xport::hub::pg {

namespace {

// pg_advisory_xact_lock(kind, key): the kinds of lock the store takes (pg_store.cpp too).
constexpr const char* kMigrationLock = "SELECT pg_advisory_xact_lock(1, 0)";

// The schema of SQLite's versions 1 and 2 at once (PostgreSQL had no earlier hubs).
constexpr const char* kV1 = R"sql(
CREATE TABLE organizations (
  id TEXT COLLATE "C" PRIMARY KEY,
  name TEXT COLLATE "C" NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE users (
  id TEXT COLLATE "C" PRIMARY KEY,
  org_id TEXT COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  email TEXT COLLATE "C" NOT NULL UNIQUE,
  role TEXT NOT NULL CHECK (role IN ('admin', 'member')),
  api_key_hash TEXT COLLATE "C" NOT NULL UNIQUE,
  created_at BIGINT NOT NULL
);
CREATE INDEX users_org ON users(org_id);
CREATE TABLE projects (
  id TEXT COLLATE "C" PRIMARY KEY,
  org_id TEXT COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  stages TEXT NOT NULL DEFAULT '[]',
  created_at BIGINT NOT NULL,
  type TEXT NOT NULL DEFAULT 'image',
  batches TEXT NOT NULL DEFAULT '[]',
  category_schema TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX projects_org ON projects(org_id);
CREATE TABLE assets (
  project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  asset_id TEXT COLLATE "C" NOT NULL,
  external_id TEXT COLLATE "C" NOT NULL,
  stage TEXT COLLATE "C" NOT NULL DEFAULT '',
  stage_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  task_id TEXT COLLATE "C" NOT NULL DEFAULT '',
  batches TEXT NOT NULL DEFAULT '[]',
  json_text TEXT NOT NULL,
  PRIMARY KEY (project_id, seq)
);
CREATE UNIQUE INDEX assets_identity ON assets(project_id, asset_id);
CREATE INDEX assets_external ON assets(project_id, external_id);
CREATE INDEX assets_stage ON assets(project_id, stage, seq);
CREATE INDEX assets_task ON assets(task_id) WHERE task_id <> '';
CREATE TABLE plugins (
  id TEXT COLLATE "C" PRIMARY KEY,
  org_id TEXT COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  type TEXT NOT NULL,
  description TEXT NOT NULL DEFAULT '',
  default_config TEXT NOT NULL DEFAULT '{}',
  secret_hash TEXT NOT NULL,
  secret TEXT NOT NULL,
  rest_url TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  timeout_seconds BIGINT NOT NULL DEFAULT 1800
);
CREATE INDEX plugins_org ON plugins(org_id);
CREATE TABLE runs (
  session TEXT COLLATE "C" PRIMARY KEY,
  project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  plugin_id TEXT COLLATE "C" NOT NULL REFERENCES plugins(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  config_json TEXT NOT NULL,
  stage TEXT,
  batches TEXT NOT NULL DEFAULT '[]',
  state TEXT NOT NULL CHECK (state IN
    ('queued', 'dispatched', 'succeeded', 'failed', 'timed_out', 'cancelled')),
  message TEXT NOT NULL DEFAULT '',
  result_object TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  dispatched_at BIGINT,
  finished_at BIGINT
);
CREATE INDEX runs_project ON runs(project_id, created_at);
CREATE INDEX runs_user ON runs(user_id, created_at);
CREATE INDEX runs_plugin_state ON runs(plugin_id, state);
CREATE TABLE run_logs (
  session TEXT COLLATE "C" NOT NULL REFERENCES runs(session) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  level TEXT NOT NULL,
  msg TEXT NOT NULL,
  at BIGINT NOT NULL,
  PRIMARY KEY (session, seq)
);
CREATE TABLE notifications (
  id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  session TEXT NOT NULL,
  kind TEXT NOT NULL,
  text TEXT NOT NULL,
  link TEXT NOT NULL DEFAULT '',
  read BOOLEAN NOT NULL DEFAULT false,
  created_at BIGINT NOT NULL
);
CREATE INDEX notifications_user ON notifications(user_id, read, id);
CREATE TABLE issues (
  project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  seq BIGINT NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  asset_id TEXT NOT NULL DEFAULT '',
  json_text TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, seq)
);
CREATE UNIQUE INDEX issues_id ON issues(project_id, id);
-- Assets' JSON is kilobytes a row: lz4 compresses it about as fast as it is copied, pglz (the
-- default) made a 100k-asset import 50% slower. A server built without lz4 keeps pglz.
DO $$ BEGIN
  ALTER TABLE assets ALTER COLUMN json_text SET COMPRESSION lz4;
  ALTER TABLE issues ALTER COLUMN json_text SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN NULL;
END $$;
)sql";

// Customers' own buckets (storage integrations; SQLite's version 3): the secret key sealed
// like plugin secrets.
constexpr const char* kV2 = R"sql(
CREATE TABLE storages (
  id TEXT COLLATE "C" PRIMARY KEY,
  org_id TEXT COLLATE "C" NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  provider TEXT NOT NULL,
  endpoint TEXT NOT NULL,
  bucket TEXT NOT NULL,
  region TEXT NOT NULL,
  access_key TEXT NOT NULL,
  secret_key TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  UNIQUE (org_id, name)
);
)sql";

// Several hubs on one database (cluster.hpp, pg_cluster.cpp; SQLite's version 4 has the
// two columns). A hub's lease is in the server's clock, so hubs' clocks may differ.
constexpr const char* kV3 = R"sql(
ALTER TABLE runs ADD COLUMN dispatched_by TEXT COLLATE "C";
ALTER TABLE plugins ADD COLUMN redispatch_on_hub_loss BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX runs_dispatched_by ON runs(dispatched_by) WHERE state = 'dispatched';
CREATE INDEX runs_queued ON runs(created_at) WHERE state = 'queued';
CREATE TABLE hubs (
  id TEXT COLLATE "C" PRIMARY KEY,
  address TEXT NOT NULL,
  started_at BIGINT NOT NULL,
  lease_until BIGINT NOT NULL
);
CREATE TABLE plugin_instances (
  hub_id TEXT COLLATE "C" NOT NULL REFERENCES hubs(id) ON DELETE CASCADE,
  instance TEXT COLLATE "C" NOT NULL,
  plugin_id TEXT COLLATE "C" NOT NULL,
  joined_at BIGINT NOT NULL,
  PRIMARY KEY (hub_id, instance)
);
CREATE INDEX plugin_instances_plugin ON plugin_instances(plugin_id);
CREATE TABLE cluster_settings (
  name TEXT COLLATE "C" PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

// Organisations, users and roles, project revisions, generated exports and plugins' runs per
// instance (SQLite's version
// 5, which says why existing members become managers of their organisation's projects).
constexpr const char* kV4 = R"sql(
ALTER TABLE users ADD COLUMN server_admin BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE users ADD COLUMN removed_at BIGINT NOT NULL DEFAULT 0;
UPDATE users SET server_admin = true WHERE id =
  (SELECT id FROM users WHERE role = 'admin' ORDER BY created_at, id LIMIT 1);
CREATE TABLE project_members (
  project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  user_id TEXT COLLATE "C" NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  role TEXT NOT NULL CHECK (role IN ('manager', 'annotator', 'reviewer')),
  added_at BIGINT NOT NULL,
  PRIMARY KEY (project_id, user_id)
);
CREATE INDEX project_members_user ON project_members(user_id);
INSERT INTO project_members (project_id, user_id, role, added_at)
  SELECT p.id, u.id, 'manager', p.created_at FROM projects p JOIN users u ON u.org_id = p.org_id
  WHERE u.role = 'member';
ALTER TABLE projects ADD COLUMN revision BIGINT NOT NULL DEFAULT 0;
CREATE TABLE export_snapshots (
  key TEXT COLLATE "C" PRIMARY KEY,
  org_id TEXT COLLATE "C" NOT NULL,
  project_id TEXT COLLATE "C" NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  revision BIGINT NOT NULL,
  spec_hash TEXT COLLATE "C" NOT NULL,
  bytes BIGINT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX export_snapshots_lookup ON export_snapshots(project_id, revision, spec_hash);
CREATE INDEX export_snapshots_org ON export_snapshots(org_id, created_at);
ALTER TABLE plugins ADD COLUMN instance_concurrency BIGINT NOT NULL DEFAULT 0;
)sql";

// A run's progress and report (SQLite's version 6).
constexpr const char* kV5 = R"sql(
ALTER TABLE runs ADD COLUMN progress TEXT;
ALTER TABLE runs ADD COLUMN report TEXT;
)sql";

constexpr std::array kMigrations = {Migration{1, kV1}, Migration{2, kV2}, Migration{3, kV3},
                                    Migration{4, kV4}, Migration{5, kV5}};
static_assert(numbered_from_one(kMigrations));

}  // namespace

int newest_schema_version() {
  return kMigrations.back().version;
}

void migrate(pqxx::connection& connection) {
  pqxx::work t(connection);
  // Two hubs starting on a fresh database: the second waits here, then finds it migrated.
  t.exec(kMigrationLock);
  t.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
  const pqxx::result stored = t.exec("SELECT version FROM schema_version");
  const int current = stored.empty() ? 0 : stored[0][0].as<int>();
  refuse_newer_schema(current, newest_schema_version());
  if (current == newest_schema_version()) return;
  for (const Migration& m : kMigrations)
    if (m.version > current) t.exec(m.sql);
  t.exec_params(stored.empty() ? "INSERT INTO schema_version (version) VALUES ($1)"
                               : "UPDATE schema_version SET version = $1",
                newest_schema_version());
  t.commit();
}

}  // namespace xport::hub::pg
