// Several hubs on one PostgreSQL database (docs/architecture.md, "Several hubs on one
// PostgreSQL"): a run started on one hub reaches the plugin instance connected to another,
// a browser on one hub sees the runs of another, a cancel crosses hubs too, a hub that dies ends
// (or hands back) the runs it had sent once its lease expires, and a hub whose keys differ from the
// cluster's refuses to start. Only the pg-labelled copies run (the others skip): SQLite cannot be
// shared by hubs.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>

#include "support/background_process.hpp"
#include "support/hub_process.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

// A PostgreSQL server of the test's own (tests/infra/postgres.sh), on the port after the
// shared one (below the ephemeral range too), so that restarting it disturbs no other test.
class PrivatePostgres {
 public:
  PrivatePostgres() {
    const std::string shared = *test_database_server();
    const auto colon = shared.rfind(':');
    port_ = std::stoi(shared.substr(colon + 1, shared.find('/', colon) - colon - 1)) + 1;
    dir_ = "/tmp/xport-pg-restart-" + std::to_string(port_);
    RunResult r = run(script() + " start " + dir_ + " " + std::to_string(port_));
    if (r.exit_code != 0) throw std::runtime_error("postgres.sh start: " + r.err);
    url_ = r.out.substr(0, r.out.find('\n'));
  }
  ~PrivatePostgres() { run(script() + " stop " + dir_); }
  const std::string& url() const { return url_; }
  // Stops the server at once (every connection cut, as in a crash), keeps it down for
  // `down`, starts it again.
  void restart(std::chrono::seconds down) {
    RunResult r = run(script() + " restart " + dir_ + " " + std::to_string(down.count()));
    if (r.exit_code != 0) throw std::runtime_error("postgres.sh restart: " + r.err);
  }

 private:
  static std::string script() { return std::string(XPORT_SOURCE_DIR) + "/tests/infra/postgres.sh"; }
  int port_ = 0;
  std::string dir_;
  std::string url_;
};

