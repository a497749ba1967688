// Both stores on real databases: imports, export streams, the run state machine under
// concurrency, logs and notifications — every StoreTest for SqliteStore (a file in a temp
// dir) and PgStore (a fresh database on the server of XPORT_TEST_DATABASE: the pg-labelled
// copy of this executable; skipped without it). SQLite's own schema tests are SqliteSchema,
// PostgreSQL's PgSchema and PgStore (pg_store_test.cpp).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <atomic>
#include <ostream>
#include <stdexcept>
#include <thread>

#include "hub/pg_store.hpp"
#include "hub/project_meta.hpp"
#include "hub/sqlite_store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"
#include "xport/errors.hpp"

namespace xport::hub {
namespace {

using test::TempDir;

// The first column of the first row of `sql`, read with plain sqlite3 (not the store).
std::string query(const std::filesystem::path& file, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  sqlite3_prepare_v2(db, sql, -1, &statement, nullptr);
  sqlite3_step(statement);
  std::string value(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)));
  sqlite3_finalize(statement);
  sqlite3_close(db);
  return value;
}

int user_version(const std::filesystem::path& file) {
  return std::stoi(query(file, "PRAGMA user_version"));
}

void exec(const std::filesystem::path& file, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
}

// Assets in stage `stage` (by name; "" any) and in any of `batches`.
AssetFilter stage_filter(const std::string& stage, std::vector<std::string> batches = {}) {
  AssetFilter f;
  if (!stage.empty()) f.stage_names.push_back(stage);
  f.batches = std::move(batches);
  return f;
}

enum class Backend { sqlite, postgres };
void PrintTo(Backend b, std::ostream* os) {
  *os << (b == Backend::sqlite ? "SQLite" : "PostgreSQL");
}

class StoreTest : public ::testing::TestWithParam<Backend> {
 protected:
  // Another store on the same database (another connection or pool, as another process
  // would have).
  std::unique_ptr<Store> open_store() {
    if (GetParam() == Backend::sqlite) return std::make_unique<SqliteStore>(dir_.path() / "hub.db");
    return std::make_unique<PgStore>(test::fresh_database_url(dir_.path().string()));
  }

  void SetUp() override {
    if (GetParam() == Backend::postgres && !test::test_database_server())
      GTEST_SKIP() << "XPORT_TEST_DATABASE is not set (ctest -L pg sets it)";
    store_ = open_store();
    store_->create_organization({"org1", "Org", 1});
    store_->create_user({"u1", "org1", "Ann", "ann@example.com", "admin", "hash-u1", 1, false, 0});
    store_->create_user({"u2", "org1", "Bob", "bob@example.com", "member", "hash-u2", 2, false, 0});
    Project cats;
    cats.id = "p1";
    cats.org_id = "org1";
    cats.name = "Cats";
    cats.stages = workflow({Stage{"review-1", "Review", "Review", 0, 0}});
    cats.created_at = 1;
    store_->create_project(cats);
    store_->create_plugin({"pl1", "org1", "Formats", "Export", "", "{}", "h", "s", "", 1, 1800});
  }

  // Imports assets given as (external id, stage, batches json).
  std::int64_t import(std::vector<std::tuple<std::string, std::string, std::string>> rows,
                      bool replace = false) {
    std::size_t i = 0;
    return store_->import_assets("p1", replace, [&](AssetRow& row) {
      if (i == rows.size()) return false;
      auto& [id, stage, batches] = rows[i++];
      row.asset_id = id;
      row.external_id = id;
      row.stage = stage;
      row.batches_json = batches;
      row.json_text = R"({"externalId":")" + id + R"("})";
      return true;
    });
  }

  std::vector<std::string> exported(const AssetFilter& filter) {
    std::vector<std::string> ids;
    store_->for_each_asset("p1", filter,
                           [&](const AssetRow& row) { ids.push_back(row.external_id); });
    return ids;
  }

  hub::Run queued_run(const std::string& session) {
    hub::Run run;
    run.session = session;
    run.project_id = "p1";
    run.plugin_id = "pl1";
    run.user_id = "u1";
    run.created_at = 10;
    store_->create_run(run);
    return run;
  }

