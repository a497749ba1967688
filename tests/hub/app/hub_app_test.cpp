// `xport hub` end to end on 127.0.0.1: one hub process (free port, short offline wait) for
// the suite; a project with the demo export imported over the REST API; runs completed by
// `xport plugin` and by a plugin shaped like the platform's Python SDK; the failure paths
// (wrong secret, offline plugin, bad Config JSON, a plugin answering an error, tampered and
// expired download links); notifications.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "background_process.hpp"
#include "free_port.hpp"
#include "hub/app/links.hpp"
#include "hub/signed_url.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "test_database.hpp"
#include "zip_entries.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

fs::path g_dir;
std::unique_ptr<BackgroundProcess> g_hub;
std::string g_base;     // http://127.0.0.1:PORT
std::string g_key;      // the admin's API key
std::string g_project;  // the demo project

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

net::HttpClient client() {
  net::ClientOptions o;
  o.connect_timeout = 5s;
  o.idle_timeout = 30s;
  o.max_redirects = 0;
  return net::HttpClient(o);
}

net::HttpResponse call(const std::string& method, const std::string& path, std::string body = {},
                       std::string key = g_key) {
  net::Request r;
  r.method = method;
  r.url = path.rfind("http", 0) == 0 ? path : g_base + path;
  if (!key.empty()) r.headers.emplace_back("apikey", key);
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  r.body = std::move(body);
  return client().request(r);
}

json::object ok_json(const net::HttpResponse& res, int status = 200) {
  EXPECT_EQ(res.status, status) << res.body;
  json::value v = json::parse(res.body);
  return v.is_object() ? v.get_object() : json::object{};
}

std::string str(const json::value& v) {
  return std::string(v.as_string());
}

json::object create_plugin(const std::string& name, const std::string& default_config = "{}") {
  return ok_json(
      call("POST", "/api/plugins",
           json::serialize(json::object{
               {"name", name}, {"description", "test plugin"}, {"defaultConfig", default_config}})),
      201);
}

bool wait_online(const std::string& plugin_id, std::int64_t n = 1,
                 std::chrono::milliseconds timeout = 60s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto p = ok_json(call("GET", "/api/plugins/" + plugin_id));
    if (p["onlineInstances"].as_int64() >= n) return true;
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

json::object start_run(const std::string& plugin_id, const std::string& config) {
  return ok_json(call("POST", "/api/runs",
                      json::serialize(json::object{
                          {"project", g_project}, {"plugin", plugin_id}, {"config", config}})),
                 201);
}

json::object wait_finished(const std::string& session, std::chrono::milliseconds timeout = 60s) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  json::object run;
  while (std::chrono::steady_clock::now() < deadline) {
    run = ok_json(call("GET", "/api/runs/" + session));
    std::string state = str(run["state"]);
    if (state != "queued" && state != "dispatched") return run;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "run " << session << " did not finish: " << json::serialize(run);
  return run;
}

std::map<std::string, std::string> download(const std::string& url, const std::string& name) {
  fs::path file = g_dir / name;
  client().download(url, {}, file);
  return zip_entries(file);
}

std::vector<std::string> log_lines(const std::string& session) {
  auto logs = ok_json(call("GET", "/api/runs/" + session + "/logs"));
  std::vector<std::string> out;
  for (auto& l : logs["logs"].as_array())
    out.push_back(str(l.as_object().at("level")) + " " + str(l.as_object().at("msg")));
  return out;
}

bool has_line(const std::vector<std::string>& lines, const std::string& part) {
  for (auto& l : lines)
    if (l.find(part) != std::string::npos) return true;
  return false;
}

std::vector<std::string> python_plugin(const std::string& base, const json::object& p,
                                       const std::string& mode) {
  std::vector<std::string> argv{"/usr/bin/python3",
                                std::string(XPORT_SOURCE_DIR) + "/tests/peers/python_sdk_plugin.py",
                                "--host",
                                base,
                                "--id",
                                str(p.at("id")),
                                "--secret",
                                str(p.at("secret"))};
  if (!mode.empty()) argv.push_back(mode);
  return argv;
}

class HubApp : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_dir = fs::temp_directory_path() / ("xport-hub-app-" + std::to_string(::getpid()));
    fs::remove_all(g_dir);
    fs::create_directories(g_dir);
    g_hub = std::make_unique<BackgroundProcess>(
        "hub",
        test::hub_argv({XPORT_BINARY, "hub", "--data-dir", (g_dir / "data").string(), "--listen",
                        "127.0.0.1:0", "--offline-wait", "1.5", "--run-timeout", "60",
                        "--log-level", "debug"}),
        g_dir);
    g_key = g_hub->wait_for_output("admin API key: (\\S+)");
    g_base = g_hub->wait_for_output("xport hub listening on (http://\\S+)");
    ASSERT_EQ(slurp(g_dir / "data/admin-api-key").find(g_key) != std::string::npos, true);

    auto project = ok_json(
        call("POST", "/api/projects", json::serialize(json::object{{"name", "Demo"}})), 201);
    g_project = str(project["id"]);
    net::Request r;
    r.method = "POST";
    r.url = g_base + "/api/projects/" + g_project + "/import";
    r.headers = {{"apikey", g_key}, {"Content-Type", "application/x-ndjson"}};
    r.body = slurp(fs::path(XPORT_SOURCE_DIR) / "examples/data/demo-export.ndjson");
    auto imported = ok_json(client().request(r));
    ASSERT_GT(imported["imported"].as_int64(), 0);
  }
  static void TearDownTestSuite() {
    if (g_hub) {
      g_hub->signal(SIGTERM);
      auto code = g_hub->wait_exit(15s);
      EXPECT_TRUE(code.has_value());
      if (code) {
        EXPECT_EQ(*code, 0) << g_hub->err();
      }
      g_hub.reset();
    }
    fs::remove_all(g_dir);
  }

  std::unique_ptr<BackgroundProcess> xport_plugin(const std::string& name, const json::object& p,
                                                  std::string secret = {}) {
    if (secret.empty()) secret = str(p.at("secret"));
    return std::make_unique<BackgroundProcess>(
        name,
        std::vector<std::string>{XPORT_BINARY, "plugin", "--host", g_base, "--id", str(p.at("id")),
                                 "--secret", secret, "--concurrency", "2"},
        g_dir);
  }
};

