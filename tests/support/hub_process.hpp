// `xport hub` as a process on 127.0.0.1 (a port of its own, a data directory of its own), and
// the REST calls a test makes to it as the admin: projects, imports, plugins, runs.
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <thread>

#include "background_process.hpp"
#include "net/http_client.hpp"
#include "test_database.hpp"

namespace xport::test {

// A JSON string's text; "" for anything else (an absent field read as null).
inline std::string str(const boost::json::value& v) {
  return v.is_string() ? std::string(v.as_string()) : std::string();
}

// The shared samples' v3 NDJSON export (12 assets), as a test imports it.
inline std::string sample_ndjson() {
  std::ifstream in(std::string(XPORT_SHARED_DIR) + "/samples/sample_v3.ndjson", std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

class HubProcess {
 public:
  // `extra`: more `xport hub` options (e.g. --objects s3://...).
  explicit HubProcess(const std::filesystem::path& dir, std::vector<std::string> extra = {})
      : dir_(dir), argv_(hub_argv(command(dir, std::move(extra)))) {
    start(argv_, "");
  }
  // A hub of a cluster: `database` is shared with the other hubs (not one per data dir) and
  // `admin_key` is the key the first hub printed ("" for the first: it prints one).
  HubProcess(const std::filesystem::path& dir, const std::string& database,
             const std::string& admin_key, std::vector<std::string> extra = {})
      : dir_(dir) {
    extra.insert(extra.end(), {"--database", database});
    argv_ = command(dir, std::move(extra));
    start(argv_, admin_key);
  }
  // Starts the hub again on its data dir (after stop() or kill()), with its admin key.
  void restart() {
    if (process_) stop();
    start(argv_, key_, "hub-" + std::to_string(++restarts_));
  }
  // SIGTERM; the hub must exit 0 within 15 s.
  void stop() {
    if (!process_) return;
    process_->signal(SIGTERM);
    auto code = process_->wait_exit(std::chrono::seconds(15));
    EXPECT_EQ(code, std::optional<int>(0)) << process_->err();
    process_.reset();
  }
  // SIGKILL: the hub dies with whatever it held.
  void kill() {
    if (!process_) return;
    process_->signal(SIGKILL);
    process_->wait_exit(std::chrono::seconds(15));
    process_.reset();
  }
  ~HubProcess() { stop(); }

  const std::string& base() const { return base_; }  // http://127.0.0.1:PORT
  std::uint16_t port() const {
    return static_cast<std::uint16_t>(std::stoi(base_.substr(base_.rfind(':') + 1)));
  }
  pid_t pid() const { return process_ ? process_->pid() : -1; }
  const std::string& admin_key() const { return key_; }  // the admin's API key
  std::string log() const { return process_ ? process_->err() : ""; }

  net::HttpResponse call(const std::string& method, const std::string& path,
                         const std::string& body = {},
                         const std::string& content_type = "application/json") const {
    net::ClientOptions o;
    o.connect_timeout = std::chrono::seconds(5);
    o.idle_timeout = std::chrono::seconds(30);
    net::Request r;
    r.method = method;
    r.url = path.rfind("http", 0) == 0 ? path : base_ + path;
    r.headers = {{"apikey", key_}};
    if (!body.empty()) r.headers.emplace_back("Content-Type", content_type);
    r.body = body;
    return net::HttpClient(o).request(r);
  }
  // The call's JSON answer; a test failure when the status is not `status`.
  boost::json::object json_call(const std::string& method, const std::string& path,
                                const std::string& body = {}, int status = 200,
                                const std::string& content_type = "application/json") const {
    net::HttpResponse res = call(method, path, body, content_type);
    EXPECT_EQ(res.status, status) << method << " " << path << ": " << res.body;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(res.body, ec);
    return !ec && v.is_object() ? v.get_object() : boost::json::object{};
  }

  // A new project (POST /api/projects {name, ...fields}); returns its id.
  std::string create_project(const std::string& name, boost::json::object fields = {}) {
    fields["name"] = name;
    auto p = json_call("POST", "/api/projects", boost::json::serialize(fields), 201);
    return p.contains("id") ? std::string(p["id"].as_string()) : std::string();
  }
  // Imports an NDJSON export into the project; returns the assets imported.
  std::int64_t import_ndjson(const std::string& project, const std::string& ndjson) {
    auto r = json_call("POST", "/api/projects/" + project + "/import", ndjson, 200,
                       "application/x-ndjson");
    return r.contains("imported") ? r["imported"].as_int64() : -1;
  }
  // A new plugin; returns {id, secret}.
  std::pair<std::string, std::string> create_plugin(const std::string& name) {
    auto p = json_call(
        "POST", "/api/plugins",
        boost::json::serialize(boost::json::object{{"name", name}, {"defaultConfig", "{}"}}), 201);
    if (!p.contains("id")) return {};
    return {std::string(p["id"].as_string()), std::string(p["secret"].as_string())};
  }
  bool wait_online(const std::string& plugin, std::chrono::seconds timeout) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto p = json_call("GET", "/api/plugins/" + plugin);
      if (p.contains("onlineInstances") && p["onlineInstances"].as_int64() > 0) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }
  // Starts a run of `plugin` on `project` (201 expected); the run as POST /api/runs answers it.
  boost::json::object start_run(const std::string& project, const std::string& plugin,
                                const std::string& config = "{}") const {
    return json_call("POST", "/api/runs",
                     boost::json::serialize(boost::json::object{
                         {"project", project}, {"plugin", plugin}, {"config", config}}),
                     201);
  }
  // Waits (bounded) until run `session` is no longer queued or dispatched; returns the run as
  // /api/runs/{session} shows it.
  boost::json::object wait_finished(const std::string& session,
                                    std::chrono::seconds timeout = std::chrono::seconds(60)) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    boost::json::object run;
    while (std::chrono::steady_clock::now() < deadline) {
      run = json_call("GET", "/api/runs/" + session);
      std::string state = run.contains("state") ? std::string(run["state"].as_string()) : "";
      if (state != "queued" && state != "dispatched") return run;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ADD_FAILURE() << "run " << session << " did not finish: " << boost::json::serialize(run);
    return run;
  }
  // Both: starts the run and returns it once it finished.
  boost::json::object run(const std::string& project, const std::string& plugin,
                          const std::string& config = "{}",
                          std::chrono::seconds timeout = std::chrono::seconds(60)) {
    auto started = start_run(project, plugin, config);
    if (!started.contains("session")) return started;
    return wait_finished(std::string(started["session"].as_string()), timeout);
  }

 private:
  static std::vector<std::string> command(const std::filesystem::path& dir,
                                          std::vector<std::string> extra) {
    std::vector<std::string> argv{
        XPORT_BINARY,    "hub",         "--data-dir",     (dir / "data").string(),
        "--listen",      "127.0.0.1:0", "--offline-wait", "1.5",
        "--run-timeout", "60",          "--log-level",    "debug"};
    argv.insert(argv.end(), extra.begin(), extra.end());
    return argv;
  }
  // `name`: of its log files in the data dir's parent (a restarted hub's are new ones, so that
  // the waits below never read the last run's lines).
  void start(std::vector<std::string> argv, const std::string& admin_key,
             const std::string& name = "hub") {
    process_ = std::make_unique<BackgroundProcess>(name, std::move(argv), dir_);
    key_ = admin_key.empty() ? process_->wait_for_output("admin API key: (\\S+)") : admin_key;
    base_ = process_->wait_for_output("xport hub listening on (http://\\S+)");
  }

  std::filesystem::path dir_;
  std::vector<std::string> argv_;
  int restarts_ = 0;
  std::unique_ptr<BackgroundProcess> process_;
  std::string key_;
  std::string base_;
};

}  // namespace xport::test