  // Every later notification INSERT fails (a trigger), as a full or failing database would.
  void refuse_notifications() {
    if (GetParam() == Backend::sqlite) {
      exec(dir_.path() / "hub.db",
           "CREATE TRIGGER refuse BEFORE INSERT ON notifications "
           "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
      return;
    }
    pqxx::connection c(test::fresh_database_url(dir_.path().string()));
    pqxx::nontransaction t(c);
    t.exec(
        "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$");
    t.exec("CREATE TRIGGER refuse BEFORE INSERT ON notifications EXECUTE FUNCTION refuse()");
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::Values(Backend::sqlite, Backend::postgres),
                         [](const auto& param_info) {
                           return param_info.param == Backend::sqlite ? "Sqlite" : "Postgres";
                         });

TEST(SqliteSchema, FreshDatabaseIsMigratedAndReopensUnchanged) {
  TempDir dir;
  const auto file = dir.path() / "hub.db";
  {
    SqliteStore store(file);
    store.create_organization({"o", "Org", 5});
  }
  EXPECT_EQ(user_version(file), SqliteStore::schema_version());
  SqliteStore reopened(file);  // no migration runs twice (it would fail: tables exist)
  ASSERT_TRUE(reopened.get_organization("o"));
  EXPECT_EQ(reopened.get_organization("o")->name, "Org");
  EXPECT_EQ(user_version(file), SqliteStore::schema_version());
}

// Version 5 (organisations, users and roles) on a database a version-4 hub wrote: the first
// admin becomes the server admin, and members keep what they could do (see every project and
// run exports) as managers of their organisation's projects.
TEST(SqliteSchema, AnUpgradeMakesMembersManagersOfTheirProjects) {
  TempDir dir;
  const auto file = dir.path() / "hub.db";
  {
    SqliteStore store(file);
    store.create_organization({"o", "Org", 1});
    store.create_user({"u1", "o", "Ann", "ann@x", "admin", "h1", 1, false, 0});
    store.create_user({"u2", "o", "Bob", "bob@x", "member", "h2", 2, false, 0});
    Project p;
    p.id = "p1";
    p.org_id = "o";
    p.name = "Cats";
    p.created_at = 3;
    store.create_project(p);
  }
  // Back to what version 4 had (SQLite >= 3.35 drops columns).
  exec(file,
       "DROP TABLE project_members; ALTER TABLE users DROP COLUMN server_admin;"
       " ALTER TABLE users DROP COLUMN removed_at; DROP TABLE export_snapshots;"
       " ALTER TABLE projects DROP COLUMN revision;"
       " ALTER TABLE plugins DROP COLUMN instance_concurrency;"
       " ALTER TABLE runs DROP COLUMN progress; ALTER TABLE runs DROP COLUMN report;"
       " PRAGMA user_version = 4;");
  SqliteStore upgraded(file);
  EXPECT_EQ(user_version(file), SqliteStore::schema_version());
  EXPECT_TRUE(upgraded.get_user("u1")->server_admin);
  EXPECT_FALSE(upgraded.get_user("u2")->server_admin);
  const auto bob = upgraded.get_project_member("p1", "u2");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->role, "manager");
  EXPECT_FALSE(upgraded.get_project_member("p1", "u1"));  // admins need no membership
}

TEST(SqliteSchema, UsesWalAndRefusesANewerSchema) {
  TempDir dir;
  const auto file = dir.path() / "hub.db";
  { SqliteStore store(file); }
  EXPECT_EQ(query(file, "PRAGMA journal_mode"), "wal");  // stored in the file
  exec(file, "PRAGMA user_version = 999");
  EXPECT_THROW(SqliteStore{file}, xport::IoError);
}

TEST_P(StoreTest, RecordsRoundTrip) {
  auto user = store_->find_user_by_api_key_hash("hash-u2");
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "Bob");
  EXPECT_EQ(user->role, "member");
  EXPECT_FALSE(store_->find_user_by_api_key_hash("nope"));
  EXPECT_EQ(store_->count_users(), 2);
  EXPECT_EQ(store_->list_users("org1").size(), 2u);
  std::vector<std::string> stage_names;
  const auto cats = store_->get_project("p1");
  for (const Stage& st : cats->stages)
    stage_names.push_back(st.name + "/" + st.id + "/" + st.type);
  EXPECT_EQ(stage_names, (std::vector<std::string>{"Start/Start/Start", "Review/review-1/Review",
                                                   "Complete/Complete/Complete"}));
  EXPECT_EQ(store_->list_projects("org1").size(), 1u);
  EXPECT_EQ(store_->get_plugin("pl1")->name, "Formats");
  store_->set_plugin_secret("pl1", "h2", "s2");
  EXPECT_EQ(store_->get_plugin("pl1")->secret_hash, "h2");
  EXPECT_THROW(store_->set_plugin_secret("nope", "h", "s"), NotFound);
  EXPECT_THROW(
      store_->create_user({"u3", "org1", "C", "ann@example.com", "member", "h3", 3, false, 0}),
      Conflict);
  Project orphan;
  orphan.id = "p2";
  orphan.org_id = "no-org";
  orphan.name = "X";
  EXPECT_THROW(store_->create_project(orphan), NotFound);
}