TEST_F(HubApp, ProjectsAndImport) {
  auto list = ok_json(call("GET", "/api/projects"));
  ASSERT_EQ(list["projects"].as_array().size(), 1u);
  auto p = ok_json(call("GET", "/api/projects/" + g_project));
  EXPECT_EQ(str(p["name"]), "Demo");
  EXPECT_GT(p["assets"].as_int64(), 0);

  // A bad line: nothing imported, the problem reported with its line.
  auto other = ok_json(call("POST", "/api/projects", R"({"name":"Other"})"), 201);
  const std::string body =
      "{\"externalId\":\"a\",\"asset\":\"u\",\"task\":{\"tools\":[]}}\n"
      "{\"externalId\": \"b\", oops}\n";
  auto res = call("POST", "/api/projects/" + str(other["id"]) + "/import", body);
  ASSERT_EQ(res.status, 400) << res.body;
  auto report = json::parse(res.body).as_object();
  ASSERT_FALSE(report["errors"].as_array().empty());
  EXPECT_EQ(report["errors"].as_array()[0].as_object()["line"].as_int64(), 2);
  EXPECT_EQ(ok_json(call("GET", "/api/projects/" + str(other["id"])))["assets"].as_int64(), 0);

  EXPECT_EQ(call("GET", "/api/projects/nope").status, 404);
  EXPECT_EQ(call("GET", "/api/projects", "", "wrong-key").status, 401);
  EXPECT_EQ(call("GET", "/api/projects", "", "").status, 401);
}

TEST_F(HubApp, XportPluginCompletesSampleAndCocoRuns) {
  auto p = create_plugin("formats", R"({"separator-character": ";"})");
  auto plugin = xport_plugin("xport-plugin", p);
  ASSERT_TRUE(wait_online(str(p["id"]))) << plugin->err();

  auto run = start_run(str(p["id"]), "{}");
  auto done = wait_finished(str(run["session"]));
  ASSERT_EQ(str(done["state"]), "succeeded") << json::serialize(done) << plugin->err();
  auto entries = download(str(done["downloadUrl"]), "sample.zip");
  ASSERT_FALSE(entries.empty());
  bool found = false;
  for (auto& [name, data] : entries)
    if (data.find("street_0001.jpg") != std::string::npos) found = true;
  EXPECT_TRUE(found);
  EXPECT_FALSE(log_lines(str(run["session"])).empty());

  // The same through /api/runs/{session}/download.
  auto link = ok_json(call("GET", "/api/runs/" + str(run["session"]) + "/download"));
  EXPECT_FALSE(download(str(link["url"]), "sample-again.zip").empty());

  auto coco = start_run(str(p["id"]), R"({"format":"coco"})");
  auto coco_done = wait_finished(str(coco["session"]));
  ASSERT_EQ(str(coco_done["state"]), "succeeded") << json::serialize(coco_done) << plugin->err();
  auto coco_entries = download(str(coco_done["downloadUrl"]), "coco.zip");
  bool has_images = false;
  for (auto& [name, data] : coco_entries)
    if (data.find("\"images\"") != std::string::npos &&
        data.find("\"annotations\"") != std::string::npos)
      has_images = true;
  EXPECT_TRUE(has_images) << "entries: " << coco_entries.size();

  // A notification per finished run, with a working link.
  auto notes = ok_json(call("GET", "/api/notifications?unread=true"));
  bool ready = false;
  std::int64_t id = 0;
  for (auto& n : notes["notifications"].as_array()) {
    auto& o = n.as_object();
    if (str(o.at("session")) == str(coco["session"]) && str(o.at("kind")) == "run_succeeded") {
      ready = true;
      id = o.at("id").as_int64();
      EXPECT_FALSE(download(str(o.at("url")), "from-notification.zip").empty());
    }
  }
  ASSERT_TRUE(ready) << json::serialize(notes);
  ok_json(call("POST", "/api/notifications/" + std::to_string(id) + "/read"));
  auto unread = ok_json(call("GET", "/api/notifications?unread=true"));
  for (auto& n : unread["notifications"].as_array())
    EXPECT_NE(n.as_object().at("id").as_int64(), id);
  EXPECT_EQ(call("POST", "/api/notifications/999999/read").status, 404);

  auto runs = ok_json(call("GET", "/api/runs?project=" + g_project));
  EXPECT_GE(runs["runs"].as_array().size(), 2u);
}

