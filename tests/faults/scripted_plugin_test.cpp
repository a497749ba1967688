// A plugin driven event by event (tests/peers/scripted_plugin.py, python-socketio) against
// a real hub. Mostly the hub's store refusing writes for a moment, as a full disk or a
// restarting database does, while the plugin answers or logs: every answer and log line is
// either stored or refused with the cause, never acknowledged and dropped, and no run stays
// dispatched. Also what a misbehaving plugin may not do: answer a run with another run's
// upload, log at levels that do not exist.
//
// The fault is real: a trigger on the hub's own database (SQLite by default; the pg.* copy
// runs the same on PostgreSQL) makes the statement fail with the database's own error
// (RAISE(ABORT) in SQLite, SQLSTATE 53100 disk_full in PostgreSQL) until the test drops it.
// The plugin emits each event when told and prints the hub's ack.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <map>
#include <string>
#include <thread>

#include "support/background_process.hpp"
#include "support/hub_process.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace xport::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr const char* kFaultMessage = "fault injected by the test";

std::string str(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

// Runs SQL on a hub's database: psql for PostgreSQL, Python's sqlite3 for the hub's SQLite
// file (WAL: beside the hub).
void hub_sql(const std::filesystem::path& data_dir, const std::string& text) {
  const bool pg = !hub_database(data_dir).empty();
  const RunResult r =
      pg ? run("psql -v ON_ERROR_STOP=1 -q " + quote(hub_database(data_dir)) + " -c " + quote(text))
         : run("/usr/bin/python3 -c " +
               quote("import sqlite3, sys\n"
                     "c = sqlite3.connect(sys.argv[1], timeout=10)\n"
                     "c.executescript(sys.argv[2])\n") +
               " " + quote((data_dir / "hub.db").string()) + " " + quote(text));
  ASSERT_EQ(r.exit_code, 0) << text << "\n" << r.err;
}

// Makes `op` ("UPDATE" or "INSERT") on `table` of a hub's database fail until heal().
class StoreFault {
 public:
  explicit StoreFault(std::filesystem::path data_dir) : data_dir_(std::move(data_dir)) {}
  ~StoreFault() { heal(); }

  void inject(const std::string& op, const std::string& table) {
    table_ = table;
    if (pg()) {
      sql("CREATE OR REPLACE FUNCTION xport_fault() RETURNS trigger LANGUAGE plpgsql AS $$ "
          "BEGIN RAISE EXCEPTION 'could not extend file: No space left on device (" +
          std::string(kFaultMessage) + ")' USING ERRCODE = 'disk_full'; END $$; " +
          "CREATE TRIGGER xport_fault BEFORE " + op + " ON " + table +
          " FOR EACH ROW EXECUTE FUNCTION xport_fault();");
    } else {
      sql("CREATE TRIGGER xport_fault BEFORE " + op + " ON " + table +
          " BEGIN SELECT RAISE(ABORT, 'database or disk is full (" + kFaultMessage + ")'); END;");
    }
  }
  void heal() {
    if (table_.empty()) return;
    sql(pg() ? "DROP TRIGGER xport_fault ON " + table_ : "DROP TRIGGER xport_fault");
    table_.clear();
  }

 private:
  bool pg() const { return !hub_database(data_dir_).empty(); }
  void sql(const std::string& text) { hub_sql(data_dir_, text); }

  std::filesystem::path data_dir_;
  std::string table_;
};

class ScriptedPlugin : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>(dir_.path());
    project_ = hub_->create_project("faults");
    std::tie(plugin_, secret_) = hub_->create_plugin("scripted");
    plugin_process_ = std::make_unique<BackgroundProcess>(
        "scripted_plugin",
        std::vector<std::string>{"/usr/bin/python3",
                                 XPORT_SOURCE_DIR "/tests/peers/scripted_plugin.py", "--host",
                                 hub_->base(), "--id", plugin_, "--secret", secret_},
        dir_.path());
    EXPECT_EQ(plugin_process_->wait_for_output("CONNECTED (.*)"), "[\"ok\"]");
    ASSERT_TRUE(hub_->wait_online(plugin_, 10s));
  }

  // Starts a run and waits until the plugin has it; returns its session.
  std::string start_run() {
    auto started = hub_->json_call(
        "POST", "/api/runs",
        json::serialize(json::object{{"project", project_}, {"plugin", plugin_}, {"config", "{}"}}),
        201);
    const std::string session = str(started, "session");
    tokens_[session] = plugin_process_->wait_for_output("RUN " + session + " (\\S+)");
    return session;
  }
  // Tells the plugin to emit and returns the hub's ack as the plugin printed it (its acks
  // are numbered: the plugin runs one command at a time).
  std::string emit(const std::string& command, const std::string& session,
                   const std::string& text) {
    plugin_process_->send_line(command + " " + session + " " + text);
    return plugin_process_->wait_for_output("ACK " + std::to_string(++acks_) + " \\S+ (.*)", 20s);
  }
  json::object run(const std::string& session) {
    return hub_->json_call("GET", "/api/runs/" + session);
  }
  // Waits (bounded) until the run left queued/dispatched; returns it.
  json::object wait_ended(const std::string& session, std::chrono::seconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    json::object r;
    while (std::chrono::steady_clock::now() < deadline) {
      r = run(session);
      const std::string state = str(r, "state");
      if (state != "queued" && state != "dispatched") return r;
      std::this_thread::sleep_for(100ms);
    }
    return r;
  }

  TempDir dir_;
  std::unique_ptr<HubProcess> hub_;
  std::string project_, plugin_, secret_;
  std::unique_ptr<BackgroundProcess> plugin_process_;
  std::map<std::string, std::string> tokens_;  // the run token the plugin got, by session
  int acks_ = 0;
};

