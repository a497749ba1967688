// `xport plugin` against the real npm `socket.io` 4.8 server: tests/peers/socketio-node/platform.js
// (Node's http + socket.io's Server, namespace /plugin, the platform's REST endpoints). Whole
// runs over the wire, several at once, a forced disconnect, fast server pings, and a second
// converter. Needs `node` on PATH and the peer's node_modules (scripts/install-npm-peers.sh);
// skips, saying which is missing, otherwise.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "background_process.hpp"
#include "net/http_client.hpp"
#include "process.hpp"
#include "support/zip_entries.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::test {
namespace {

const std::string kExport = XPORT_SOURCE_DIR "/examples/data/demo-export.ndjson";
const std::string kPeerDir = XPORT_SOURCE_DIR "/tests/peers/socketio-node";
const std::string kPluginId = "plugin-node-1";
const std::string kSecret = "n0de-s3cret";
const std::string kProject = "demo-project";

using Clock = std::chrono::steady_clock;

// Why the test cannot run here, or "" when it can.
std::string missing_peer() {
  if (run("command -v node").exit_code != 0) return "node is not on PATH";
  if (!std::filesystem::exists(kPeerDir + "/node_modules/socket.io/package.json"))
    return kPeerDir + "/node_modules/socket.io is missing (run scripts/install-npm-peers.sh)";
  return {};
}

// The platform's transport form of an export: a zip whose first entry is the NDJSON.
void write_export_zip(const std::filesystem::path& dest) {
  auto sink = open_file_sink(dest.string());
  {
    zip::Writer writer(*sink);
    writer.add("export.ndjson", read_file(kExport));
    writer.close();
  }
  sink->close();
}

class PluginAgainstNodeSocketIo : public ::testing::Test {
 protected:
  void SetUp() override {
    // The peers are installed by scripts/install-deps.sh and install-npm-peers.sh: a
    // missing one is a broken setup, not a reason to pass.
    if (std::string why = missing_peer(); !why.empty()) GTEST_FAIL() << why;
    write_export_zip(dir_ / "export.zip");
  }

  // Starts platform.js (with `platform_args` added), then `xport plugin` pointed at it.
  void start(std::vector<std::string> platform_args) {
    std::vector<std::string> argv{
        "node",       kPeerDir + "/platform.js",   "--export-zip", (dir_ / "export.zip").string(),
        "--plugin",   kPluginId + ":" + kSecret,   "--project",    kProject,
        "--data-dir", (dir_ / "platform").string()};
    argv.insert(argv.end(), platform_args.begin(), platform_args.end());
    platform_ = std::make_unique<BackgroundProcess>("node-platform", argv, dir_.path());
    // Node's start-up can take a few seconds on a loaded machine.
    std::string port = platform_->wait_for_output("PORT (\\d+)", std::chrono::seconds(60));
    url_ = "http://127.0.0.1:" + port;
    std::filesystem::create_directories(dir_ / "plugin-tmp");
    plugin_ = std::make_unique<BackgroundProcess>(
        "xport-plugin",
        std::vector<std::string>{XPORT_BINARY, "plugin", "--host", url_, "--id", kPluginId,
                                 "--secret", kSecret, "--temp-dir", (dir_ / "plugin-tmp").string(),
                                 "--log-level", "debug"},
        dir_.path());
  }

  // The payloads of the platform's stdout lines `<kind> <payload>`, in order.
  std::vector<std::string> lines(const std::string& kind) const {
    std::vector<std::string> out;
    std::string text = platform_->out();
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t end = text.find('\n', pos);
      if (end == std::string::npos) break;  // a line still being written
      std::string_view line(text.data() + pos, end - pos);
      if (line.size() > kind.size() && line.substr(0, kind.size()) == kind &&
          line[kind.size()] == ' ')
        out.emplace_back(line.substr(kind.size() + 1));
      pos = end + 1;
    }
    return out;
  }

  std::vector<boost::json::object> json_lines(const std::string& kind) const {
    std::vector<boost::json::object> out;
    for (const auto& l : lines(kind))
      out.push_back(boost::json::parse(l).as_object());
    return out;
  }

  std::string diagnostics() const {
    return "\n--- platform stdout:\n" + platform_->out() + "--- platform stderr:\n" +
           platform_->err() + "--- xport plugin stderr:\n" + plugin_->err();
  }

