// Test side of tests/peers/platform_emulator.py (the platform end of the plugin protocol on
// Debian's python3-socketio): starts it, starts runs, waits for answers, reads its state.
#pragma once

#include <boost/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include "background_process.hpp"
#include "net/http_client.hpp"

namespace xport::test {

inline const char* kEmulatorScript = XPORT_SOURCE_DIR "/tests/peers/platform_emulator.py";
inline const char* kApiKey = "test-api-key";

class PlatformEmulator {
 public:
  PlatformEmulator(const std::filesystem::path& dir, const std::string& export_file,
                   std::vector<std::string> plugins, std::vector<std::string> extra = {}) {
    std::vector<std::string> argv{"/usr/bin/python3", kEmulatorScript, "--export",
                                  export_file,        "--data-dir",    (dir / "emulator").string(),
                                  "--api-key",        kApiKey};
    for (auto& p : plugins) {
      argv.push_back("--plugin");
      argv.push_back(p);
    }
    argv.insert(argv.end(), extra.begin(), extra.end());
    bool tls = std::find(extra.begin(), extra.end(), "--tls-cert") != extra.end();
    process_ = std::make_unique<BackgroundProcess>("emulator", argv, dir);
    port_ = process_->wait_for_output("PORT (\\d+)");
    url_ = std::string(tls ? "https" : "http") + "://127.0.0.1:" + port_;
    control_url_ = url_;
    if (tls) {
      net::ClientOptions o;
      o.tls.verify = false;  // the control API only: the plugin under test verifies
      http_ = net::HttpClient(o);
    }
  }

  const std::string& url() const { return url_; }
  BackgroundProcess& process() { return *process_; }

  boost::json::object state() const { return get("/_emu/state"); }

  // Emits `plugin` with `data` to the online instance of `plugin_id`; false when offline.
  bool run(const std::string& plugin_id, const boost::json::object& data) const {
    auto r = post("/_emu/run", {{"plugin", plugin_id}, {"data", data}});
    return r.status == 200;
  }

  boost::json::object run_rest(const std::string& plugin_url, const std::string& secret,
                               const boost::json::object& data) const {
    auto r = post("/_emu/run_rest", {{"url", plugin_url}, {"secret", secret}, {"data", data}});
    return boost::json::parse(r.body).as_object();
  }

  void drop(const std::string& plugin_id) const { post("/_emu/drop", {{"plugin", plugin_id}}); }

  // Waits until at least `responses` responses and `heartbeats` heartbeats arrived; returns
  // the state, or throws on timeout.
  boost::json::object wait(std::size_t responses, std::size_t heartbeats = 0,
                           int timeout_s = 60) const {
    net::Request req;
    req.url = control_url_ + "/_emu/wait?responses=" + std::to_string(responses) +
              "&heartbeats=" + std::to_string(heartbeats) + "&timeout=" + std::to_string(timeout_s);
    auto r = http_.request(req);
    if (r.status != 200)
      throw std::runtime_error("emulator: timed out waiting for " + std::to_string(responses) +
                               " response(s) / " + std::to_string(heartbeats) +
                               " heartbeat(s); state: " + boost::json::serialize(state()));
    return boost::json::parse(r.body).as_object();
  }

  // Downloads a URL (a signed result URL) to `dest`.
  void download(const std::string& url, const std::filesystem::path& dest) const {
    http_.download(url, {}, dest);
  }

  static boost::json::object run_data(const std::string& session, const std::string& project,
                                      const std::string& config_json = "{}") {
    return {{"projectId", project},
            {"apiKey", kApiKey},
            {"orgId", "org-1"},
            {"runBy", "user-1"},
            {"session", session},
            {"configJSON", config_json},
            {"batches", boost::json::array{}},
            {"someFutureKey", "tolerated"}};
  }

  static const boost::json::object* response_for(const boost::json::object& state,
                                                 const std::string& session) {
    for (const auto& r : state.at("responses").as_array()) {
      const auto& data = r.as_object().at("data").as_object();
      if (auto* s = data.if_contains("session"); s && s->is_string() && s->get_string() == session)
        return &data;
    }
    return nullptr;
  }

 private:
  boost::json::object get(const std::string& path) const {
    net::Request req;
    req.url = control_url_ + path;
    return boost::json::parse(http_.request(req).body).as_object();
  }
  net::HttpResponse post(const std::string& path, const boost::json::object& body) const {
    net::Request req;
    req.method = "POST";
    req.url = control_url_ + path;
    req.headers = {{"Content-Type", "application/json"}};
    req.body = boost::json::serialize(body);
    return http_.request(req);
  }

  std::unique_ptr<BackgroundProcess> process_;
  std::string port_;
  std::string url_;
  std::string control_url_;
  net::HttpClient http_;
};

}  // namespace xport::test