// An import writes the project's default export in the background: the first run after it
// reuses that snapshot (waiting for it if it is still being written) instead of writing its
// own, and says so in its log.
TEST_F(HubApp, TheFirstRunAfterAnImportReusesTheExportWrittenMeanwhile) {
  auto project =
      ok_json(call("POST", "/api/projects", json::serialize(json::object{{"name", "Warm"}})), 201);
  net::Request r;
  r.method = "POST";
  r.url = g_base + "/api/projects/" + str(project["id"]) + "/import";
  r.headers = {{"apikey", g_key}, {"Content-Type", "application/x-ndjson"}};
  r.body = slurp(fs::path(XPORT_SOURCE_DIR) / "examples/data/demo-export.ndjson");
  ASSERT_GT(ok_json(client().request(r))["imported"].as_int64(), 0);
  auto p = create_plugin("warm");
  auto plugin = xport_plugin("xport-plugin-warm", p);
  ASSERT_TRUE(wait_online(str(p["id"]))) << plugin->err();
  auto run = ok_json(call("POST", "/api/runs",
                          json::serialize(json::object{
                              {"project", project["id"]}, {"plugin", p["id"]}, {"config", "{}"}})),
                     201);
  auto done = wait_finished(str(run["session"]));
  ASSERT_EQ(str(done["state"]), "succeeded") << json::serialize(done) << plugin->err();
  const auto lines = log_lines(str(run["session"]));
  EXPECT_TRUE(has_line(lines, "INFO hub: task export of Warm reused: revision "))
      << ::testing::PrintToString(lines);
  EXPECT_FALSE(has_line(lines, "export of Warm generated")) << ::testing::PrintToString(lines);
}

// What a person follows on the run's page: the plugin's progress (assets and bytes of the
// export read, with the hub's clock) and, once it succeeded, the conversion's report.
TEST_F(HubApp, XportPluginReportsProgressAndTheConversionReport) {
  auto p = create_plugin("progress");
  auto plugin = xport_plugin("xport-plugin-progress", p);
  ASSERT_TRUE(wait_online(str(p["id"]))) << plugin->err();
  const std::int64_t assets =
      ok_json(call("GET", "/api/projects/" + g_project))["assets"].as_int64();

  auto run = start_run(str(p["id"]), R"({"format":"coco"})");
  auto done = wait_finished(str(run["session"]));
  ASSERT_EQ(str(done["state"]), "succeeded") << json::serialize(done) << plugin->err();

  ASSERT_TRUE(done["progress"].is_object()) << json::serialize(done);
  auto& progress = done["progress"].as_object();
  EXPECT_EQ(progress["assetsDone"].as_int64(), assets);
  // `xport plugin` skips counting numTasks (an extra pass): the bar follows the bytes.
  EXPECT_TRUE(progress["assetsTotal"].is_null());
  EXPECT_GT(progress["bytesDone"].as_int64(), 0);
  EXPECT_EQ(progress["bytesDone"], progress["bytesTotal"]);
  EXPECT_DOUBLE_EQ(progress["fraction"].to_number<double>(), 1.0);
  EXPECT_GE(progress["at"].as_int64(), done["dispatchedAt"].as_int64());

  ASSERT_TRUE(done["report"].is_object()) << json::serialize(done);
  auto& report = done["report"].as_object();
  EXPECT_EQ(str(report["format"]), "coco");
  EXPECT_EQ(report["input"].as_object()["assets"].to_number<std::int64_t>(), assets);
  EXPECT_GT(report["output"].as_object()["objects"].to_number<std::int64_t>(), 0);
  EXPECT_TRUE(report["output"].as_object()["notes"].is_array());

  // Listings leave the report out (it can be kilobytes); the run alone has it.
  auto listing = ok_json(call("GET", "/api/runs?project=" + g_project));
  for (auto& r : listing["runs"].as_array())
    if (r.as_object().at("session") == run["session"]) {
      EXPECT_TRUE(r.as_object().at("report").is_null());
      EXPECT_TRUE(r.as_object().at("progress").is_object());
    }
}

// GET /metrics for the people who run the hub: Prometheus' text format, a server admin's
// (Bearer or apikey), with what a run does counted: its end by state, its export, the
// result's upload and download, the plugin instance and the sockets.
TEST_F(HubApp, MetricsCountWhatRunsDidInPrometheusTextFormat) {
  auto p = create_plugin("metrics");
  auto plugin = xport_plugin("metrics-plugin", p);
  ASSERT_TRUE(wait_online(str(p["id"]))) << plugin->err();
  auto done = wait_finished(str(start_run(str(p["id"]), "{}")["session"]));
  ASSERT_EQ(str(done["state"]), "succeeded") << json::serialize(done) << plugin->err();
  ASSERT_FALSE(download(str(done["downloadUrl"]), "metrics.zip").empty());

  EXPECT_EQ(call("GET", "/metrics", {}, "").status, 401);
  EXPECT_EQ(call("GET", "/metrics", {}, "not-a-key").status, 401);
  // Run counts span every organisation: an org member (here even an org admin) is no server
  // admin.
  auto member = ok_json(
      call("POST", "/api/users", R"({"name":"Mia","email":"mia@metrics.test","role":"admin"})"),
      201);
  EXPECT_EQ(call("GET", "/metrics", {}, str(member["apiKey"])).status, 403);
  net::Request r;
  r.method = "GET";
  r.url = g_base + "/metrics";
  r.headers.emplace_back("Authorization", "Bearer " + g_key);
  const net::HttpResponse page = client().request(r);
  ASSERT_EQ(page.status, 200) << page.body;
  EXPECT_NE(page.header("content-type").find("text/plain; version=0.0.4"), std::string::npos);
  auto value = [&](const std::string& series) -> double {
    const auto at = page.body.find("\n" + series + " ");
    if (at == std::string::npos) return -1;
    return std::stod(page.body.substr(at + series.size() + 2));
  };
  EXPECT_GE(value(R"(xport_runs{state="succeeded"})"), 1) << page.body;
  EXPECT_EQ(value(R"(xport_runs{state="dispatched"})"), 0) << page.body;
  EXPECT_GE(value(R"(xport_run_duration_seconds_count{state="succeeded"})"), 1) << page.body;
  EXPECT_GE(value("xport_run_queued_seconds_count"), 1) << page.body;
  EXPECT_GE(value(R"(xport_exports_total{how="generated"})"), 1) << page.body;
  EXPECT_GT(value("xport_export_bytes_total"), 0) << page.body;
  EXPECT_GT(value(R"(xport_transfer_bytes_total{direction="upload"})"), 0) << page.body;
  EXPECT_GT(value(R"(xport_transfer_bytes_total{direction="download"})"), 0) << page.body;
  EXPECT_GE(value("xport_plugin_instances"), 1) << page.body;
  EXPECT_GE(value("xport_engineio_sessions"), 1) << page.body;
  EXPECT_GT(value("process_resident_memory_bytes"), 1e6) << page.body;
}