  // Waits (bounded) until the platform printed at least `count` lines of `kind`.
  std::vector<std::string> wait_lines(const std::string& kind, std::size_t count,
                                      std::chrono::seconds timeout = std::chrono::seconds(60)) {
    auto deadline = Clock::now() + timeout;
    for (;;) {
      auto found = lines(kind);
      if (found.size() >= count) return found;
      if (Clock::now() >= deadline)
        throw std::runtime_error("timed out waiting for " + std::to_string(count) + " " + kind +
                                 " line(s), saw " + std::to_string(found.size()) + diagnostics());
      if (platform_->wait_exit(std::chrono::milliseconds(0)))
        throw std::runtime_error("the platform exited" + diagnostics());
      if (plugin_->wait_exit(std::chrono::milliseconds(0)))
        throw std::runtime_error("xport plugin exited" + diagnostics());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }

  // Waits for one response per session (session-1 .. session-N), checks each is a success
  // of exactly the protocol's shape, and returns them by session.
  std::map<std::string, boost::json::object> wait_responses(std::size_t runs) {
    wait_lines("RESPONSE", runs);
    std::map<std::string, boost::json::object> by_session;
    for (auto& r : json_lines("RESPONSE")) {
      SCOPED_TRACE(boost::json::serialize(r));
      EXPECT_EQ(r.size(), 3u);  // {"export": true, "response": <signed url>, "session": ...}
      EXPECT_TRUE(r.contains("export") && r.at("export") == true);
      EXPECT_TRUE(r.contains("response") && r.at("response").is_string());
      EXPECT_TRUE(r.contains("session") && r.at("session").is_string());
      if (!r.contains("session") || !r.at("session").is_string()) continue;
      std::string session(r.at("session").as_string());
      EXPECT_EQ(by_session.count(session), 0u) << "two responses for " << session;
      by_session[session] = r;
    }
    for (std::size_t i = 1; i <= runs; ++i)
      EXPECT_EQ(by_session.count("session-" + std::to_string(i)), 1u) << "session-" << i;
    return by_session;
  }

  // Downloads a response's signed URL (served by Node's http) and returns the zip's entries.
  std::map<std::string, std::string> download(const boost::json::object& response,
                                              const std::string& file_name) {
    std::string url(response.at("response").as_string());
    EXPECT_EQ(url.rfind(url_ + "/_download/", 0), 0u) << url;
    EXPECT_NE(url.find("sig=ok"), std::string::npos) << url;
    net::HttpClient http;
    auto size = http.download(url, {}, dir_ / file_name);
    EXPECT_GT(size, 0u);
    return zip_entries(dir_ / file_name);
  }

  // The `sample` converter's result: <projectId>.json, a list of the 5 assets.
  static void expect_sample_result(std::map<std::string, std::string>& entries) {
    ASSERT_EQ(entries.count(kProject + ".json"), 1u);
    auto list = boost::json::parse(entries[kProject + ".json"]).as_array();
    ASSERT_EQ(list.size(), 5u);
    EXPECT_EQ(list[0].as_object().at("externalId"), "street_0001.jpg");
  }

  // Every `log` event carries the platform's fields, bound to a run of this test.
  void expect_logs_of(const std::set<std::string>& sessions) {
    auto logs = json_lines("LOG");
    ASSERT_FALSE(logs.empty()) << diagnostics();
    std::map<std::string, std::size_t> info_per_session;
    for (const auto& log : logs) {
      SCOPED_TRACE(boost::json::serialize(log));
      for (const char* key : {"level", "organization", "pluginId", "runBy", "session", "msg"})
        ASSERT_TRUE(log.contains(key) && log.at(key).is_string()) << key;
      std::string level(log.at("level").as_string());
      EXPECT_TRUE(level == "INFO" || level == "WARNING" || level == "DEBUG") << level;
      EXPECT_EQ(log.at("organization"), "org-1");
      EXPECT_EQ(std::string(log.at("pluginId").as_string()), kPluginId);
      EXPECT_EQ(log.at("runBy"), "user-1");
      std::string session(log.at("session").as_string());
      EXPECT_EQ(sessions.count(session), 1u) << session;
      info_per_session[session] += level == "INFO";
    }
    for (const auto& s : sessions)
      EXPECT_GT(info_per_session[s], 0u) << "no INFO log for " << s;
  }

  TempDir dir_;
  std::string url_;
  std::unique_ptr<BackgroundProcess> platform_;
  std::unique_ptr<BackgroundProcess> plugin_;
};

TEST_F(PluginAgainstNodeSocketIo, ThreeConcurrentRunsAreAnsweredWithSignedUrlsOfTheirResults) {
  start({"--runs", "3"});
  auto responses = wait_responses(3);
  ASSERT_EQ(responses.size(), 3u) << diagnostics();

  // The client registered once, with the right credentials, and stayed connected.
  auto beats = json_lines("HEARTBEAT");
  ASSERT_GE(beats.size(), 1u);
  EXPECT_EQ(beats[0].at("ok"), true);
  EXPECT_EQ(std::string(beats[0].at("id").as_string()), kPluginId);
  EXPECT_EQ(lines("CONNECT").size(), 1u) << diagnostics();
  EXPECT_TRUE(lines("DISCONNECT").empty()) << diagnostics();

  // Each run fetched the export as ndjson and uploaded <projectId>-sample.zip.
  auto exports = json_lines("EXPORT");
  ASSERT_EQ(exports.size(), 3u);
  for (const auto& e : exports) {
    EXPECT_EQ(std::string(e.at("project").as_string()), kProject);
    EXPECT_EQ(e.at("format"), "ndjson");
  }
  auto uploads = json_lines("UPLOAD");
  ASSERT_EQ(uploads.size(), 3u);
  for (const auto& u : uploads)
    EXPECT_EQ(std::string(u.at("name").as_string()), kProject + "-sample.zip");

  for (auto& [session, response] : responses) {
    SCOPED_TRACE(session);
    auto entries = download(response, session + ".zip");
    expect_sample_result(entries);
  }
  expect_logs_of({"session-1", "session-2", "session-3"});
}

TEST_F(PluginAgainstNodeSocketIo, AForcedDisconnectIsFollowedByAReconnectAndTheRunCompletes) {
  start({"--drop-after-first-heartbeat"});
  auto responses = wait_responses(1);
  ASSERT_EQ(responses.size(), 1u) << diagnostics();

  // First connection: heartbeat, then socket.disconnect(true) by the server. Second: a new
  // socket (new engine session), heartbeat again, then the run.
  auto beats = json_lines("HEARTBEAT");
  ASSERT_GE(beats.size(), 2u) << diagnostics();
  EXPECT_EQ(beats[0].at("ok"), true);
  EXPECT_EQ(beats[1].at("ok"), true);
  EXPECT_NE(beats[0].at("sid"), beats[1].at("sid"));
  EXPECT_GE(lines("CONNECT").size(), 2u);
  auto disconnects = lines("DISCONNECT");
  ASSERT_GE(disconnects.size(), 1u);
  EXPECT_EQ(disconnects[0], "server namespace disconnect");
  auto runs = json_lines("RUN");
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0].at("sid"), beats[1].at("sid"));
  EXPECT_NE(plugin_->err().find("reconnect"), std::string::npos) << plugin_->err();

  auto entries = download(responses.at("session-1"), "result.zip");
  expect_sample_result(entries);
  expect_logs_of({"session-1"});
}

