// The hub's network front in-process on 127.0.0.1 (a free port): REST routes, parameters,
// 404/405/413 (also reaching a client still sending the body), uploads streamed to a file and
// downloads streamed from one, static files and path traversal attempts, the Engine.IO polling
// endpoint's errors, and whole Socket.IO conversations with Debian's python3-socketio client over
// websocket, polling, and polling upgraded to websocket.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <future>
#include <string>
#include <thread>

#include "background_process.hpp"
#include "net/errors.hpp"
#include "net/http_client.hpp"
#include "oversized_body.hpp"
#include "raw_socket.hpp"
#include "test_app.hpp"

namespace xport::hub::server::test {
namespace {

namespace fs = std::filesystem;
using net::HttpClient;
using net::HttpResponse;

fs::path work_dir(const std::string& name) {
  return fs::temp_directory_path() /
         ("xport-hub-server-" + std::to_string(::getpid()) + "-" + name);
}

net::ClientOptions client_options() {
  net::ClientOptions o;
  o.connect_timeout = std::chrono::seconds(5);
  o.idle_timeout = std::chrono::seconds(10);
  o.max_redirects = 0;
  return o;
}

HttpResponse call(const std::string& method, const std::string& url, std::string body = {},
                  net::Headers headers = {}) {
  HttpClient client(client_options());
  net::Request r;
  r.method = method;
  r.url = url;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return client.request(r);
}

int raw_status(std::uint16_t port, const std::string& target) {
  std::string res =
      raw_exchange(port, "GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  if (res.rfind("HTTP/1.1 ", 0) != 0) return -1;
  return std::stoi(res.substr(9, 3));
}

class HubServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = info->name();
    std::replace(name.begin(), name.end(), '/', '_');  // parameterised tests: "Name/0"
    app = std::make_unique<TestApp>(work_dir(name));
  }
  void TearDown() override {
    fs::path dir = app->dir;
    app.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::unique_ptr<TestApp> app;
};

// ---- REST

TEST_F(HubServerTest, RoutesBindParametersAndQuery) {
  HttpResponse r = call("GET", app->base() + "/api/projects/p%2042?q=a+b%26c");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"id":"p 42","q":"a b&c"})");
  EXPECT_EQ(r.header("content-type"), "application/json");
  EXPECT_EQ(call("GET", app->base() + "/api/projects/new").body, R"({"literal":true})");
  EXPECT_EQ(call("GET", app->base() + "/api/projects/7/runs/r9").body, R"({"id":"7","run":"r9"})");
  EXPECT_EQ(call("GET", app->base() + "/api/files/a/b/c.txt").body, "a/b/c.txt");
}

TEST_F(HubServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  HttpResponse r = call("GET", app->base() + "/api/nothing");
  EXPECT_EQ(r.status, 404);
  EXPECT_NE(r.body.find("\"message\""), std::string::npos);
  r = call("DELETE", app->base() + "/api/projects/1");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.header("allow"), "GET, HEAD");
  EXPECT_EQ(call("GET", app->base() + "/api/projects/1/runs").status, 404);
}