// The SDK's example (examples/sample-plugin), the seed's sample in C++, against the hub.
TEST_F(HubApp, SdkExamplePluginCompletesARun) {
  auto p = create_plugin("sdk-example");
  auto plugin = std::make_unique<BackgroundProcess>(
      "sample-plugin", std::vector<std::string>{XPORT_SAMPLE_PLUGIN}, g_dir,
      std::vector<std::pair<std::string, std::string>>{
          {"PLUGIN_ID", str(p["id"])}, {"PLUGIN_SECRET", str(p["secret"])}, {"HOST", g_base}});
  ASSERT_TRUE(wait_online(str(p["id"]))) << plugin->err();
  auto run = start_run(str(p["id"]), R"({"separator-character": " | "})");
  auto done = wait_finished(str(run["session"]));
  ASSERT_EQ(str(done["state"]), "succeeded") << json::serialize(done) << plugin->err();
  auto entries = download(str(done["downloadUrl"]), "sdk-example.zip");
  ASSERT_EQ(entries.size(), 1u);
  auto list = json::parse(entries.begin()->second).as_array();
  EXPECT_EQ(list.size(), 5u);
  EXPECT_FALSE(log_lines(str(run["session"])).empty());
  // Its `for (asset : data.jsonExport)` moved the bar, with no code of its own: 5 of the 5
  // tasks the SDK counted (numTasks), every byte of the export read.
  ASSERT_TRUE(done["progress"].is_object()) << json::serialize(done);
  auto& progress = done["progress"].as_object();
  EXPECT_EQ(progress["assetsDone"].as_int64(), 5);
  EXPECT_EQ(progress["assetsTotal"].as_int64(), 5);
  EXPECT_DOUBLE_EQ(progress["fraction"].to_number<double>(), 1.0);
  EXPECT_TRUE(done["report"].is_null());  // it answers no report
}

TEST_F(HubApp, PythonSdkShapedPluginCompletesARun) {
  auto p = create_plugin("python", R"({"separator-character": "|"})");
  BackgroundProcess plugin(
      "python-plugin",
      {"/usr/bin/python3", std::string(XPORT_SOURCE_DIR) + "/tests/peers/python_sdk_plugin.py",
       "--host", g_base, "--id", str(p["id"]), "--secret", str(p["secret"])},
      g_dir);
  plugin.wait_for_output("CONNECTED");
  ASSERT_TRUE(wait_online(str(p["id"]))) << plugin.err();

  auto run = start_run(str(p["id"]), R"({"separator-character": "|"})");
  auto done = wait_finished(str(run["session"]));
  ASSERT_EQ(str(done["state"]), "succeeded")
      << json::serialize(done) << plugin.err() << plugin.out();
  auto entries = download(str(done["downloadUrl"]), "python.zip");
  ASSERT_EQ(entries.size(), 1u);
  const std::string& data = entries.begin()->second;
  EXPECT_EQ(entries.begin()->first, g_project + ".json");
  EXPECT_NE(data.find("street_0001.jpg"), std::string::npos);
  EXPECT_NE(data.find("Car 412 388"), std::string::npos) << data.substr(0, 500);
  auto logs = log_lines(str(run["session"]));
  EXPECT_TRUE(has_line(logs, "INFO Plugin session is started!"));
  EXPECT_TRUE(has_line(logs, "INFO Plugin session is finished!"));
}

TEST_F(HubApp, PythonSdkShapedPluginErrorFailsTheRun) {
  auto p = create_plugin("python-failing");
  BackgroundProcess plugin("python-failing", python_plugin(g_base, p, "--fail"), g_dir);
  ASSERT_TRUE(wait_online(str(p["id"]))) << plugin.err();
  auto run = start_run(str(p["id"]), "{}");
  auto done = wait_finished(str(run["session"]));
  EXPECT_EQ(str(done["state"]), "failed");
  EXPECT_NE(str(done["message"]).find("the plugin reported an error"), std::string::npos);
}

TEST_F(HubApp, PluginErrorFailsTheRunWithItsMessageAndNotifies) {
  auto p = create_plugin("formats-error");
  auto plugin = xport_plugin("xport-plugin-error", p);
  ASSERT_TRUE(wait_online(str(p["id"]))) << plugin->err();
  auto run = start_run(str(p["id"]), R"({"format":"no-such-format"})");
  auto done = wait_finished(str(run["session"]));
  ASSERT_EQ(str(done["state"]), "failed");
  EXPECT_NE(str(done["message"]).find("no-such-format"), std::string::npos) << str(done["message"]);
  bool notified = false;
  auto all = ok_json(call("GET", "/api/notifications"));
  for (auto& n : all["notifications"].as_array()) {
    auto& o = n.as_object();
    if (str(o.at("session")) == str(run["session"])) {
      EXPECT_EQ(str(o.at("kind")), "run_failed");
      EXPECT_NE(str(o.at("text")).find("no-such-format"), std::string::npos);
      notified = true;
    }
  }
  EXPECT_TRUE(notified);
}