TEST_P(StoreTest, ProjectMembersAndRemovedUsers) {
  store_->set_project_member({"p1", "u2", "annotator", 5});
  ASSERT_TRUE(store_->get_project_member("p1", "u2"));
  EXPECT_EQ(store_->get_project_member("p1", "u2")->role, "annotator");
  store_->set_project_member({"p1", "u2", "manager", 9});  // a new role, the same member
  EXPECT_EQ(store_->get_project_member("p1", "u2")->role, "manager");
  EXPECT_EQ(store_->list_project_members("p1").size(), 1u);
  EXPECT_EQ(store_->list_memberships("u2").size(), 1u);
  EXPECT_THROW(store_->set_project_member({"p1", "nobody", "manager", 1}), NotFound);
  EXPECT_THROW(store_->set_project_member({"p1", "u2", "owner", 1}), Conflict);  // CHECK
  EXPECT_FALSE(store_->get_project_member("p1", "u1"));

  store_->remove_user("u2", 42);
  EXPECT_FALSE(store_->find_user_by_api_key_hash("hash-u2"));  // the key stopped working
  EXPECT_TRUE(store_->list_memberships("u2").empty());
  EXPECT_EQ(store_->list_users("org1").size(), 1u);
  const auto removed = store_->get_user("u2");  // the row stays: runs name its user
  ASSERT_TRUE(removed);
  EXPECT_EQ(removed->removed_at, 42);
  EXPECT_EQ(removed->name, "Bob");
  EXPECT_THROW(store_->remove_user("u2", 43), NotFound);
  // The address is free for a new user.
  store_->create_user({"u3", "org1", "Bob", "bob@example.com", "member", "hash-u3", 3, false, 0});
  EXPECT_FALSE(store_->remove_project_member("p1", "u3"));
}

TEST_P(StoreTest, ImportIsAllOrNothing) {
  EXPECT_EQ(import({{"a", "Start", "[]"}, {"b", "Review", "[]"}}), 2);
  // The source fails half way: nothing of this import stays.
  int calls = 0;
  EXPECT_THROW(store_->import_assets("p1", false,
                                     [&](AssetRow& row) {
                                       if (++calls == 3)
                                         throw std::runtime_error("line 3: bad JSON");
                                       row.external_id = "new" + std::to_string(calls);
                                       row.asset_id = row.external_id;
                                       row.json_text = "{}";
                                       return true;
                                     }),
               std::runtime_error);
  EXPECT_EQ(store_->count_assets("p1"), 2);
  // A duplicate asset id (here: of an earlier import) rolls back the whole import.
  EXPECT_THROW(import({{"c", "Start", "[]"}, {"a", "Start", "[]"}}), Conflict);
  EXPECT_EQ(store_->count_assets("p1"), 2);
  // Replace works per asset id: "a" takes the new row in its old place, "z" is added.
  EXPECT_EQ(import({{"a", "Review", "[]"}, {"z", "Start", "[]"}}, true), 2);
  EXPECT_EQ(exported({}), (std::vector<std::string>{"a", "b", "z"}));
  EXPECT_EQ(exported(stage_filter("Review")), (std::vector<std::string>{"a", "b"}));
  EXPECT_THROW(store_->import_assets("nope", false, [](AssetRow&) { return false; }), NotFound);
}