// Hubs on one fresh database, sharing the first hub's keys and its object directory (what a
// shared filesystem would give; the S3 case is the integration test's).
class MultiHub : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test_database_server()) GTEST_SKIP() << "several hubs need PostgreSQL (pg.* copy)";
    database_ = fresh_database_url(
        "cluster-" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
  }

  // Hub number n (1-based); the first one made creates the keys the others copy.
  HubProcess& add_hub() {
    const std::size_t n = hubs_.size() + 1;
    const fs::path dir = dir_.path() / ("hub" + std::to_string(n));
    fs::create_directories(dir / "data");
    if (n > 1) {
      const fs::path first = dir_.path() / "hub1" / "data";
      for (const char* key : {"secret-box.key", "url-signing.key"})
        fs::copy_file(first / key, dir / "data" / key);
      fs::create_directory_symlink(first / "storage", dir / "data" / "storage");
    }
    hubs_.push_back(std::make_unique<HubProcess>(
        dir, database_, n == 1 ? std::string() : hubs_.front()->admin_key()));
    return *hubs_.back();
  }
  std::string hub_id(std::size_t n) const {
    return read_trimmed(dir_.path() / ("hub" + std::to_string(n)) / "data" / "hub-id");
  }

  // `xport plugin` (the built-in formats) or the Python SDK peer in `mode` ("--hang": the
  // callback never returns), connected straight to `hub`.
  std::unique_ptr<BackgroundProcess> xport_plugin(const HubProcess& hub, const std::string& name,
                                                  const std::pair<std::string, std::string>& p) {
    return std::make_unique<BackgroundProcess>(
        name,
        std::vector<std::string>{XPORT_BINARY, "plugin", "--host", hub.base(), "--id", p.first,
                                 "--secret", p.second, "--concurrency", "2"},
        dir_.path());
  }
  std::unique_ptr<BackgroundProcess> hanging_plugin(const HubProcess& hub, const std::string& name,
                                                    const std::pair<std::string, std::string>& p) {
    return std::make_unique<BackgroundProcess>(
        name,
        std::vector<std::string>{
            "/usr/bin/python3", std::string(XPORT_SOURCE_DIR) + "/tests/peers/python_sdk_plugin.py",
            "--host", hub.base(), "--id", p.first, "--secret", p.second, "--hang"},
        dir_.path());
  }

  static std::string start_run(HubProcess& hub, const std::string& project,
                               const std::string& plugin) {
    return str(hub.start_run(project, plugin)["session"]);
  }
  static json::object wait_finished(HubProcess& hub, const std::string& session,
                                    std::chrono::seconds timeout) {
    return hub.wait_finished(session, timeout);
  }
  // Whether the admin has a notification of run `session` on `hub`.
  static ::testing::AssertionResult notified(HubProcess& hub, const std::string& session) {
    auto notes = hub.json_call("GET", "/api/notifications");
    for (auto& n : notes["notifications"].as_array())
      if (str(n.as_object().at("session")) == session) return ::testing::AssertionSuccess();
    return ::testing::AssertionFailure()
           << "no notification of " << session << ": " << json::serialize(notes);
  }
  // Waits until `hub` counts `n` instances of `plugin` across the cluster.
  static bool wait_instances(HubProcess& hub, const std::string& plugin, std::int64_t n) {
    auto deadline = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < deadline) {
      auto p = hub.json_call("GET", "/api/plugins/" + plugin);
      if (p.contains("onlineInstances") && p["onlineInstances"].as_int64() >= n) return true;
      std::this_thread::sleep_for(100ms);
    }
    return false;
  }

  // A run started on `runs_on` whose only instance, the hanging Python peer, is connected to
  // `instance_on`: returns once the callback holds it. Callers: ASSERT_NO_FATAL_FAILURE.
  struct HangingRun {
    std::unique_ptr<BackgroundProcess> instance;
    std::string session;
  };
  void start_hanging_run(HubProcess& runs_on, HubProcess& instance_on, const std::string& project,
                         const std::pair<std::string, std::string>& plugin, HangingRun& out) {
    out.instance = hanging_plugin(instance_on, "hanging-instance", plugin);
    ASSERT_TRUE(wait_instances(runs_on, plugin.first, 1)) << out.instance->err();
    out.session = start_run(runs_on, project, plugin.first);
    out.instance->wait_for_output("HANGING " + out.session);
  }

  TempDir dir_;
  std::unique_ptr<PrivatePostgres> private_pg_;  // before hubs_: stopped after them
  std::string database_;
  std::vector<std::unique_ptr<HubProcess>> hubs_;
};

TEST_F(MultiHub, RunStartedOnAHubWithoutTheInstanceReachesTheOtherHub) {
  HubProcess& hub1 = add_hub();
  HubProcess& hub2 = add_hub();
  const std::string project = hub1.create_project("Across hubs");
  ASSERT_GT(hub1.import_ndjson(project, sample_ndjson()), 0);
  auto plugin = hub1.create_plugin("formats on hub 2");
  auto instance = xport_plugin(hub2, "plugin-on-hub2", plugin);
  ASSERT_TRUE(wait_instances(hub1, plugin.first, 1)) << instance->err();

  for (int i = 0; i < 3; ++i) {
    const std::string session = start_run(hub1, project, plugin.first);
    json::object run = wait_finished(hub1, session, 30s);
    EXPECT_EQ(str(run["state"]), "succeeded") << json::serialize(run) << hub2.log();
    EXPECT_EQ(str(run["dispatchedBy"]), hub_id(2)) << json::serialize(run);
    // The other hub sees the same run, and the user's notification is there on both.
    EXPECT_EQ(str(hub2.json_call("GET", "/api/runs/" + session)["state"]), "succeeded");
    EXPECT_TRUE(notified(hub1, session));
  }
}

