// `xport plugin` and the SDK's sample plugin against the platform emulator
// (tests/peers/platform_emulator.py on Debian's python3-socketio): whole runs over the real
// wire protocol, and every failure path answered with an error response.
#include <gtest/gtest.h>

#include <csignal>
#include <map>

#include "platform_emulator.hpp"
#include "process.hpp"
#include "support/test_pki.hpp"
#include "support/zip_entries.hpp"
#include "xport/zip.hpp"

namespace xport::test {
namespace {

const std::string kExport = XPORT_SOURCE_DIR "/examples/data/demo-export.ndjson";
const std::string kPluginId = "plugin-1";
const std::string kSecret = "s3cret";

bool have_python_socketio() {
  return run("/usr/bin/python3 -c 'import socketio, aiohttp'").exit_code == 0;
}

std::vector<std::string> log_messages(const boost::json::object& state, const std::string& session,
                                      const std::string& level) {
  std::vector<std::string> out;
  for (const auto& l : state.at("logs").as_array()) {
    const auto& o = l.as_object();
    if (o.at("session").as_string() == session && o.at("level").as_string() == level)
      out.emplace_back(o.at("msg").as_string());
  }
  return out;
}

// Run directories left in the plugin's --temp-dir (each run removes its own at its end).
std::size_t leftover_run_dirs(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir))
    n += entry.path().filename().string().rfind("xport-run-", 0) == 0;
  return n;
}

std::size_t count_events(const boost::json::object& state, const std::string& kind) {
  std::size_t n = 0;
  for (const auto& e : state.at("events").as_array())
    n += e.as_object().at("kind").as_string() == kind;
  return n;
}

class PluginAgainstEmulator : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_python_socketio())  // installed by scripts/install-deps.sh
      GTEST_FAIL() << "/usr/bin/python3 lacks socketio/aiohttp: run scripts/install-deps.sh";
  }

  void start(std::vector<std::string> plugin_args = {}, std::vector<std::string> emulator_args = {},
             std::string secret = kSecret) {
    emulator_ = std::make_unique<PlatformEmulator>(
        dir_.path(), kExport, std::vector<std::string>{kPluginId + ":" + kSecret}, emulator_args);
    std::vector<std::string> argv{
        XPORT_BINARY, "plugin", "--host",     emulator_->url(),     "--id",        kPluginId,
        "--secret",   secret,   "--temp-dir", dir_.path().string(), "--log-level", "debug"};
    argv.insert(argv.end(), plugin_args.begin(), plugin_args.end());
    plugin_ = std::make_unique<BackgroundProcess>("xport-plugin", argv, dir_.path());
  }

  void wait_online(std::size_t heartbeats = 1) { emulator_->wait(0, heartbeats, 30); }

  // Runs and waits for this session's response.
  boost::json::object run_and_wait(const std::string& session, const std::string& project,
                                   const std::string& config = "{}") {
    std::size_t before = emulator_->state().at("responses").as_array().size();
    EXPECT_TRUE(emulator_->run(kPluginId, PlatformEmulator::run_data(session, project, config)));
    auto state = emulator_->wait(before + 1);
    auto* response = PlatformEmulator::response_for(state, session);
    if (!response) throw std::runtime_error("no response for " + session);
    last_state_ = state;
    return *response;
  }

  TempDir dir_;
  std::unique_ptr<PlatformEmulator> emulator_;
  std::unique_ptr<BackgroundProcess> plugin_;
  boost::json::object last_state_;
};

TEST_F(PluginAgainstEmulator, SampleRunUploadsTheSeedsZipAndAnswersWithTheSignedUrl) {
  start();
  wait_online();
  auto response = run_and_wait("session-1", "demo-project", R"({"separator-character": "|"})");
  ASSERT_TRUE(response.contains("export")) << boost::json::serialize(response);
  EXPECT_EQ(response.at("export"), true);
  std::string url(response.at("response").as_string());
  EXPECT_NE(url.find("sig=ok"), std::string::npos);

  emulator_->download(url, dir_ / "result.zip");
  auto entries = zip_entries(dir_ / "result.zip");
  ASSERT_EQ(entries.count("demo-project.json"), 1u);
  auto list = boost::json::parse(entries["demo-project.json"]).as_array();
  EXPECT_EQ(list.size(), 5u);
  EXPECT_EQ(list[0].as_object().at("externalId"), "street_0001.jpg");
  EXPECT_NE(std::string(list[0].as_object().at("Annotations").as_string()).find("Car 412 388"),
            std::string::npos);

  // Logs carry the platform's fields; the export request carried the apikey and format.
  auto info = log_messages(last_state_, "session-1", "INFO");
  EXPECT_FALSE(info.empty());
  const auto& log = last_state_.at("logs").as_array()[0].as_object();
  EXPECT_EQ(std::string(log.at("pluginId").as_string()), kPluginId);
  EXPECT_EQ(log.at("organization"), "org-1");
  EXPECT_EQ(log.at("runBy"), "user-1");
  const auto& request = last_state_.at("export_requests").as_array().back().as_object();
  EXPECT_EQ(request.at("project"), "demo-project");
  EXPECT_EQ(request.at("format"), "ndjson");
}