// Replacing: a row keeps the place of the one it replaces (the project's, or the first of
// the import with its id), with the text of the last; every row given counts and takes a seq.
TEST_P(StoreTest, ReplaceKeepsPlacesAndTakesTheLastText) {
  import({{"a", "Start", "[]"}, { "b", "Start", "[]" }});
  EXPECT_EQ(import({{"c", "Start", "[]"},
                    {"a", "Review", "[]"},
                    {"c", "Review", "[\"b1\"]"},
                    {"d", "Start", "[]"}},
                   true),
            4);
  std::vector<std::string> seen;
  store_->for_each_asset("p1", {}, [&](const AssetRow& row) {
    seen.push_back(row.asset_id + "@" + std::to_string(row.seq) + ":" + row.stage +
                   row.batches_json);
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a@1:Review[]", "b@2:Start[]", "c@3:Review[\"b1\"]",
                                            "d@6:Start[]"}));
}

TEST_P(StoreTest, AssetsAreIdentifiedByAssetIdSoExternalIdsMayRepeat) {
  // The same file name in two folders: two assets.
  const std::vector<std::pair<std::string, std::string>> rows{
      {"id-1", "x.png"}, {"id-2", "x.png"}, {"id-3", "y.png"}};
  std::size_t i = 0;
  EXPECT_EQ(store_->import_assets("p1", false,
                                  [&](AssetRow& row) {
                                    if (i == rows.size()) return false;
                                    row.asset_id = rows[i].first;
                                    row.external_id = rows[i].second;
                                    row.task_id = "task-" + rows[i].first;
                                    row.json_text = "{}";
                                    ++i;
                                    return true;
                                  }),
            3);
  EXPECT_EQ(exported({}), (std::vector<std::string>{"x.png", "x.png", "y.png"}));
  EXPECT_EQ(store_->count_repeated_external_ids("p1"), 1);
  AssetFilter by_name;
  by_name.external_id = "x.png";
  std::int64_t total = 0;
  auto page = store_->list_assets("p1", by_name, 1, 10, &total);
  EXPECT_EQ(total, 2);
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].asset_id, "id-2");
  ASSERT_TRUE(store_->find_task("task-id-3"));
  EXPECT_EQ(store_->find_task("task-id-3")->asset_id, "id-3");
  EXPECT_FALSE(store_->find_task("task-none"));
  // A task the export gave no id answers to its asset's id.
  std::size_t k = 0;
  store_->import_assets("p1", false, [&](AssetRow& row) {
    if (k++ > 0) return false;
    row.asset_id = "no-task-id";
    row.json_text = "{}";
    return true;
  });
  ASSERT_TRUE(store_->find_task("no-task-id"));
  EXPECT_EQ(store_->find_task("no-task-id")->asset_id, "no-task-id");
  EXPECT_FALSE(store_->find_task("id-1"));  // its task has an id of its own
}

TEST_P(StoreTest, ProjectUpdatesAndIssuesRoundTrip) {
  store_->update_project("p1", [](Project& p) {
    p.batches.push_back(Batch{"b-1", "Night"});
    p.category_schema = R"({"tools":[]})";
  });
  auto p = store_->get_project("p1");
  ASSERT_EQ(p->batches.size(), 1u);
  EXPECT_EQ(p->batches[0].name, "Night");
  EXPECT_EQ(p->category_schema, R"({"tools":[]})");
  EXPECT_THROW(store_->update_project("nope", [](Project&) {}), NotFound);
  EXPECT_EQ(store_->add_issues("p1", {IssueRow{"p1", "i1", "a", R"({"_id":"i1"})", 5},
                                      IssueRow{"p1", "i2", "", R"({"_id":"i2"})", 6}}),
            2);
  // The same id again replaces it, in its place.
  store_->add_issues("p1", {IssueRow{"p1", "i1", "a", R"({"_id":"i1","v":2})", 7}});
  std::int64_t total = 0;
  auto issues = store_->list_issues("p1", 0, 10, &total);
  EXPECT_EQ(total, 2);
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].json_text, R"({"_id":"i1","v":2})");
  Plugin tuned = *store_->get_plugin("pl1");
  tuned.timeout_seconds = 42;
  tuned.redispatch_on_hub_loss = true;
  tuned.instance_concurrency = 3;
  store_->set_plugin_settings(tuned);
  const auto read = store_->get_plugin("pl1");
  EXPECT_EQ(read->timeout_seconds, 42);
  EXPECT_TRUE(read->redispatch_on_hub_loss);
  EXPECT_EQ(read->instance_concurrency, 3);
  tuned.id = "missing";
  EXPECT_THROW(store_->set_plugin_settings(tuned), NotFound);
}

