// PgStore's own behaviour on a real PostgreSQL server (XPORT_TEST_DATABASE: the pg-labelled
// copy of this executable; skipped without it): the schema_version table and its
// migrations, hubs starting at once on one database, compare-and-set under many
// connections, and an export stream that leaves the pool to everyone else.
#include <gtest/gtest.h>

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <atomic>
#include <thread>
#include <vector>

#include "hub/pg_store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"
#include "xport/errors.hpp"

namespace xport::hub {
namespace {

int count_instances() {
  static std::atomic<int> n{0};
  return n++;
}

class PgTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::test_database_server())
      GTEST_SKIP() << "XPORT_TEST_DATABASE is not set (ctest -L pg sets it)";
    url_ = test::fresh_database_url("pg_store_test/" + std::to_string(count_instances()));
  }
  // The first column of the first row of `sql`, read over a connection of the test's own.
  std::string query(const std::string& sql) {
    pqxx::connection c(url_);
    pqxx::nontransaction t(c);
    return t.exec(sql)[0][0].as<std::string>();
  }
  void exec(const std::string& sql) {
    pqxx::connection c(url_);
    pqxx::nontransaction t(c);
    t.exec(sql);
  }
  // An organisation, a user, a project and a plugin: enough for runs.
  static void seed(Store& store) {
    store.create_organization({"org1", "Org", 1});
    store.create_user({"u1", "org1", "Ann", "ann@example.com", "admin", "hash-u1", 1, false, 0});
    Project p;
    p.id = "p1";
    p.org_id = "org1";
    p.name = "Cats";
    store.create_project(p);
    store.create_plugin({"pl1", "org1", "Formats", "Export", "", "{}", "h", "s", "", 1, 1800});
  }
  std::string url_;
};

TEST_F(PgTest, FreshDatabaseIsMigratedAndReopensUnchanged) {
  {
    PgStore store(url_);
    store.create_organization({"o", "Org", 5});
  }
  EXPECT_EQ(query("SELECT version FROM schema_version"), std::to_string(PgStore::schema_version()));
  PgStore reopened(url_);  // no migration runs twice (it would fail: tables exist)
  ASSERT_TRUE(reopened.get_organization("o"));
  EXPECT_EQ(query("SELECT count(*) FROM schema_version"), "1");
}

TEST_F(PgTest, RefusesANewerSchemaNamingBothVersions) {
  { PgStore store(url_); }
  exec("UPDATE schema_version SET version = 999");
  try {
    PgStore store(url_);
    FAIL() << "a newer schema was accepted";
  } catch (const IoError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("999"), std::string::npos) << message;
    EXPECT_NE(message.find("(" + std::to_string(PgStore::schema_version()) + ")"),
              std::string::npos)
        << message;
  }
}

TEST_F(PgTest, HubsStartingAtOnceMigrateOnce) {
  std::atomic<int> opened{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i)
    threads.emplace_back([&] {
      try {
        PgStore store(url_);
        ++opened;
      } catch (const std::exception& e) {
        ADD_FAILURE() << e.what();
      }
    });
  for (auto& t : threads)
    t.join();
  EXPECT_EQ(opened.load(), 6);
  EXPECT_EQ(query("SELECT count(*) FROM schema_version"), "1");
  EXPECT_EQ(query("SELECT version FROM schema_version"), std::to_string(PgStore::schema_version()));
}

TEST_F(PgTest, OfManyConnectionsTransitioningARunExactlyOneWins) {
  PgStore store(url_);
  seed(store);
  PgStore other(url_);  // a second hub on the same database
  for (int round = 0; round < 10; ++round) {
    const std::string session = "r" + std::to_string(round);
    hub::Run run;
    run.session = session;
    run.project_id = "p1";
    run.plugin_id = "pl1";
    run.user_id = "u1";
    store.create_run(run);
    std::atomic<int> wins{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 16; ++t)
      threads.emplace_back([&, t] {
        Store& s = t % 2 ? static_cast<Store&>(other) : store;
        if (s.transition(session, {{RunState::queued},
                                   RunState::dispatched,
                                   "t" + std::to_string(t),
                                   std::nullopt,
                                   5,
                                   ""}))
          ++wins;
      });
    for (auto& thread : threads)
      thread.join();
    EXPECT_EQ(wins.load(), 1) << session;
    EXPECT_EQ(store.get_run(session)->state, RunState::dispatched);
  }
}

TEST_F(PgTest, AnExportStreamHoldsOneConnectionAndBlocksNobody) {
  PgStore store(url_, PgOptions{2});
  seed(store);
  std::int64_t n = 0;
  store.import_assets("p1", false, [&](AssetRow& row) {
    if (n == 1200) return false;  // more than one cursor batch
    row.asset_id = "a" + std::to_string(n++);
    row.json_text = "{}";
    return true;
  });
  std::int64_t seen = 0;
  std::int64_t expected_seq = 1;
  store.for_each_asset("p1", {}, [&](const AssetRow& row) {
    EXPECT_EQ(row.seq, expected_seq++);
    // The one other connection of the pool serves calls (and imports) meanwhile.
    if (seen++ % 400 == 0) {
      EXPECT_EQ(store.count_assets("p1"), 1200 + seen / 400);
      store.import_assets("p1", false, [&, done = false](AssetRow& r) mutable {
        if (done) return false;
        r.asset_id = "extra" + std::to_string(seen);
        r.json_text = "{}";
        return done = true;
      });
    }
  });
  EXPECT_EQ(seen, 1200);  // one snapshot: the rows imported meanwhile are not in it
  EXPECT_EQ(store.count_assets("p1"), 1203);
}

TEST_F(PgTest, TextRoundTripsByteForByte) {
  PgStore store(url_);
  seed(store);
  const std::string json =
      "{\"a\":\"tab\\t \t nl\\n \\\\ back\\\\slash \xc3\xa9 \xf0\x9f\x90\x88\"}";
  bool given = false;
  store.import_assets("p1", false, [&](AssetRow& row) {
    if (given) return false;
    row.asset_id = "x\ty\\z\n";
    row.external_id = "dir\\file name.jpg";
    row.json_text = json;
    return given = true;
  });
  const auto rows = store.list_assets("p1", {}, 0, 10, nullptr);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].json_text, json);
  EXPECT_EQ(rows[0].asset_id, "x\ty\\z\n");
  EXPECT_EQ(rows[0].external_id, "dir\\file name.jpg");
}

TEST(PgStoreUrl, OnlyPostgresUrlsAndUnreachableServersAreIoErrors) {
  EXPECT_TRUE(is_postgres_url("postgresql://xport@127.0.0.1:5432/xport"));
  EXPECT_TRUE(is_postgres_url("postgres://xport@127.0.0.1/xport"));
  EXPECT_FALSE(is_postgres_url("sqlite:///tmp/hub.db"));
  EXPECT_FALSE(is_postgres_url(""));
  // Port 1 on loopback: nothing listens there.
  EXPECT_THROW(PgStore("postgresql://xport:secret@127.0.0.1:1/xport"), IoError);
  try {
    PgStore store("postgresql://xport:secret@127.0.0.1:1/xport");
  } catch (const IoError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace xport::hub