TEST_F(HubApp, InstanceDisconnectingMidRunFailsTheRun) {
  auto p = create_plugin("python-hanging");
  BackgroundProcess plugin("python-hanging", python_plugin(g_base, p, "--hang"), g_dir);
  ASSERT_TRUE(wait_online(str(p["id"]))) << plugin.err();
  auto run = start_run(str(p["id"]), "{}");
  plugin.wait_for_output("HANGING");
  plugin.signal(SIGKILL);
  auto done = wait_finished(str(run["session"]), 20s);
  EXPECT_EQ(str(done["state"]), "failed");
  EXPECT_NE(str(done["message"]).find("disconnected before answering"), std::string::npos)
      << str(done["message"]);
}

TEST_F(HubApp, RunTimeoutMarksTheRunTimedOut) {
  // A hub of its own with a 1 s run timeout.
  BackgroundProcess hub(
      "hub-timeout",
      test::hub_argv({XPORT_BINARY, "hub", "--data-dir", (g_dir / "data-timeout").string(),
                      "--listen", "127.0.0.1:0", "--run-timeout", "1"}),
      g_dir);
  const std::string key = hub.wait_for_output("admin API key: (\\S+)");
  const std::string base = hub.wait_for_output("xport hub listening on (http://\\S+)");
  auto project = ok_json(call("POST", base + "/api/projects", R"({"name":"T"})", key), 201);
  auto p = ok_json(call("POST", base + "/api/plugins", R"({"name":"slow"})", key), 201);
  BackgroundProcess plugin("python-slow", python_plugin(base, p, "--hang"), g_dir);
  plugin.wait_for_output("CONNECTED");
  auto deadline = std::chrono::steady_clock::now() + 20s;
  while (ok_json(call("GET", base + "/api/plugins/" + str(p["id"]), "", key))["onlineInstances"]
                 .as_int64() == 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  auto run = ok_json(call("POST", base + "/api/runs",
                          json::serialize(json::object{
                              {"project", project["id"]}, {"plugin", p["id"]}, {"config", "{}"}}),
                          key),
                     201);
  json::object done;
  deadline = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < deadline) {
    done = ok_json(call("GET", base + "/api/runs/" + str(run["session"]), "", key));
    if (str(done["state"]) != "queued" && str(done["state"]) != "dispatched") break;
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(str(done["state"]), "timed_out") << json::serialize(done);
  EXPECT_NE(str(done["message"]).find("the plugin did not answer within 1 s (plugin slow)"),
            std::string::npos)
      << str(done["message"]);
}

TEST_F(HubApp, RestConnectorPluginCompletesARun) {
  const std::uint16_t port = free_port();
  auto p = ok_json(
      call("POST", "/api/plugins",
           json::serialize(json::object{{"name", "rest-formats"},
                                        {"restUrl", "http://127.0.0.1:" + std::to_string(port)}})),
      201);
  EXPECT_EQ(str(p["connector"]), "rest");
  BackgroundProcess plugin(
      "xport-plugin-rest",
      {XPORT_BINARY, "plugin", "--host", g_base, "--id", str(p["id"]), "--secret", str(p["secret"]),
       "--connector", "rest", "--listen", "127.0.0.1", "--port", std::to_string(port)},
      g_dir);
  // Wait until it serves (its /heartbeat answers 401 without the secret).
  auto deadline = std::chrono::steady_clock::now() + 20s;
  for (;;) {
    try {
      call("GET", "http://127.0.0.1:" + std::to_string(port) + "/heartbeat", "", "");
      break;
    } catch (const std::exception&) {
      ASSERT_LT(std::chrono::steady_clock::now(), deadline) << plugin.err();
      std::this_thread::sleep_for(50ms);
    }
  }
  // The hub probes GET {restUrl}/heartbeat with the Secret: online while it answers.
  EXPECT_TRUE(wait_online(str(p["id"]), 1, 20s)) << plugin.err();
  auto run = start_run(str(p["id"]), R"({"format":"coco"})");
  auto done = wait_finished(str(run["session"]));
  ASSERT_EQ(str(done["state"]), "succeeded") << json::serialize(done) << plugin.err();
  EXPECT_FALSE(download(str(done["downloadUrl"]), "rest.zip").empty());
  EXPECT_FALSE(log_lines(str(run["session"])).empty());
  // Progress (POST /v2/pluginProgress, sent before the answer) and the report arrived too.
  ASSERT_TRUE(done["progress"].is_object()) << json::serialize(done);
  EXPECT_DOUBLE_EQ(done["progress"].as_object()["fraction"].to_number<double>(), 1.0);
  EXPECT_TRUE(done["report"].is_object()) << json::serialize(done);
  plugin.signal(SIGTERM);
  plugin.wait_exit(15s);
  // Stopped: the next probes fail and the count drops (cached answers live 15 s at most).
  auto gone = std::chrono::steady_clock::now() + 40s;
  std::int64_t online = 1;
  while (online != 0 && std::chrono::steady_clock::now() < gone) {
    online = ok_json(call("GET", "/api/plugins/" + str(p["id"])))["onlineInstances"].as_int64();
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(online, 0);
}

TEST_F(HubApp, WrongSecretNeverComesOnline) {
  auto p = create_plugin("wrong-secret");
  auto plugin = xport_plugin("xport-plugin-wrong", p, "not-the-secret");
  // The hub says why in the heartbeat's ack, and the SDK tells its user (the hub's own log has
  // one line per burst of refusals from an address: SecretGuessing tests it).
  plugin->wait_for_stderr(
      "the platform refused this plugin's heartbeat: wrong plugin id or "
      "secret \\(plugin id " +
      str(p["id"]) + "\\)");
  EXPECT_EQ(ok_json(call("GET", "/api/plugins/" + str(p["id"])))["onlineInstances"].as_int64(), 0);
}

TEST_F(HubApp, OfflinePluginRunFailsAfterTheWait) {
  auto p = create_plugin("offline");
  auto run = start_run(str(p["id"]), "{}");
  EXPECT_EQ(str(run["state"]), "queued");
  auto done = wait_finished(str(run["session"]), 20s);
  EXPECT_EQ(str(done["state"]), "failed");
  EXPECT_NE(str(done["message"]).find("plugin offline is offline"), std::string::npos)
      << str(done["message"]);
}

// A UI client (Debian's python3-socketio, tests/peers/ui_client.py) on namespace /ui with an
// API key: prints each `notification` and `run` event as a line.
fs::path ui_client_script() {
  return fs::path(XPORT_SOURCE_DIR) / "tests" / "peers" / "ui_client.py";
}

TEST_F(HubApp, NotificationsArePushedLiveToTheUi) {
  const fs::path script = ui_client_script();
  BackgroundProcess ui("ui-client", {"/usr/bin/python3", script.string(), g_base, g_key}, g_dir);
  ui.wait_for_output("UI CONNECTED");
  auto p = create_plugin("offline-pushed");
  auto run = start_run(str(p["id"]), "{}");
  EXPECT_EQ(ui.wait_for_output("NOTIFICATION (\\S+) " + str(run["session"])), "run_failed");
  ui.wait_for_output("RUN " + str(run["session"]) + " (failed)");

  BackgroundProcess refused("ui-refused", {"/usr/bin/python3", script.string(), g_base, "bad"},
                            g_dir);
  EXPECT_TRUE(refused.wait_exit(20s).value_or(0) != 0);
  EXPECT_EQ(refused.out().find("UI CONNECTED"), std::string::npos);
}

TEST_F(HubApp, RunChangesArePushedLiveToTheUi) {
  const fs::path script = ui_client_script();
  BackgroundProcess ui("ui-runs", {"/usr/bin/python3", script.string(), g_base, g_key}, g_dir);
  ui.wait_for_output("UI CONNECTED");
  auto p = create_plugin("pushed-runs");
  auto plugin = xport_plugin("xport-plugin-pushed", p);
  ASSERT_TRUE(wait_online(str(p["id"]))) << plugin->err();
  auto run = start_run(str(p["id"]), "{}");
  const std::string session = str(run["session"]);
  // An event at the start (the run as it is by then: queued, or already dispatched when the
  // dispatcher was quicker), one per log line of the plugin, the success with its link, then
  // the notification.
  auto expect_line = [&ui](const std::string& pattern, std::chrono::milliseconds timeout = 20s) {
    try {
      return ui.wait_for_output(pattern, timeout);
    } catch (const std::exception& e) {
      ADD_FAILURE() << e.what() << "\nUI client printed:\n" << ui.out();
      return std::string();
    }
  };
  EXPECT_NE(expect_line("RUN " + session + " (queued|dispatched) - -"), "");
  EXPECT_NE(expect_line("RUN " + session + " \\S+ log:(.+) "), "");
  EXPECT_EQ(expect_line("RUN " + session + " succeeded - (url)", 60s), "url");
  EXPECT_EQ(expect_line("NOTIFICATION (\\S+) " + session), "run_succeeded");
  EXPECT_EQ(str(wait_finished(session)["state"]), "succeeded");
}

TEST_F(HubApp, CancelAQueuedRun) {
  auto p = create_plugin("to-cancel");
  auto run = start_run(str(p["id"]), "{}");
  auto cancelled = ok_json(call("POST", "/api/runs/" + str(run["session"]) + "/cancel"));
  EXPECT_EQ(str(cancelled["state"]), "cancelled");
  EXPECT_EQ(call("POST", "/api/runs/" + str(run["session"]) + "/cancel").status, 409);
  EXPECT_EQ(call("GET", "/api/runs/" + str(run["session"]) + "/download").status, 409);
  EXPECT_EQ(call("GET", "/api/runs/nope").status, 404);
}

TEST(HubLinks, RunTokensAndUrlKeys) {
  hub::UrlSigner signer("0123456789abcdef0123456789abcdef");
  const std::string token = hub::make_run_token(signer, "abc123", 2000);
  EXPECT_EQ(hub::verify_run_token(signer, token, 1000), "abc123");
  EXPECT_FALSE(hub::verify_run_token(signer, token, 3000));                   // expired
  EXPECT_FALSE(hub::verify_run_token(hub::UrlSigner("other"), token, 1000));  // forged
  EXPECT_FALSE(hub::verify_run_token(signer, "xrun.abc124" + token.substr(11), 1000));
  EXPECT_FALSE(hub::verify_run_token(signer, "xrun.", 1000));
  // An upload signature is not a download signature of the same key, and vice versa.
  const std::string q = hub::make_upload_query(signer, "uploads/p/x.zip", 2000);
  const std::string sig = q.substr(q.find("sig=") + 4);
  EXPECT_EQ(hub::verify_upload(signer, "uploads/p/x.zip", "2000", sig, 1000), hub::UrlCheck::ok);
  EXPECT_NE(signer.verify("uploads/p/x.zip", "2000", sig, 1000), hub::UrlCheck::ok);
  EXPECT_EQ(hub::object_key_from_url("http://h:1/upload/uploads/p/a%2Db.zip?expires=1&sig=x"),
            "uploads/p/a-b.zip");
  EXPECT_EQ(hub::object_key_from_url("/objects/uploads/p/r.zip"), "uploads/p/r.zip");
  EXPECT_FALSE(hub::object_key_from_url("http://h/objects/../etc/passwd"));
  EXPECT_FALSE(hub::object_key_from_url("http://elsewhere/file.zip"));
  EXPECT_EQ(hub::safe_segment("proj/exports/my file.zip"), "my_file.zip");
  EXPECT_EQ(hub::safe_segment(".."), "result.zip");
}

TEST_F(HubApp, BadConfigJsonIsRejectedAtStart) {
  auto p = create_plugin("bad-config");
  auto res = call("POST", "/api/runs",
                  json::serialize(json::object{
                      {"project", g_project}, {"plugin", str(p["id"])}, {"config", "{bad"}}));
  ASSERT_EQ(res.status, 400) << res.body;
  EXPECT_NE(json::parse(res.body).as_object()["message"].as_string().find("Config JSON"),
            std::string::npos)
      << res.body;
  res = call("POST", "/api/runs",
             json::serialize(json::object{{"project", g_project}, {"plugin", "nope"}}));
  EXPECT_EQ(res.status, 404) << res.body;
}

TEST_F(HubApp, PluginsSecretsAndDelete) {
  auto p = create_plugin("managed");
  auto shown = ok_json(call("GET", "/api/plugins/" + str(p["id"])));
  EXPECT_EQ(str(shown["secret"]), str(p["secret"]));
  auto fresh = ok_json(call("POST", "/api/plugins/" + str(p["id"]) + "/secret"));
  EXPECT_NE(str(fresh["secret"]), str(p["secret"]));
  bool listed = false;
  auto plugins = ok_json(call("GET", "/api/plugins"));
  for (auto& e : plugins["plugins"].as_array())
    if (str(e.as_object().at("id")) == str(p["id"])) listed = true;
  EXPECT_TRUE(listed);
  ok_json(call("DELETE", "/api/plugins/" + str(p["id"])));
  EXPECT_EQ(call("GET", "/api/plugins/" + str(p["id"])).status, 404);
}

// Without --public-url, links take the request's Host only when it names this machine and
// the hub's port: a request naming another host gets links to the listen address.
TEST_F(HubApp, LinksFollowTheHostHeaderOnlyWhenItNamesThisHub) {
  const std::string port = g_base.substr(g_base.rfind(':') + 1);
  auto upload_url = [&](const std::string& host) {
    net::Request r;
    r.url = g_base + "/v2/getUploadUrl?project=" + g_project + "&name=r.zip&type=export";
    r.headers = {{"apikey", g_key}, {"Host", host}};
    auto reply = ok_json(client().request(r));
    const std::string url = str(reply["data"].as_object()["uploadUrl"]);
    return url.substr(0, url.find("/upload/"));
  };
  EXPECT_EQ(upload_url("localhost:" + port), "http://localhost:" + port);
  EXPECT_EQ(upload_url("127.0.0.1:" + port), "http://127.0.0.1:" + port);
  EXPECT_EQ(upload_url("[::1]:" + port), "http://[::1]:" + port);
  // Another machine, another port, or garbage: the listen address.
  for (const std::string& foreign :
       std::vector<std::string>{"attacker.example:" + port, "attacker.example", "localhost:1",
                                "8.8.8.8:" + port, "[::1", "localhost:x"})
    EXPECT_EQ(upload_url(foreign), g_base) << foreign;
}

TEST_F(HubApp, PlatformEndpointsAndSignedLinks) {
  // /v2/export with a user's API key: a zip whose first entry is the NDJSON export.
  auto exp = ok_json(call("GET", "/v2/export?project=" + g_project + "&format=ndjson"));
  const std::string url = str(exp["data"].as_object()["exportPath"]);
  auto entries = download(url, "export.zip");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries.begin()->second,
            slurp(fs::path(XPORT_SOURCE_DIR) / "examples/data/demo-export.ndjson"));
  auto v3 = ok_json(call(
      "GET", "/v2/exportV3?project=" + g_project + "&format=json&batches=%5B%22Batch%20A%22%5D"));
  EXPECT_TRUE(v3["data"].as_object().contains("exportPath"));
  // Key frames only: the same assets (the demo has no video), then report.json.
  auto key_frames = ok_json(
      call("GET", "/v2/export?project=" + g_project + "&format=ndjson&includeKeyFramesOnly=true"));
  auto thinned = download(str(key_frames["data"].as_object()["exportPath"]), "key-frames.zip");
  ASSERT_EQ(thinned.size(), 2u);
  EXPECT_EQ(thinned[g_project + ".ndjson"], entries.begin()->second);
  EXPECT_TRUE(thinned.count("report.json"));
  // A storage id that is none of the organisation's storages is refused, not ignored.
  auto bucket = call(
      "GET", "/v2/getUploadUrl?project=" + g_project + "&name=r.zip&type=export&storageId=s3-main");
  EXPECT_EQ(bucket.status, 404);
  EXPECT_NE(bucket.body.find("no storage s3-main"), std::string::npos) << bucket.body;

  // Tampered: signature, expiry, object key.
  auto tampered = [](std::string u, const std::string& from, const std::string& to) {
    auto at = u.find(from);
    if (at != std::string::npos) u.replace(at, from.size(), to);
    return u;
  };
  const std::string sig = url.substr(url.find("sig=") + 4);
  std::string bad_sig =
      url.substr(0, url.find("sig=") + 4) + (sig[0] == 'A' ? "B" : "A") + sig.substr(1);
  EXPECT_EQ(call("GET", bad_sig, "", "").status, 403);
  EXPECT_EQ(call("GET", tampered(url, "expires=", "expires=9"), "", "").status, 403);
  EXPECT_EQ(call("GET", tampered(url, ".zip?", "x.zip?"), "", "").status, 403);
  // Expired: a link signed with the hub's key, an hour in the past.
  const std::string key =
      url.substr(url.find("/objects/") + 9, url.find('?') - url.find("/objects/") - 9);
  hub::UrlSigner signer = hub::UrlSigner::from_data_dir(g_dir / "data");
  const auto past = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count() -
                    3600;
  auto expired = call("GET", g_base + "/objects/" + key + "?" + signer.make(key, past), "", "");
  EXPECT_EQ(expired.status, 403);
  EXPECT_NE(expired.body.find("expired"), std::string::npos) << expired.body;

  // Upload round trip, and the PUT link's own signature.
  auto up = ok_json(call("GET", "/v2/getUploadUrl?name=r.zip&project=" + g_project + "&type=e"));
  const std::string upload_url = str(up["data"].as_object()["uploadUrl"]);
  net::Request put;
  put.method = "PUT";
  put.url = tampered(upload_url, "sig=", "sig=x");
  put.body = "zipbytes";
  EXPECT_EQ(client().request(put).status, 403);
  put.url = upload_url;
  EXPECT_EQ(client().request(put).status, 200);
  net::QueryParams q{{"name", upload_url}, {"project", g_project}, {"type", "e"}};
  auto signed_reply = ok_json(call("GET", net::join_url(g_base, "/v2/getSignedUrl", q)));
  auto got = call("GET", str(signed_reply["data"].as_object()["signedUrl"]), "", "");
  EXPECT_EQ(got.status, 200);
  EXPECT_EQ(got.body, "zipbytes");

  EXPECT_EQ(call("GET", "/v2/export?project=" + g_project, "", "bad").status, 401);
  EXPECT_EQ(call("GET", "/v2/export").status, 400);
}

TEST_F(HubApp, SeveralInstancesShareRunsLeastBusyFirst) {
  // Two instances of one plugin, each holding its runs for 2 s: four runs started together
  // must alternate (least busy first, ties to the older instance) and all succeed.
  auto p = create_plugin("Shared");
  auto first_argv = python_plugin(g_base, p, "");
  first_argv.insert(first_argv.end(), {"--delay", "2"});
  BackgroundProcess first("instance-a", first_argv, g_dir);
  ASSERT_TRUE(wait_online(str(p["id"]), 1));
  BackgroundProcess second("instance-b", first_argv, g_dir);
  ASSERT_TRUE(wait_online(str(p["id"]), 2));

  std::vector<std::string> sessions;
  for (int i = 0; i < 4; ++i)
    sessions.push_back(str(start_run(str(p["id"]), "{}")["session"]));
  std::map<std::string, int> per_instance;  // "instance X (remote ..." → runs
  for (const auto& session : sessions) {
    auto run = wait_finished(session);
    EXPECT_EQ(str(run["state"]), "succeeded") << json::serialize(run);
    EXPECT_EQ(str(run["pluginName"]), "Shared");
    EXPECT_EQ(str(run["projectName"]), "Demo");
    for (const auto& line : log_lines(session)) {
      auto at = line.find("hub: sent to Shared instance ");
      if (at != std::string::npos) ++per_instance[line.substr(at, line.find(' ', at + 29) - at)];
    }
  }
  ASSERT_EQ(per_instance.size(), 2u) << "every run went to one instance";
  for (const auto& [instance, runs] : per_instance)
    EXPECT_EQ(runs, 2) << instance;
  const std::string outputs = first.out() + second.out();
  std::size_t ok = 0;
  for (auto at = outputs.find(" ok\n"); at != std::string::npos; at = outputs.find(" ok\n", at + 1))
    ++ok;
  EXPECT_EQ(ok, 4u) << outputs;
}

TEST_F(HubApp, GeneratedExportsAreDeletedOnceTheirLinksExpired) {
  // A hub on a data dir holding a 26 h old generated export and a fresh one: the janitor's
  // sweep at start removes the old one only (reused for an hour at most, its 24 h links
  // have all expired).
  const fs::path data = g_dir / "data-janitor";
  const fs::path exports = data / "storage/objects/exports/p1";
  fs::create_directories(exports);
  std::ofstream(exports / "old.zip") << "zip";
  std::ofstream(exports / "fresh.zip") << "zip";
  fs::last_write_time(exports / "old.zip",
                      fs::file_time_type::clock::now() - std::chrono::hours(26));
  BackgroundProcess hub(
      "hub-janitor",
      test::hub_argv({XPORT_BINARY, "hub", "--data-dir", data.string(), "--listen", "127.0.0.1:0"}),
      g_dir);
  hub.wait_for_output("xport hub listening on (http://\\S+)");
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (fs::exists(exports / "old.zip") && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(fs::exists(exports / "old.zip"));
  EXPECT_TRUE(fs::exists(exports / "fresh.zip"));
  hub.signal(SIGTERM);
  EXPECT_EQ(hub.wait_exit(15s), std::optional<int>(0)) << hub.err();
}

}  // namespace
}  // namespace xport::test