TEST_P(StoreTest, ImportConflictHandlerSkipsDuplicatesAndGoesOn) {
  EXPECT_EQ(import({{"a", "Start", "[]"}}), 1);
  const std::vector<std::string> ids{"b", "a", "c", "b", "d"};
  std::size_t i = 0;
  std::vector<std::string> conflicts;
  std::int64_t n = store_->import_assets(
      "p1", false,
      [&](AssetRow& row) {
        if (i == ids.size()) return false;
        row.external_id = ids[i++];
        row.asset_id = row.external_id;
        row.json_text = "{}";
        return true;
      },
      [&](const AssetRow& row, const std::string& reason) {
        conflicts.push_back(row.external_id);
        EXPECT_NE(reason.find("'" + row.external_id + "'"), std::string::npos) << reason;
        return true;
      });
  EXPECT_EQ(n, 3);
  EXPECT_EQ(conflicts, (std::vector<std::string>{"a", "b"}));
  // Import order has no gaps where rows were skipped.
  std::vector<std::int64_t> seqs;
  store_->for_each_asset("p1", {}, [&](const AssetRow& row) { seqs.push_back(row.seq); });
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{1, 2, 3, 4}));
  EXPECT_EQ(exported({}), (std::vector<std::string>{"a", "b", "c", "d"}));
  // A handler that refuses: Conflict, nothing imported.
  i = 0;
  EXPECT_THROW(store_->import_assets(
                   "p1", false,
                   [&](AssetRow& row) {
                     if (i == 2) return false;
                     row.external_id = i++ == 0 ? "e" : "a";
                     row.asset_id = row.external_id;
                     row.json_text = "{}";
                     return true;
                   },
                   [](const AssetRow&, const std::string&) { return false; }),
               Conflict);
  EXPECT_EQ(store_->count_assets("p1"), 4);
}