TEST_F(HubServerTest, BodyLimitIs413AndHandlerErrorsAreJson) {
  HttpResponse r = call("POST", app->base() + "/api/echo", "0123456789abcdef",
                        {{"Content-Type", "text/x-test"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "0123456789abcdef");
  EXPECT_EQ(r.header("content-type"), "text/x-test");
  r = call("POST", app->base() + "/api/echo", "0123456789abcdefX");
  EXPECT_EQ(r.status, 413);
  // Chunked bodies (no Content-Length) are cut while they arrive.
  std::string chunked =
      raw_exchange(app->server->port(),
                   "POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                   "10\r\n0123456789abcdef\r\n5\r\nmore!\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.rfind("HTTP/1.1 413", 0), 0u) << chunked;
  r = call("POST", app->base() + "/api/fail");
  EXPECT_EQ(r.status, 409);
  EXPECT_EQ(r.body, R"({"message":"conflict here"})");
  r = call("POST", app->base() + "/api/crash");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, R"({"message":"boom"})");
}

// A client still sending a body the server refused early (413 by Content-Length, or once
// the body passes the limit) reads the answer instead of "connection reset": the server
// drains the body before closing (lingering close). Repeated, since a reset is a race.
// On loopback Linux still hands over an answer that came before the reset, so the reset
// shows as the writer's "connection reset by peer": hence the write_error checks.
TEST_F(HubServerTest, EarlyAnswersReachClientsStillSendingTheBody) {
  boost::asio::io_context io;
  auto open = [&] {
    auto s = std::make_unique<boost::asio::ip::tcp::socket>(io);
    s->connect({boost::asio::ip::make_address("127.0.0.1"), app->server->port()});
    return s;
  };
  check_early_answers(app->base(), client_options(), app->dir, open, [](auto&) {});
  EXPECT_EQ(call("GET", app->base() + "/app.js").status, 200);
}

// A client that sends no body and waits (as with Expect: 100-continue): the lingering does
// not delay the answer's end, the server's half-close ends it at once.
TEST_F(HubServerTest, EarlyAnswerEndsAtOnceForAClientNotSendingTheBody) {
  auto start = std::chrono::steady_clock::now();
  std::string res = raw_exchange(
      app->server->port(), "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(res.rfind("HTTP/1.1 413", 0), 0u) << res;
  EXPECT_LT(took, std::chrono::seconds(4));  // the server's FIN came at once (TCP half-close)
  EXPECT_EQ(call("GET", app->base() + "/app.js").status, 200);
}

TEST_F(HubServerTest, UploadStreamsToAFileAndDownloadStreamsItBack) {
  fs::path src = app->dir / "big.bin";
  {
    std::ofstream out(src, std::ios::binary);
    std::string block(1 << 20, '\0');
    for (std::size_t i = 0; i < block.size(); ++i)
      block[i] = static_cast<char>(i * 7 + 3);
    for (int i = 0; i < 5; ++i)
      out << block;
  }
  HttpClient client(client_options());
  HttpResponse up = client.upload("PUT", app->base() + "/api/upload/x1", {}, src);
  EXPECT_EQ(up.body, R"({"size":5242880,"in_memory":0})");
  fs::path back = app->dir / "back.bin";
  EXPECT_EQ(client.download(app->base() + "/api/download/x1", {}, back), 5242880u);
  std::ifstream a(src, std::ios::binary), b(back, std::ios::binary);
  EXPECT_TRUE(std::equal(std::istreambuf_iterator<char>(a), {}, std::istreambuf_iterator<char>(b)));
  HttpResponse head = call("HEAD", app->base() + "/api/download/x1");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("content-length"), "5242880");
  EXPECT_EQ(head.header("content-disposition"), "attachment; filename=\"result.zip\"");
  // No temporary upload files are left behind.
  for (const auto& e : fs::directory_iterator(app->dir / "uploads"))
    EXPECT_EQ(e.path().filename().string().rfind("done-", 0), 0u) << e.path();
  EXPECT_EQ(call("GET", app->base() + "/api/download/missing").status, 404);
}

TEST_F(HubServerTest, GeneratedFilesAreRemovedOnceOpenedForSending) {
  HttpResponse r = call("GET", app->base() + "/api/generated");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "generated result");
  EXPECT_FALSE(fs::exists(app->dir / "generated.tmp"));
}