TEST_F(PluginAgainstEmulator, ConfigJsonFormatPicksTheConverter) {
  start();
  wait_online();
  auto response = run_and_wait("session-coco", "demo-project", R"({"format": "coco"})");
  ASSERT_EQ(response.at("export"), true) << boost::json::serialize(response);
  emulator_->download(std::string(response.at("response").as_string()), dir_ / "coco.zip");
  auto entries = zip_entries(dir_ / "coco.zip");
  EXPECT_EQ(entries.count("report.json"), 1u);
  bool has_coco = false;
  for (auto& [name, data] : entries)
    if (name.rfind("annotations/", 0) == 0) {
      has_coco = true;
      auto doc = boost::json::parse(data).as_object();
      EXPECT_EQ(doc.at("images").as_array().size(), 5u);
    }
  EXPECT_TRUE(has_coco);
}

TEST_F(PluginAgainstEmulator, EveryFailureIsAnsweredWithAnErrorAndAnErrorLog) {
  start();
  wait_online();
  struct Case {
    std::string session, project, config, expect;
  };
  std::vector<Case> cases{
      {"bad-config", "demo-project", "{\"format\": \"coco\",", "Config JSON"},
      {"unknown-format", "demo-project", R"({"format": "nope"})", "unknown format \"nope\""},
      {"bad-option", "demo-project", R"({"format": "coco", "colour": 1})", "colour"},
      {"no-export", "missing", "{}", "404"},
      {"not-a-zip", "broken-zip", "{}", "export"},
      {"no-upload", "no-upload", "{}", "500"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.session);
    auto response = run_and_wait(c.session, c.project, c.config);
    ASSERT_TRUE(response.contains("error") && response.contains("message"))
        << boost::json::serialize(response);
    EXPECT_EQ(response.at("error"), true);
    std::string message(response.at("message").as_string());
    EXPECT_NE(message.find(c.expect), std::string::npos) << message;
    auto errors = log_messages(last_state_, c.session, "ERROR");
    ASSERT_FALSE(errors.empty());
    EXPECT_EQ(errors.back(), message);
  }
  // The plugin is still serving after all of that, and no run left files behind.
  auto ok = run_and_wait("after-failures", "demo-project");
  EXPECT_EQ(ok.at("export"), true);
  EXPECT_EQ(leftover_run_dirs(dir_.path()), 0u);
}

TEST_F(PluginAgainstEmulator, ALinkDroppedMidRunReconnectsAndDeliversTheAnswer) {
  start();
  wait_online();
  // The emulator disconnects the plugin's socket when it asks for this run's export.
  auto response = run_and_wait("dropped", "drop");
  EXPECT_EQ(response.at("export"), true) << boost::json::serialize(response);
  EXPECT_GE(count_events(last_state_, "disconnect"), 1u);
  EXPECT_GE(count_events(last_state_, "heartbeat"), 2u);  // heartbeat again after reconnecting
  EXPECT_NE(plugin_->err().find("reconnect"), std::string::npos);
}

// Six runs in flight; the platform drops the link as the first answer of one of them arrives,
// before acking it: that answer is sent again after the reconnect, and every run is answered
// exactly once.
TEST_F(PluginAgainstEmulator, AnAnswerTheLinkDroppedBeforeItsAckIsSentAgain) {
  start({"--concurrency", "3"});
  wait_online();
  std::vector<std::string> sessions;
  for (int i = 0; i < 6; ++i) {
    sessions.push_back("in-flight-" + std::to_string(i));
    const std::string project = i == 2 ? "lose-answer" : "demo-project";
    ASSERT_TRUE(emulator_->run(kPluginId, PlatformEmulator::run_data(sessions.back(), project)));
  }
  auto state = emulator_->wait(6, 0, 60);
  EXPECT_EQ(count_events(state, "lost-answer"), 1u);
  std::map<std::string, int> answers;
  for (const auto& r : state.at("responses").as_array())
    ++answers[std::string(r.as_object().at("data").as_object().at("session").as_string())];
  for (const std::string& s : sessions) {
    EXPECT_EQ(answers[s], 1) << s;
    const auto* response = PlatformEmulator::response_for(state, s);
    ASSERT_NE(response, nullptr) << s;
    EXPECT_EQ(response->at("export"), true) << boost::json::serialize(*response);
  }
  EXPECT_EQ(answers.size(), 6u);
  EXPECT_NE(plugin_->err().find("run in-flight-2: its answer was sent as the link dropped"),
            std::string::npos)
      << plugin_->err();
}