TEST_P(StoreTest, ExportStreamsInImportOrderWithFilters) {
  import({{"a", "Start", R"(["b1"])"},
          {"b", "Review", R"(["b1","b2"])"},
          {"c", "Review", "[]"},
          {"d", "Complete", R"(["b2"])"},
          { "e",
            "Review",
            R"(["b3"])" }});
  EXPECT_EQ(exported({}), (std::vector<std::string>{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(exported(stage_filter("Review")), (std::vector<std::string>{"b", "c", "e"}));
  EXPECT_EQ(exported(stage_filter("", {"b2"})), (std::vector<std::string>{"b", "d"}));
  EXPECT_EQ(exported(stage_filter("", {"b1", "b3"})), (std::vector<std::string>{"a", "b", "e"}));
  EXPECT_EQ(exported(stage_filter("Review", {"b2"})), (std::vector<std::string>{"b"}));
  EXPECT_TRUE(exported(stage_filter("Nowhere")).empty());
  // Rows carry what was imported, seq in import order.
  std::vector<std::int64_t> seqs;
  std::string first;
  store_->for_each_asset("p1", {}, [&](const AssetRow& row) {
    seqs.push_back(row.seq);
    if (first.empty()) first = row.json_text;
  });
  EXPECT_EQ(seqs, (std::vector<std::int64_t>{1, 2, 3, 4, 5}));
  EXPECT_EQ(first, R"({"externalId":"a"})");
}

TEST_P(StoreTest, ExportStreamSeesOneSnapshotWhileOthersWrite) {
  import({{"a", "Start", "[]"}, { "b", "Start", "[]" }});
  std::vector<std::string> seen;
  store_->for_each_asset("p1", {}, [&](const AssetRow& row) {
    seen.push_back(row.external_id);
    // Writes from the stream's callback neither deadlock nor show up in this stream.
    if (row.external_id == "a") import({{ "c", "Start", "[]" }});
  });
  EXPECT_EQ(seen, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(store_->count_assets("p1"), 3);
}

TEST_P(StoreTest, RunTransitionsAreCompareAndSet) {
  queued_run("s1");
  EXPECT_FALSE(
      store_->transition("s1", {{RunState::dispatched}, RunState::succeeded, "", "r.zip", 20, ""}));
  EXPECT_TRUE(store_->transition(
      "s1", {{RunState::queued}, RunState::dispatched, "", std::nullopt, 20, ""}));
  EXPECT_TRUE(store_->transition(
      "s1", {{RunState::dispatched}, RunState::succeeded, "done", "r.zip", 30, ""}));
  EXPECT_FALSE(store_->transition(
      "s1", {{RunState::dispatched}, RunState::failed, "late", std::nullopt, 40, ""}));
  EXPECT_FALSE(store_->transition(
      "missing", {{RunState::queued}, RunState::dispatched, "", std::nullopt, 1, ""}));
  const auto run = store_->get_run("s1");
  ASSERT_TRUE(run);
  EXPECT_EQ(run->state, RunState::succeeded);
  EXPECT_EQ(run->message, "done");
  EXPECT_EQ(run->result_object, "r.zip");
  EXPECT_EQ(run->dispatched_at, 20);
  EXPECT_EQ(run->finished_at, 30);
}

// A run's progress is written only while it is dispatched (a late report of a finished run
// changes nothing); its report at any time. get_run shows both, list_runs the progress only.
TEST_P(StoreTest, ProgressOnlyWhileDispatchedAndTheReportBesideTheRun) {
  queued_run("s1");
  EXPECT_FALSE(store_->set_run_progress("s1", R"({"assetsDone":1})"));  // still queued
  EXPECT_EQ(store_->get_run("s1")->progress_json, "");
  ASSERT_TRUE(store_->transition(
      "s1", {{RunState::queued}, RunState::dispatched, "", std::nullopt, 20, ""}));
  EXPECT_TRUE(store_->set_run_progress("s1", R"({"assetsDone":2})"));
  EXPECT_FALSE(store_->set_run_progress("missing", R"({"assetsDone":2})"));
  store_->set_run_report("s1", R"({"format":"coco"})");
  ASSERT_TRUE(
      store_->transition("s1", {{RunState::dispatched}, RunState::succeeded, "", "r.zip", 30, ""}));
  EXPECT_FALSE(store_->set_run_progress("s1", R"({"assetsDone":3})"));
  const auto run = store_->get_run("s1");
  EXPECT_EQ(run->progress_json, R"({"assetsDone":2})");
  EXPECT_EQ(run->report_json, R"({"format":"coco"})");
  RunQuery q;
  q.project_id = run->project_id;
  const auto listed = store_->list_runs(q);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].progress_json, R"({"assetsDone":2})");
  EXPECT_EQ(listed[0].report_json, "");
}

// A finished run and its notification are one write: a hub killed between them would
// otherwise leave a run that succeeded with nobody told.
TEST_P(StoreTest, AFinishedRunAndItsNotificationAreWrittenTogetherOrNotAtAll) {
  queued_run("s1");
  Notification n{0, "u1", "s1", "run_failed", "Export failed: gone", "/runs/s1", false, 30};
  const RunTransition fail{{RunState::queued}, RunState::failed, "gone", std::nullopt, 30, ""};
  const auto id = store_->finish_run("s1", fail, n);
  ASSERT_TRUE(id);
  EXPECT_EQ(store_->get_run("s1")->state, RunState::failed);
  const auto listed = store_->list_notifications("u1", false, 10);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].id, *id);
  EXPECT_EQ(listed[0].text, "Export failed: gone");

  // Not in `from` any more: neither the run nor the notifications change.
  EXPECT_FALSE(store_->finish_run("s1", fail, n));
  EXPECT_EQ(store_->list_notifications("u1", false, 10).size(), 1u);

  // The notification cannot be written: the run stays as it was.
  queued_run("s2");
  n.session = "s2";
  refuse_notifications();
  const RunTransition fail2{{RunState::queued}, RunState::failed, "x", std::nullopt, 40, ""};
  EXPECT_THROW(store_->finish_run("s2", fail2, n), std::exception);
  EXPECT_EQ(store_->get_run("s2")->state, RunState::queued);
}

TEST_P(StoreTest, OfConcurrentTransitionsOnlyOneWins) {
  // Threads on one store, and a second store (another connection, as another process
  // would have) on the same file.
  const auto other_store = open_store();
  Store& other = *other_store;
  for (int round = 0; round < 20; ++round) {
    const std::string session = "c" + std::to_string(round);
    queued_run(session);
    std::atomic<int> wins{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        Store& store = t % 2 ? other : *store_;
        const RunState to = t % 3 == 0 ? RunState::cancelled : RunState::timed_out;
        if (store.transition(
                session, {{RunState::queued}, to, "t" + std::to_string(t), std::nullopt, 5, ""})) {
          ++wins;
        }
      });
    }
    for (auto& thread : threads)
      thread.join();
    EXPECT_EQ(wins.load(), 1) << session;
  }
}