TEST_F(HubServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  std::string res =
      raw_exchange(app->server->port(),
                   "GET /api/projects/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                   "GET /api/projects/2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_NE(res.find(R"({"id":"1","q":""})"), std::string::npos) << res;
  EXPECT_NE(res.find(R"({"id":"2","q":""})"), std::string::npos) << res;
}

// ---- static files

TEST_F(HubServerTest, StaticFilesWithContentTypes) {
  HttpResponse r = call("GET", app->base() + "/");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "<!doctype html><title>hub</title>");
  EXPECT_EQ(r.header("content-type"), "text/html; charset=utf-8");
  r = call("GET", app->base() + "/app.js");
  EXPECT_EQ(r.header("content-type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(r.body, "export const x = 1;\n");
  r = call("GET", app->base() + "/css/style.css");
  EXPECT_EQ(r.header("content-type"), "text/css; charset=utf-8");
  EXPECT_EQ(call("GET", app->base() + "/nope.js").status, 404);
  EXPECT_EQ(call("POST", app->base() + "/app.js").status, 404);
  // Only the UI's own kinds of files: no notes, manifests, scripts or npm packages.
  for (const char* other : {"/README.md", "/package.json", "/package-lock.json",
                            "/node_modules/left-pad/index.js", "/build.sh"})
    EXPECT_EQ(call("GET", app->base() + other).status, 404) << other;
}

TEST_F(HubServerTest, PathTraversalIsRefused) {
  const std::uint16_t port = app->server->port();
  EXPECT_EQ(raw_status(port, "/app.js"), 200);
  for (const char* target :
       {"/../secret.txt", "/%2e%2e/secret.txt", "/..%2fsecret.txt", "/css/../../secret.txt",
        "/css/%2e%2e/%2e%2e/secret.txt", "/%2e%2e%5csecret.txt", "/link.txt", "/.hidden",
        "/app.js%00.html", "//etc/passwd", "/css/..", "/%zz"}) {
    int status = raw_status(port, target);
    EXPECT_TRUE(status == 404 || status == 400) << target << " → " << status;
  }
}

// ---- Engine.IO polling endpoint

TEST_F(HubServerTest, PollingHandshakeAndErrors) {
  HttpResponse r = call("GET", app->base() + "/socket.io/?EIO=4&transport=polling");
  ASSERT_EQ(r.status, 200);
  ASSERT_EQ(r.body.rfind("0{\"sid\":\"", 0), 0u) << r.body;
  boost::json::object open = boost::json::parse(r.body.substr(1)).as_object();
  EXPECT_EQ(boost::json::serialize(open["upgrades"]), R"(["websocket"])");
  EXPECT_EQ(open.size(), 5u);
  std::string sid(open["sid"].as_string());
  EXPECT_EQ(app->server->sio().session_count(), 1u);

  EXPECT_EQ(call("GET", app->base() + "/socket.io/?EIO=3&transport=polling").status, 400);
  EXPECT_EQ(call("GET", app->base() + "/socket.io/?EIO=4&transport=carrier").status, 400);
  r = call("GET", app->base() + "/socket.io/?EIO=4&transport=polling&sid=nope");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body, R"({"code":1,"message":"Session ID unknown"})");

  // CONNECT over POST, its answer over GET.
  r = call("POST", app->base() + "/socket.io/?EIO=4&transport=polling&sid=" + sid, "40/plugin,");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  r = call("GET", app->base() + "/socket.io/?EIO=4&transport=polling&sid=" + sid);
  EXPECT_EQ(r.body.rfind("40/plugin,{\"sid\":\"", 0), 0u) << r.body;
  // A malformed packet closes the session.
  call("POST", app->base() + "/socket.io/?EIO=4&transport=polling&sid=" + sid, "4z");
  EXPECT_TRUE(app->wait_log([](const std::vector<std::string>& log) {
    return !log.empty() && log.back().find("protocol error") != std::string::npos;
  })) << app->snapshot().back();
  EXPECT_EQ(call("GET", app->base() + "/socket.io/?EIO=4&transport=polling&sid=" + sid).status,
            400);
}

TEST(HubServerTimeouts, ConnectTimeoutClosesSessionsThatJoinNothing) {
  sio::ServerOptions o;
  o.ping_interval_ms = 300;
  o.ping_timeout_ms = 200;
  o.connect_timeout = std::chrono::milliseconds(400);
  TestApp app(work_dir("connect-timeout"), o);
  HttpResponse r = call("GET", app.base() + "/socket.io/?EIO=4&transport=polling");
  ASSERT_EQ(r.status, 200);
  std::string sid(boost::json::parse(r.body.substr(1)).at("sid").as_string());
  // The next GET gets the ping (at 300 ms), then the close packet.
  r = call("GET", app.base() + "/socket.io/?EIO=4&transport=polling&sid=" + sid);
  EXPECT_EQ(r.body, "2");
  call("POST", app.base() + "/socket.io/?EIO=4&transport=polling&sid=" + sid, "3");
  r = call("GET", app.base() + "/socket.io/?EIO=4&transport=polling&sid=" + sid);
  EXPECT_EQ(r.body, "1");
  EXPECT_EQ(app.server->sio().session_count(), 0u);
  app.server->stop();
  std::error_code ec;
  fs::remove_all(app.dir, ec);
}

TEST(HubServerWorkers, BlockingRoutesLeaveTheNetworkThreadFree) {
  // One network thread. The blocking route holds its worker until the test releases it,
  // which happens only after /fast was answered: on the network thread it would deadlock
  // (until its 10 s bound) and /fast would time out.
  ServerOptions o;
  o.host = "127.0.0.1";
  o.port = 0;
  o.threads = 1;
  o.workers = 1;
  Server server(o);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> entered{false};
  RouteOptions blocking;
  blocking.blocking = true;
  server.router().get(
      "/slow",
      [&entered, released](Request&) {
        entered = true;
        released.wait_for(std::chrono::seconds(10));
        return Response::json(200, boost::json::object{{"slow", true}});
      },
      blocking);
  server.router().get("/fast", [](Request&) {
    return Response::json(200, boost::json::object{{"fast", true}});
  });
  server.start();
  const std::string base = "http://127.0.0.1:" + std::to_string(server.port());
  int slow_status = 0;
  std::thread slow([&] {
    try {
      slow_status = call("GET", base + "/slow").status;
    } catch (const std::exception&) {
      slow_status = -1;
    }
  });
  for (int i = 0; i < 500 && !entered; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_TRUE(entered.load());
  int fast_status = 0;
  try {
    fast_status = call("GET", base + "/fast").status;
  } catch (const std::exception& e) {
    ADD_FAILURE() << "/fast waited for the blocking handler: " << e.what();
  }
  EXPECT_EQ(fast_status, 200);
  release.set_value();
  slow.join();
  EXPECT_EQ(slow_status, 200);
  server.stop();
}

// ---- whole conversations with python-socketio

class PythonClientTest : public HubServerTest, public ::testing::WithParamInterface<std::string> {};

TEST_P(PythonClientTest, EchoAcksBinaryServerEmitsAndRefusal) {
  if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  if (std::system("/usr/bin/python3 -c 'import socketio, websocket' 2>/dev/null") != 0)
    GTEST_FAIL() << "python3-socketio / python3-websocket not installed "
                    "(scripts/install-deps.sh installs them)";
  const std::string mode = GetParam();
  xport::test::BackgroundProcess py(
      "sio_client_" + mode,
      {"/usr/bin/python3", std::string(XPORT_HUB_SERVER_TEST_DIR) + "/sio_client.py", app->base(),
       mode},
      app->dir);
  try {
    py.wait_for_output("WAITPUSH", std::chrono::seconds(20));
    auto sockets = app->server->sio().sockets("/plugin");
    ASSERT_EQ(sockets.size(), 1u);
    // From this (non-network) thread.
    EXPECT_TRUE(app->server->sio().emit(sockets[0].id, "/plugin", "push",
                                        boost::json::array{boost::json::object{{"n", 1}}}));
    EXPECT_FALSE(app->server->sio().emit("no-such-socket", "/plugin", "push", {}));
    py.wait_for_output("(DONE|ERROR.*)", std::chrono::seconds(20));
  } catch (const std::exception& e) {
    FAIL() << e.what() << "\nstdout:\n" << py.out();
  }
  ASSERT_TRUE(py.wait_exit(std::chrono::seconds(10)).has_value());
  const std::string out = py.out();
  SCOPED_TRACE(out + "\nstderr:\n" + py.err());
  const std::string expected_transport = mode == "polling" ? "polling" : "websocket";
  EXPECT_NE(out.find("CONNECTED "), std::string::npos);
  EXPECT_NE(out.find(R"(ACK {"a": 1, "s": "\u00e9\u2028"})"), std::string::npos);
  EXPECT_NE(out.find(R"(ECHOBACK [["x", 2]])"), std::string::npos);
  EXPECT_NE(out.find(R"(BINACK [1, "000102ff"])"), std::string::npos);
  EXPECT_NE(out.find(R"(PLUGIN {"session": "run-1"})"), std::string::npos);
  EXPECT_NE(out.find(R"(GOTACK {"ok": true, "session": "run-1"})"), std::string::npos);
  EXPECT_NE(out.find(R"(PUSH {"n": 1})"), std::string::npos);
  EXPECT_NE(out.find("TRANSPORT " + expected_transport), std::string::npos);
  EXPECT_NE(out.find("REFUSED yes"), std::string::npos);
  EXPECT_NE(out.find("DONE"), std::string::npos);
  if (mode == "default") {
    // Started on polling, upgraded with the probe.
    EXPECT_NE(py.err().find("WebSocket upgrade was successful"), std::string::npos);
  }
  EXPECT_TRUE(app->wait_log([](const std::vector<std::string>& log) {
    for (const auto& l : log)
      if (l.rfind("disconnect ", 0) == 0) return true;
    return false;
  }));
  auto log = app->snapshot();
  EXPECT_NE(std::find(log.begin(), log.end(), R"(heartbeat [{"id":"p1","secret":"s1"}])"),
            log.end());
  EXPECT_NE(std::find(log.begin(), log.end(), R"(plugin-ack [{"ok":true,"session":"run-1"}])"),
            log.end());
  EXPECT_TRUE(app->wait_log([this](const std::vector<std::string>&) {
    return app->server->sio().session_count() == 0;
  })) << app->server->sio().session_count();
}

INSTANTIATE_TEST_SUITE_P(Transports, PythonClientTest,
                         ::testing::Values("websocket", "polling", "default"));

}  // namespace
}  // namespace xport::hub::server::test