TEST_F(ScriptedPlugin, AnAnswerTheStoreRefusesIsRecordedOnceTheStoreRecovers) {
  const std::string session = start_run();
  StoreFault fault(dir_.path() / "data");
  fault.inject("UPDATE", "runs");
  const std::string ack = emit("error", session, "the-callback-raised");
  EXPECT_NE(ack.find("could not record this answer yet"), std::string::npos) << ack;
  EXPECT_NE(ack.find(kFaultMessage), std::string::npos) << ack;
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(str(run(session), "state"), "dispatched");
  fault.heal();

  json::object ended = wait_ended(session, 10s);
  EXPECT_EQ(str(ended, "state"), "failed") << json::serialize(ended);
  EXPECT_EQ(str(ended, "message"), "the-callback-raised");
  EXPECT_NE(hub_->log().find("the plugin's answer is recorded now"), std::string::npos);
  // Sent again, the answer is refused: the run has its end.
  const std::string again = emit("error", session, "sent-again");
  EXPECT_NE(again.find("is already failed"), std::string::npos) << again;
  EXPECT_EQ(str(run(session), "message"), "the-callback-raised");
}

TEST_F(ScriptedPlugin, AnAnswerTheStoreNeverTakesEndsTheRunAtItsTimeoutWithTheCause) {
  hub_->json_call("PATCH", "/api/plugins/" + plugin_,
                  json::serialize(json::object{{"timeoutSeconds", 2}}));
  const std::string session = start_run();
  StoreFault fault(dir_.path() / "data");
  fault.inject("UPDATE", "runs");
  const std::string ack = emit("error", session, "the-callback-raised");
  EXPECT_NE(ack.find("could not record this answer yet"), std::string::npos) << ack;
  // Past the 2 s timeout the store still refuses: the timeout's end waits for it too.
  std::this_thread::sleep_for(3500ms);
  EXPECT_EQ(str(run(session), "state"), "dispatched");
  fault.heal();

  json::object ended = wait_ended(session, 10s);
  EXPECT_EQ(str(ended, "state"), "failed") << json::serialize(ended);
  const std::string message = str(ended, "message");
  EXPECT_NE(message.find("the plugin answered, but the hub could not record the answer before "
                         "the run's timeout"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find(kFaultMessage), std::string::npos) << message;
}

TEST_F(ScriptedPlugin, ALogLineTheStoreRefusesIsRefusedWithTheCause) {
  const std::string session = start_run();
  StoreFault fault(dir_.path() / "data");
  fault.inject("INSERT", "run_logs");
  const std::string refused = emit("log", session, "line-while-full");
  EXPECT_NE(refused.find("the hub could not store this log line"), std::string::npos) << refused;
  EXPECT_NE(refused.find(kFaultMessage), std::string::npos) << refused;
  EXPECT_NE(hub_->log().find("a plugin's log line could not be stored"), std::string::npos);
  fault.heal();

  EXPECT_EQ(emit("log", session, "line-after"), "\"ok\"");
  const std::string logs =
      json::serialize(hub_->json_call("GET", "/api/runs/" + session + "/logs"));
  EXPECT_NE(logs.find("line-after"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("line-while-full"), std::string::npos) << logs;
}

// Not faults of the store, but the same plugin and runs: an upload link issued to one run
// (asked for with its token) does not answer another, and log levels are Python logging's.
TEST_F(ScriptedPlugin, AnUploadLinkOfOneRunDoesNotAnswerAnother) {
  const std::string first = start_run();
  const std::string second = start_run();
  net::Request r;
  r.url = hub_->base() + "/v2/getUploadUrl?project=" + project_ + "&name=result.zip&type=export";
  r.headers = {{"apikey", tokens_[first]}};
  const net::HttpResponse got = net::HttpClient().request(r);
  ASSERT_EQ(got.status, 200) << got.body;
  const std::string url = str(json::parse(got.body).as_object()["data"].as_object(), "uploadUrl");
  EXPECT_NE(url.find("/" + first + "/"), std::string::npos) << url;
  net::Request put;
  put.method = "PUT";
  put.url = url;
  put.body = "PK";
  ASSERT_EQ(net::HttpClient().request(put).status, 200);

  emit("answer", second, url);
  json::object refused = wait_ended(second, 10s);
  EXPECT_EQ(str(refused, "state"), "failed");
  EXPECT_EQ(str(refused, "message"),
            "the plugin's result is an upload link issued to another run (" + first + ")");
  emit("answer", first, url);
  EXPECT_EQ(str(wait_ended(first, 10s), "state"), "succeeded");
}

TEST_F(ScriptedPlugin, ALogLineOfAnUnknownLevelIsRefusedAndKnownOnesAreNormalised) {
  const std::string session = start_run();
  plugin_process_->send_line("log-level NOTICE " + session + " odd-level");
  EXPECT_EQ(plugin_process_->wait_for_output("ACK 1 log (.*)"),
            "\"log level \\\"NOTICE\\\" is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL\"");
  plugin_process_->send_line("log-level warn " + session + " lower-warn");
  EXPECT_EQ(plugin_process_->wait_for_output("ACK 2 log (.*)"), "\"ok\"");
  const auto logs = hub_->json_call("GET", "/api/runs/" + session + "/logs")["logs"].as_array();
  bool seen = false;
  for (const auto& l : logs) {
    EXPECT_NE(l.as_object().at("msg"), "odd-level");
    if (l.as_object().at("msg") == "lower-warn") {
      seen = true;
      EXPECT_EQ(l.as_object().at("level"), "WARNING");
    }
  }
  EXPECT_TRUE(seen) << json::serialize(logs);
}

// A finished run's log stays open for a minute (its last lines may cross the answer), then
// closes: a plugin cannot keep writing into the history of runs long done.
TEST_F(ScriptedPlugin, AFinishedRunsLogClosesAMinuteAfterItsEnd) {
  const std::string session = start_run();
  hub_->json_call("POST", "/api/runs/" + session + "/cancel", "", 200);
  EXPECT_EQ(emit("log", session, "just-after-the-end"), "\"ok\"");
  // The run as if it had ended two minutes ago.
  hub_sql(dir_.path() / "data",
          "UPDATE runs SET finished_at = finished_at - 120000 WHERE session = '" + session + "'");
  const std::string refused = emit("log", session, "long-after-the-end");
  EXPECT_NE(refused.find("run " + session + " ended 12"), std::string::npos) << refused;
  EXPECT_NE(refused.find(" s ago: its log is closed"), std::string::npos) << refused;
  const auto logs = hub_->json_call("GET", "/api/runs/" + session + "/logs")["logs"].as_array();
  bool late = false, long_after = false;
  for (const auto& l : logs) {
    late |= l.as_object().at("msg") == "just-after-the-end";
    long_after |= l.as_object().at("msg") == "long-after-the-end";
  }
  EXPECT_TRUE(late) << json::serialize(logs);
  EXPECT_FALSE(long_after) << json::serialize(logs);
}

}  // namespace
}  // namespace xport::test