TEST_F(PluginAgainstNodeSocketIo, ConfigJsonFormatPicksTheCocoConverter) {
  start({"--config", R"({"format":"coco"})"});
  auto responses = wait_responses(1);
  ASSERT_EQ(responses.size(), 1u) << diagnostics();
  auto uploads = json_lines("UPLOAD");
  ASSERT_EQ(uploads.size(), 1u);
  EXPECT_EQ(std::string(uploads[0].at("name").as_string()), kProject + "-coco.zip");

  auto entries = download(responses.at("session-1"), "coco.zip");
  EXPECT_EQ(entries.count("report.json"), 1u);
  bool has_coco = false;
  for (auto& [name, data] : entries)
    if (name.rfind("annotations/", 0) == 0) {
      has_coco = true;
      auto doc = boost::json::parse(data).as_object();
      EXPECT_EQ(doc.at("images").as_array().size(), 5u);
    }
  EXPECT_TRUE(has_coco) << "no annotations/ entry";
  expect_logs_of({"session-1"});
}

// Engine.IO v4 heartbeats: the server pings every 200 ms and drops a client that has not
// answered within 1 s; the link must stay up across runs and idle time.
TEST_F(PluginAgainstNodeSocketIo, FastServerPingsAreAnsweredAndTheLinkStaysUp) {
  start({"--runs", "2", "--ping-interval", "200", "--ping-timeout", "1000"});
  auto responses = wait_responses(2);
  ASSERT_EQ(responses.size(), 2u) << diagnostics();
  std::this_thread::sleep_for(std::chrono::seconds(3));  // ~15 more ping/pong rounds
  EXPECT_EQ(lines("CONNECT").size(), 1u) << diagnostics();
  EXPECT_TRUE(lines("DISCONNECT").empty()) << diagnostics();
  for (auto& [session, response] : responses) {
    auto entries = download(response, session + ".zip");
    expect_sample_result(entries);
  }
}

}  // namespace
}  // namespace xport::test
