// `xport hub --bench` (issue 15 item 4) as a real process on 127.0.0.1, driven by the bench's
// own load generator (bench/sio/loadgen.cjs): sockets that heartbeat are registered whatever
// their id, `echo` is acked, GET /bench/dispatch reaches every registered socket and reports
// each answer, GET /bench/stats counts them. The figures themselves: bench/sio/compare.sh.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "background_process.hpp"
#include "net/http_client.hpp"
#include "temp_dir.hpp"

namespace xport::test {
namespace {

namespace json = boost::json;

const std::string kPeers = XPORT_SOURCE_DIR "/tests/peers/socketio-node/node_modules";

// Runs the load generator to its end; its one JSON line.
json::object loadgen(const TempDir& dir, const std::string& port,
                     std::vector<std::string> scenario) {
  std::vector<std::string> argv{"node", XPORT_SOURCE_DIR "/bench/sio/loadgen.cjs", kPeers + "/ws",
                                "http://127.0.0.1:" + port};
  argv.insert(argv.end(), scenario.begin(), scenario.end());
  BackgroundProcess gen("loadgen-" + scenario[0], argv, dir.path());
  std::optional<int> code = gen.wait_exit(std::chrono::seconds(60));
  EXPECT_EQ(code, 0) << gen.err();
  const std::string out = gen.out();
  return json::parse(out.empty() ? "{}" : out).as_object();
}

TEST(BenchMode, HeartbeatRegistersEchoAcksAndDispatchReachesEverySocket) {
  if (!std::filesystem::exists(kPeers + "/ws/package.json"))
    GTEST_FAIL() << kPeers << "/ws missing (scripts/install-npm-peers.sh)";
  TempDir dir;
  BackgroundProcess hub("hub", {XPORT_BINARY, "hub", "--bench", "--listen", "127.0.0.1:0"},
                        dir.path());
  const std::string port =
      hub.wait_for_output(R"(listening on http://127\.0\.0\.1:(\d+) )", std::chrono::seconds(20));
  ASSERT_FALSE(port.empty()) << hub.err();

  json::object d = loadgen(dir, port, {"dispatch", "5", "20"});
  EXPECT_EQ(d["impl"], "xport");
  EXPECT_EQ(d["clients"], 5);
  EXPECT_EQ(d["timed_out"], 0) << json::serialize(d);
  EXPECT_GT(d["p50_ms"].to_number<double>(), 0.0);

  json::object e = loadgen(dir, port, {"echo", "3", "1"});
  EXPECT_GT(e["acks_per_s"].to_number<double>(), 100.0) << json::serialize(e);

  // The generators are gone: nobody is registered, and a dispatch to nobody is complete.
  net::HttpClient client;
  net::Request stats_request;
  stats_request.url = "http://127.0.0.1:" + port + "/bench/stats";
  json::object stats;
  for (int i = 0; i < 100; ++i) {  // the server sees the generators' sockets close soon
    stats = json::parse(client.request(stats_request).body).as_object();
    if (stats["registered"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(stats["impl"], "xport");
  EXPECT_EQ(stats["registered"], 0);
  EXPECT_EQ(stats["pid"], hub.pid());
  net::Request dispatch_request;
  dispatch_request.url = "http://127.0.0.1:" + port + "/bench/dispatch?timeout_ms=100";
  json::object none = json::parse(client.request(dispatch_request).body).as_object();
  EXPECT_EQ(none["expected"], 0);
  EXPECT_EQ(none["timed_out"], false);
  // A timeout that is not an integer, whole, is refused saying which parameter.
  for (const char* bad : {"12abc", "soon", "1.5"}) {
    dispatch_request.url = "http://127.0.0.1:" + port + "/bench/dispatch?timeout_ms=" + bad;
    net::HttpResponse refused = client.request(dispatch_request);
    EXPECT_EQ(refused.status, 400) << bad;
    EXPECT_EQ(refused.body, R"({"message":"query parameter timeout_ms must be an integer"})")
        << bad;
  }
}

}  // namespace
}  // namespace xport::test