// A browser connected to hub 1 follows a run that lives entirely on hub 2 (started there,
// dispatched there, answered there): its changes, log lines and the user's notification
// reach it through the cluster's messages.
TEST_F(MultiHub, UiOnOneHubSeesTheRunsOfAnother) {
  HubProcess& hub1 = add_hub();
  HubProcess& hub2 = add_hub();
  const std::string project = hub1.create_project("Pushed across hubs");
  ASSERT_GT(hub1.import_ndjson(project, sample_ndjson()), 0);
  auto plugin = hub1.create_plugin("formats on hub 2, watched from hub 1");
  auto instance = xport_plugin(hub2, "plugin-on-hub2", plugin);
  ASSERT_TRUE(wait_instances(hub2, plugin.first, 1)) << instance->err();
  BackgroundProcess ui(
      "ui-on-hub1",
      {"/usr/bin/python3", std::string(XPORT_SOURCE_DIR) + "/tests/peers/ui_client.py", hub1.base(),
       hub1.admin_key()},
      dir_.path());
  ui.wait_for_output("UI CONNECTED");

  const std::string session = start_run(hub2, project, plugin.first);
  auto expect_line = [&ui](const std::string& pattern) {
    try {
      return ui.wait_for_output(pattern, 30s);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what() << "\nthe UI client on hub 1 printed:\n" << ui.out();
      return std::string();
    }
  };
  EXPECT_NE(expect_line("RUN " + session + " \\S+ log:(.+) "), "");
  EXPECT_EQ(expect_line("RUN " + session + " succeeded - (url)"), "url");
  EXPECT_EQ(expect_line("NOTIFICATION (\\S+) " + session), "run_succeeded");
  EXPECT_EQ(str(wait_finished(hub1, session, 10s)["dispatchedBy"]), hub_id(2));
}

TEST_F(MultiHub, CancelOnOneHubEndsTheRunDispatchedByTheOther) {
  HubProcess& hub1 = add_hub();
  HubProcess& hub2 = add_hub();
  const std::string project = hub1.create_project("Cancel across hubs");
  auto plugin = hub1.create_plugin("hangs on hub 2");
  HangingRun hanging;
  ASSERT_NO_FATAL_FAILURE(start_hanging_run(hub1, hub2, project, plugin, hanging));
  const std::string& session = hanging.session;
  auto cancel = hub1.call("POST", "/api/runs/" + session + "/cancel");
  EXPECT_EQ(cancel.status, 200) << cancel.body;
  json::object run = wait_finished(hub2, session, 10s);
  EXPECT_EQ(str(run["state"]), "cancelled") << json::serialize(run);
}

TEST_F(MultiHub, RunsOfAKilledHubFailOnceItsLeaseExpires) {
  HubProcess& hub1 = add_hub();
  HubProcess& hub2 = add_hub();
  const std::string project = hub1.create_project("Lost hub");
  auto plugin = hub1.create_plugin("hangs on the hub that dies");
  HangingRun hanging;
  ASSERT_NO_FATAL_FAILURE(start_hanging_run(hub1, hub2, project, plugin, hanging));
  const std::string& session = hanging.session;
  const std::string lost = hub_id(2);
  hub2.kill();
  // Lease 10 s, then the leader's next sweep (each second).
  json::object run = wait_finished(hub1, session, 40s);
  EXPECT_EQ(str(run["state"]), "failed") << json::serialize(run);
  EXPECT_NE(str(run["message"])
                .find("hub " + lost +
                      ", which had sent this run to its plugin, "
                      "stopped before the plugin answered"),
            std::string::npos)
      << str(run["message"]);
  EXPECT_NE(str(run["message"]).find("start it again"), std::string::npos) << str(run["message"]);
}

TEST_F(MultiHub, RunsOfAKilledHubGoToAnotherInstanceWithRedispatchOnHubLoss) {
  HubProcess& hub1 = add_hub();
  HubProcess& hub2 = add_hub();
  const std::string project = hub1.create_project("Redispatch");
  ASSERT_GT(hub1.import_ndjson(project, sample_ndjson()), 0);
  auto plugin = hub1.create_plugin("redispatched");
  hub1.json_call("PATCH", "/api/plugins/" + plugin.first, R"({"redispatchOnHubLoss":true})");
  HangingRun hanging;
  ASSERT_NO_FATAL_FAILURE(start_hanging_run(hub1, hub2, project, plugin, hanging));
  const std::string& session = hanging.session;
  // A second instance, on the hub that stays, that answers.
  auto survivor = xport_plugin(hub1, "plugin-on-hub1", plugin);
  ASSERT_TRUE(wait_instances(hub1, plugin.first, 2)) << survivor->err();
  hub2.kill();
  json::object run = wait_finished(hub1, session, 40s);
  EXPECT_EQ(str(run["state"]), "succeeded") << json::serialize(run) << hub1.log();
  EXPECT_EQ(str(run["dispatchedBy"]), hub_id(1)) << json::serialize(run);
  auto logs = hub1.json_call("GET", "/api/runs/" + session + "/logs");
  EXPECT_NE(json::serialize(logs).find("queued again"), std::string::npos) << json::serialize(logs);
}