TEST_P(StoreTest, ListRunsFilters) {
  queued_run("r1");
  queued_run("r2");
  store_->transition("r2", {{RunState::queued}, RunState::dispatched, "", std::nullopt, 20, ""});
  EXPECT_EQ(store_->list_runs({}).size(), 2u);
  RunQuery dispatched;
  dispatched.states = {RunState::dispatched};
  ASSERT_EQ(store_->list_runs(dispatched).size(), 1u);
  EXPECT_EQ(store_->list_runs(dispatched)[0].session, "r2");
  RunQuery other_user;
  other_user.user_id = "u2";
  EXPECT_TRUE(store_->list_runs(other_user).empty());
}

TEST_P(StoreTest, LogsAreNumberedPerRun) {
  queued_run("s1");
  queued_run("s2");
  EXPECT_EQ(store_->append_log({"s1", 0, "INFO", "one", 1}), 1);
  EXPECT_EQ(store_->append_log({"s1", 0, "ERROR", "two", 2}), 2);
  EXPECT_EQ(store_->append_log({"s2", 0, "INFO", "other", 3}), 1);
  const auto logs = store_->list_logs("s1", 0, 100);
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[1].level, "ERROR");
  EXPECT_EQ(logs[1].msg, "two");
  EXPECT_EQ(store_->list_logs("s1", 1, 100).size(), 1u);
  EXPECT_THROW(store_->append_log({"missing", 0, "INFO", "x", 1}), NotFound);
}

TEST_P(StoreTest, NotificationsBelongToTheirUser) {
  const auto a =
      store_->create_notification({0, "u1", "s", "run_succeeded", "ready", "/l", false, 1});
  const auto b =
      store_->create_notification({0, "u1", "s", "run_failed", "failed", "/r", false, 2});
  const auto c = store_->create_notification({0, "u2", "s", "run_failed", "x", "", false, 3});
  auto list = store_->list_notifications("u1", false, 100);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, b);                               // newest first
  EXPECT_FALSE(store_->mark_notification_read("u1", c));  // someone else's
  EXPECT_TRUE(store_->mark_notification_read("u1", a));
  EXPECT_EQ(store_->list_notifications("u1", true, 100).size(), 1u);
  const auto first = store_->get_notification("u1", a);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->kind, "run_succeeded");
  EXPECT_TRUE(first->read);
  EXPECT_FALSE(store_->get_notification("u2", a));  // another user's
  EXPECT_FALSE(store_->get_notification("u1", c + 100));
  EXPECT_EQ(store_->mark_all_notifications_read("u1"), 1);
  EXPECT_TRUE(store_->list_notifications("u1", true, 100).empty());
  EXPECT_FALSE(store_->list_notifications("u2", true, 100).empty());
}

TEST_P(StoreTest, StoragesRoundTripAndNamesAreUniquePerOrganization) {
  store_->create_organization({"org2", "Other", 1});
  const Storage s{"st1",        "org1", "Results", "S3",     "http://127.0.0.1:7480",
                  "bucket-one", "eu-1", "AK",      "sealed", 5};
  store_->create_storage(s);
  const auto got = store_->get_storage("st1");
  ASSERT_TRUE(got);
  EXPECT_EQ(got->name, "Results");
  EXPECT_EQ(got->endpoint, "http://127.0.0.1:7480");
  EXPECT_EQ(got->bucket, "bucket-one");
  EXPECT_EQ(got->region, "eu-1");
  EXPECT_EQ(got->access_key, "AK");
  EXPECT_EQ(got->secret_key, "sealed");
  EXPECT_EQ(got->created_at, 5);
  Storage same_name = s;
  same_name.id = "st2";
  EXPECT_THROW(store_->create_storage(same_name), Conflict);
  same_name.org_id = "org2";  // another organisation may use the name
  store_->create_storage(same_name);
  ASSERT_EQ(store_->list_storages("org1").size(), 1u);
  EXPECT_EQ(store_->list_storages("org2").at(0).id, "st2");
  EXPECT_TRUE(store_->delete_storage("st1"));
  EXPECT_FALSE(store_->delete_storage("st1"));
  EXPECT_FALSE(store_->get_storage("st1"));
}

}  // namespace
}  // namespace xport::hub