TEST_F(PluginAgainstEmulator, AWrongSecretIsRejectedByThePlatform) {
  start({}, {}, "wrong-secret");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (count_events(emulator_->state(), "rejected") == 0 &&
         std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto state = emulator_->state();
  EXPECT_GE(count_events(state, "rejected"), 1u);
  EXPECT_TRUE(state.at("online").as_object().empty());
}

TEST_F(PluginAgainstEmulator, SigtermFinishesTheRunInProgressThenExits) {
  start();
  wait_online();
  // "slow": the export download takes 2 s; SIGTERM arrives while it is under way.
  ASSERT_TRUE(emulator_->run(kPluginId, PlatformEmulator::run_data("slow-run", "slow")));
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  plugin_->signal(SIGTERM);
  auto state = emulator_->wait(1, 0, 30);
  auto* response = PlatformEmulator::response_for(state, "slow-run");
  ASSERT_NE(response, nullptr);
  EXPECT_EQ(response->at("export"), true) << boost::json::serialize(*response);
  EXPECT_EQ(plugin_->wait_exit(std::chrono::seconds(20)), 0) << plugin_->err();
}

TEST_F(PluginAgainstEmulator, RestConnectorServesPluginAndHeartbeatBehindTheSecret) {
  // Port 0: the OS picks a free port, which the plugin logs.
  start({"--connector", "rest", "--port", "0", "--listen", "127.0.0.1"});
  std::string port = plugin_->wait_for_stderr("REST connector listening on [0-9.]+:(\\d+)");
  std::string plugin_url = "http://127.0.0.1:" + port;

  net::HttpClient http;
  net::Request beat;
  beat.url = plugin_url + "/heartbeat";
  EXPECT_EQ(http.request(beat).status, 401);
  beat.headers = {{"Secret", kSecret}};
  auto ok = http.request(beat);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "\"ok\"");

  auto bad =
      emulator_->run_rest(plugin_url, "nope", PlatformEmulator::run_data("r0", "demo-project"));
  EXPECT_EQ(bad.at("status"), 401);
  auto accepted =
      emulator_->run_rest(plugin_url, kSecret, PlatformEmulator::run_data("r1", "demo-project"));
  EXPECT_EQ(accepted.at("status"), 200);
  auto state = emulator_->wait(1);
  const auto& r = state.at("responses").as_array()[0].as_object();
  EXPECT_EQ(r.at("via"), "rest");
  EXPECT_EQ(r.at("data").as_object().at("export"), true);
  EXPECT_FALSE(log_messages(state, "r1", "INFO").empty());  // logs came by POST /v2/pluginLog
}

// An https platform with a private CA: trusted through --ca-file, refused without it.
TEST_F(PluginAgainstEmulator, TlsPlatformIsVerifiedAgainstTheGivenCa) {
  std::filesystem::create_directories(dir_ / "pki");
  make_test_pki(dir_ / "pki");
  std::vector<std::string> tls{"--tls-cert", (dir_ / "pki" / "server.pem").string(), "--tls-key",
                               (dir_ / "pki" / "server.key").string()};
  start({"--ca-file", (dir_ / "pki" / "ca.pem").string()}, tls);
  ASSERT_EQ(emulator_->url().rfind("https://", 0), 0u);
  wait_online();
  auto response = run_and_wait("tls-run", "demo-project");
  EXPECT_EQ(response.at("export"), true) << boost::json::serialize(response);

  // The same plugin without the CA: never online, and it says why.
  auto untrusted = std::make_unique<BackgroundProcess>(
      "xport-plugin-untrusted",
      std::vector<std::string>{XPORT_BINARY, "plugin", "--host", emulator_->url(), "--id",
                               kPluginId, "--secret", kSecret},
      dir_.path());
  EXPECT_NO_THROW(untrusted->wait_for_stderr("certificate verify failed"));
}

// The SDK example (examples/sample-plugin), built in-tree: a run, and a callback that throws.
TEST_F(PluginAgainstEmulator, ExamplePluginCompletesRunsAndSurvivesAThrowingCallback) {
  emulator_ = std::make_unique<PlatformEmulator>(
      dir_.path(), kExport, std::vector<std::string>{kPluginId + ":" + kSecret});
  plugin_ = std::make_unique<BackgroundProcess>(
      "sample-plugin", std::vector<std::string>{XPORT_SAMPLE_PLUGIN}, dir_.path(),
      std::vector<std::pair<std::string, std::string>>{
          {"PLUGIN_ID", kPluginId}, {"PLUGIN_SECRET", kSecret}, {"HOST", emulator_->url()}});
  wait_online();
  auto response = run_and_wait("example-1", "demo-project", R"({"separator-character": "-"})");
  ASSERT_EQ(response.at("export"), true) << boost::json::serialize(response);
  emulator_->download(std::string(response.at("response").as_string()), dir_ / "r.zip");
  auto entries = zip_entries(dir_ / "r.zip");
  ASSERT_EQ(entries.count("demo-project.json"), 1u);
  EXPECT_EQ(boost::json::parse(entries["demo-project.json"]).as_array().size(), 5u);
  EXPECT_FALSE(log_messages(last_state_, "example-1", "INFO").empty());

  // A number where the sample expects a string: the callback throws; the run gets an error
  // and the plugin keeps serving.
  auto failed = run_and_wait("example-2", "demo-project", R"({"separator-character": 5})");
  EXPECT_EQ(failed.at("error"), true);
  EXPECT_NE(std::string(failed.at("message").as_string()).find("callback"), std::string::npos);
  auto again = run_and_wait("example-3", "demo-project");
  EXPECT_EQ(again.at("export"), true);
}

}  // namespace
}  // namespace xport::test