TEST_F(MultiHub, HubWithOtherKeysRefusesToJoin) {
  HubProcess& hub1 = add_hub();
  (void)hub1;
  const fs::path dir = dir_.path() / "stranger";
  fs::create_directories(dir);
  BackgroundProcess stranger("stranger",
                             {XPORT_BINARY, "hub", "--data-dir", (dir / "data").string(),
                              "--listen", "127.0.0.1:0", "--database", database_},
                             dir);
  auto code = stranger.wait_exit(20s);
  ASSERT_TRUE(code.has_value()) << "a hub with other keys started: " << stranger.err();
  EXPECT_NE(*code, 0);
  EXPECT_NE(stranger.err().find("secret-box.key"), std::string::npos) << stranger.err();
  EXPECT_NE(stranger.err().find("url-signing.key"), std::string::npos) << stranger.err();
}

// PostgreSQL restarted under two hubs (issue 14, item 3): while it is down the API answers
// with an error naming the database, never hangs, and no hub dies; once it is back, without
// restarting anything, a run started on hub 1 reaches the instance on hub 2 again (the
// LISTEN connection and the pools reconnect) and succeeds, with its notification.
TEST_F(MultiHub, PostgresRestartedUnderTwoHubsThenRunsCrossHubsAgain) {
  private_pg_ = std::make_unique<PrivatePostgres>();
  PrivatePostgres& pg = *private_pg_;
  database_ = pg.url();
  HubProcess& hub1 = add_hub();
  HubProcess& hub2 = add_hub();
  const std::string project = hub1.create_project("Through a database restart");
  ASSERT_GT(hub1.import_ndjson(project, sample_ndjson()), 0);
  auto plugin = hub1.create_plugin("formats on hub 2");
  auto instance = xport_plugin(hub2, "plugin-on-hub2", plugin);
  ASSERT_TRUE(wait_instances(hub1, plugin.first, 1)) << instance->err();
  const std::string before = start_run(hub1, project, plugin.first);
  EXPECT_EQ(str(wait_finished(hub1, before, 30s)["state"]), "succeeded");

  std::thread restart([&pg] { pg.restart(3s); });
  std::this_thread::sleep_for(1s);  // the server is down now
  net::HttpResponse down = hub1.call("GET", "/api/runs/" + before);
  EXPECT_GE(down.status, 500) << down.body;
  EXPECT_NE(down.body.find("database"), std::string::npos) << down.body;
  restart.join();

  // Back: the first calls may still meet a connection the restart cut; within 20 s both
  // hubs answer, and a run crosses from hub 1 to hub 2's instance again.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  bool served = false;
  while (!served && std::chrono::steady_clock::now() < deadline) {
    served = hub1.call("GET", "/api/runs/" + before).status == 200 &&
             hub2.call("GET", "/api/runs/" + before).status == 200;
    if (!served) std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(served) << hub1.log() << hub2.log();
  ASSERT_TRUE(wait_instances(hub1, plugin.first, 1)) << instance->err() << hub2.log();
  const std::string after = start_run(hub1, project, plugin.first);
  json::object run = wait_finished(hub1, after, 30s);
  EXPECT_EQ(str(run["state"]), "succeeded") << json::serialize(run) << hub1.log() << hub2.log();
  EXPECT_EQ(str(run["dispatchedBy"]), hub_id(2));
  EXPECT_TRUE(notified(hub1, after));
}

}  // namespace
}  // namespace xport::test
