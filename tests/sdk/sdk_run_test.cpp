// The SDK's pure parts: the `plugin` event's fields read tolerantly, the Socket.IO URL made
// from a platform host, the worker pool, the request helpers and the progress reporter.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "sdk/progress_reporter.hpp"
#include "sdk/run_fields.hpp"
#include "sdk/socket_url.hpp"
#include "sdk/worker_pool.hpp"
#include "xport/errors.hpp"
#include "xport/plugin.hpp"

namespace xport::sdk {
namespace {

RunFields fields(std::string_view json) {
  return RunFields::from(boost::json::parse(json).as_object());
}

TEST(RunFields, ReadsThePlatformsKeys) {
  auto r = fields(R"({"projectId":"p","apiKey":"k","orgId":"o","runBy":"u","session":"s",
                      "configJSON":"{\"a\":1}","batches":["b1","b2"],"stage":"Review",
                      "includeKeyFramesOnly":true,"unknownKey":{"x":1}})");
  EXPECT_EQ(r.problems, "");
  EXPECT_EQ(r.project_id, "p");
  EXPECT_EQ(r.api_key, "k");
  EXPECT_EQ(r.org_id, "o");
  EXPECT_EQ(r.run_by, "u");
  EXPECT_EQ(r.session, "s");
  EXPECT_EQ(r.config_json, R"({"a":1})");
  EXPECT_EQ(r.batches, (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(r.stage, "Review");
  EXPECT_EQ(r.key_frames_only, true);
}

TEST(RunFields, AbsentAndNullKeysTakeTheirDefaults) {
  // The platform's form: a list of stage ids; [] is no filter.
  EXPECT_EQ(fields(R"({"projectId":"p","stage":["s-1","s-2"]})").stage, R"(["s-1","s-2"])");
  EXPECT_FALSE(fields(R"({"projectId":"p","stage":[]})").stage.has_value());
  EXPECT_NE(fields(R"({"projectId":"p","stage":[1]})").problems.find("list of stage ids"),
            std::string::npos);
  auto r = fields(R"({"projectId":"p","configJSON":null,"batches":null,"stage":null})");
  EXPECT_EQ(r.problems, "");
  EXPECT_EQ(r.config_json, "{}");
  EXPECT_TRUE(r.batches.empty());
  EXPECT_FALSE(r.stage.has_value());
  EXPECT_FALSE(r.key_frames_only.has_value());
}

TEST(RunFields, NumericIdsAndAConfigObjectAreTolerated) {
  auto r = fields(R"({"projectId":42,"session":7,"configJSON":{"format":"coco"},
                      "batches":["a",null]})");
  EXPECT_EQ(r.problems, "");
  EXPECT_EQ(r.project_id, "42");
  EXPECT_EQ(r.session, "7");
  EXPECT_EQ(r.config_json, R"({"format":"coco"})");
  EXPECT_EQ(r.batches, (std::vector<std::string>{"a"}));
}

TEST(RunFields, WrongTypesAreNamed) {
  auto r = fields(R"({"session":"s","configJSON":5,"batches":"b","stage":3})");
  EXPECT_NE(r.problems.find("\"projectId\" is missing"), std::string::npos) << r.problems;
  EXPECT_NE(r.problems.find("\"configJSON\" must be a string"), std::string::npos);
  EXPECT_NE(r.problems.find("\"batches\" must be a list"), std::string::npos);
  EXPECT_NE(r.problems.find("\"stage\" must be a stage id or a list of stage ids"),
            std::string::npos);
  EXPECT_EQ(r.session, "s");  // still known, so the error response can name the run
}

TEST(SocketIoUrl, MapsHttpSchemesToWebSocketOnesAndKeepsPathPrefixes) {
  EXPECT_EQ(socket_io_url("https://api.ango.ai"),
            "wss://api.ango.ai/socket.io/?EIO=4&transport=websocket");
  EXPECT_EQ(socket_io_url("http://127.0.0.1:8080/"),
            "ws://127.0.0.1:8080/socket.io/?EIO=4&transport=websocket");
  EXPECT_EQ(socket_io_url("https://hub.example/prefix/"),
            "wss://hub.example/prefix/socket.io/?EIO=4&transport=websocket");
  EXPECT_EQ(socket_io_url("http://[::1]:9000"),
            "ws://[::1]:9000/socket.io/?EIO=4&transport=websocket");
}

TEST(SocketIoUrl, RejectsWhatIsNotAnHttpUrl) {
  EXPECT_THROW(socket_io_url("api.ango.ai"), ConfigError);
  EXPECT_THROW(socket_io_url("ftp://api.ango.ai"), ConfigError);
  EXPECT_THROW(socket_io_url(""), ConfigError);
}

TEST(WorkerPool, RunsJobsConcurrentlyAndSurvivesThrowingJobs) {
  WorkerPool pool(2);
  // Two jobs that each wait (10 s at most) until both have started: only a pool running
  // them at the same time lets both see the other.
  std::atomic<int> started{0};
  std::atomic<int> met{0};
  for (int i = 0; i < 2; ++i)
    pool.submit([&] {
      ++started;
      const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (started.load() < 2 && std::chrono::steady_clock::now() < give_up)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      if (started.load() == 2) ++met;
    });
  EXPECT_TRUE(pool.wait_idle(std::chrono::steady_clock::now() + std::chrono::seconds(30)));
  EXPECT_EQ(met.load(), 2);

  std::atomic<int> done{0};
  for (int i = 0; i < 20; ++i)
    pool.submit([&, i] {
      if (i % 5 == 0) throw std::runtime_error("job failed");
      ++done;
    });
  EXPECT_TRUE(pool.wait_idle(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
  EXPECT_EQ(done.load(), 16);
  EXPECT_EQ(pool.busy(), 0u);
}

TEST(WorkerPool, WaitIdleTimesOutWhileAJobRuns) {
  WorkerPool pool(1);
  std::atomic<bool> release{false};
  pool.submit([&] {
    while (!release)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
  });
  EXPECT_FALSE(pool.wait_idle(std::chrono::steady_clock::now() + std::chrono::milliseconds(50)));
  EXPECT_EQ(pool.busy(), 1u);
  release = true;
  EXPECT_TRUE(pool.wait_idle(std::chrono::steady_clock::now() + std::chrono::seconds(10)));
}

TEST(ExportPlugin, RejectsMissingCredentialsAndBadHostsBeforeConnecting) {
  auto cb = [](ExportRequest&) -> ExportResponse { return {std::string("x")}; };
  ExportPlugin no_id("", "s", cb);
  EXPECT_THROW(no_id.serve(), ConfigError);
  ExportPlugin no_secret("id", "", cb);
  EXPECT_THROW(no_secret.serve(), ConfigError);
  ExportPlugin no_callback("id", "s", nullptr);
  EXPECT_THROW(no_callback.serve(), ConfigError);
  ExportPlugin bad_host("id", "s", cb, "not a url");
  EXPECT_THROW(bad_host.serve(), ConfigError);
  // run() turns it into exit code 2 instead of an exception.
  EXPECT_EQ(run(no_id), kExitUsage);
}

TEST(ExportResponse, DefaultsMirrorThePythonSdk) {
  ExportResponse r{std::string("bytes")};
  EXPECT_EQ(r.file_name, "export.json");
  EXPECT_TRUE(r.file.in_memory());
  EXPECT_EQ(r.file.bytes(), "bytes");
  EXPECT_TRUE(r.storage_id.empty());
  ExportResponse f{std::filesystem::path("/tmp/x.zip"), "x.zip"};
  EXPECT_FALSE(f.file.in_memory());
  EXPECT_EQ(f.file.file(), "/tmp/x.zip");
}

}  // namespace
}  // namespace xport::sdk

namespace xport::sdk {
namespace {

// The reports a ProgressReporter sent, in order (it sends from its own thread).
struct SentReports {
  std::mutex mutex;
  std::vector<boost::json::object> sent;
  std::size_t size() {
    std::lock_guard lock(mutex);
    return sent.size();
  }
  boost::json::object last() {
    std::lock_guard lock(mutex);
    return sent.empty() ? boost::json::object{} : sent.back();
  }
};

TEST(ProgressReporter, SendsMovedCountersWhileRunningAndTheLastStateAtFinish) {
  auto progress = std::make_shared<RunProgress>();
  progress->assets_total = 10;
  SentReports reports;
  ProgressReporter reporter(progress, std::chrono::milliseconds(10), [&](boost::json::object b) {
    std::lock_guard lock(reports.mutex);
    reports.sent.push_back(std::move(b));
  });
  // Nothing moved: nothing sent (not a bar stuck at 0).
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(reports.size(), 0u);

  progress->assets_done = 4;
  for (int i = 0; i < 500 && reports.size() == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports.last(),
            (boost::json::object{{"assetsDone", 4}, {"assetsTotal", 10}, {"bytesDone", 0}}));
  std::this_thread::sleep_for(std::chrono::milliseconds(60));
  EXPECT_EQ(reports.size(), 1u);  // unchanged counters are not sent again

  // Past its total (a numTasks counted differently): shown at the total, which the hub checks.
  progress->assets_done = 12;
  progress->bytes_done = 700;
  progress->bytes_total = 700;
  reporter.finish();
  EXPECT_EQ(reports.last(),
            (boost::json::object{
                {"assetsDone", 10}, {"assetsTotal", 10}, {"bytesDone", 700}, {"bytesTotal", 700}}));
}

}  // namespace
}  // namespace xport::sdk
