// The hub's network front over TLS, in-process on 127.0.0.1 with a throwaway CA
// (support/test_pki.hpp): REST routes, streamed upload/download, static files and the
// Engine.IO endpoint over https://, whole Socket.IO conversations with python3-socketio over
// wss:// and polling, a plain HTTP request on the TLS port (a 400, the server keeps serving),
// the handshake timeout, an early 413 reaching a client still sending the body, and unusable
// certificate/key files.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <cstdio>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>

#include "background_process.hpp"
#include "net/errors.hpp"
#include "net/http_client.hpp"
#include "oversized_body.hpp"
#include "raw_socket.hpp"
#include "support/test_pki.hpp"
#include "test_app.hpp"
#include "xport/errors.hpp"

namespace xport::hub::server::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using net::HttpClient;
using net::HttpResponse;

fs::path temp_dir(const std::string& name) {
  return fs::temp_directory_path() /
         ("xport-hub-server-tls-" + std::to_string(::getpid()) + "-" + name);
}

// One CA and server certificate for the whole suite (openssl takes a moment).
fs::path g_pki;

ServerTls server_tls() {
  ServerTls tls{g_pki / "server.pem", g_pki / "server.key"};
  tls.handshake_timeout = 500ms;
  return tls;
}

net::ClientOptions client_options(bool trust_ca = true) {
  net::ClientOptions o;
  o.connect_timeout = 5s;
  o.idle_timeout = 10s;
  o.max_redirects = 0;
  if (trust_ca) o.tls.ca_file = (g_pki / "ca.pem").string();
  return o;
}

HttpResponse call(const std::string& method, const std::string& url, std::string body = {}) {
  HttpClient client(client_options());
  net::Request r;
  r.method = method;
  r.url = url;
  r.body = std::move(body);
  return client.request(r);
}

class HubServerTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_pki = temp_dir("pki");
    fs::remove_all(g_pki);
    fs::create_directories(g_pki);
    xport::test::make_test_pki(g_pki);
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(g_pki, ec);
  }
  void SetUp() override {
    std::string name = ::testing::UnitTest::GetInstance()->current_test_info()->name();
    std::replace(name.begin(), name.end(), '/', '_');
    app = std::make_unique<TestApp>(temp_dir(name), sio::ServerOptions{}, server_tls());
  }
  void TearDown() override {
    fs::path dir = app->dir;
    app.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::unique_ptr<TestApp> app;
};

TEST_F(HubServerTls, RoutesStaticFilesAndStreamedTransfersOverHttps) {
  ASSERT_EQ(app->base().rfind("https://", 0), 0u);
  HttpResponse r = call("GET", app->base() + "/api/projects/p%2042?q=x");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"id":"p 42","q":"x"})");
  r = call("GET", app->base() + "/app.js");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "export const x = 1;\n");
  EXPECT_EQ(call("POST", app->base() + "/api/echo", "0123456789abcdef").body, "0123456789abcdef");

  // Streamed both ways (file bodies over the TLS stream).
  fs::path src = app->dir / "big.bin";
  {
    std::ofstream out(src, std::ios::binary);
    std::string block(1 << 20, '\0');
    for (std::size_t i = 0; i < block.size(); ++i)
      block[i] = static_cast<char>(i * 7 + 3);
    for (int i = 0; i < 3; ++i)
      out << block;
  }
  HttpClient client(client_options());
  EXPECT_EQ(client.upload("PUT", app->base() + "/api/upload/t1", {}, src).body,
            R"({"size":3145728,"in_memory":0})");
  fs::path back = app->dir / "back.bin";
  EXPECT_EQ(client.download(app->base() + "/api/download/t1", {}, back), 3145728u);
  std::ifstream a(src, std::ios::binary), b(back, std::ios::binary);
  EXPECT_TRUE(std::equal(std::istreambuf_iterator<char>(a), {}, std::istreambuf_iterator<char>(b)));

  // The Engine.IO polling handshake.
  r = call("GET", app->base() + "/socket.io/?EIO=4&transport=polling");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body.rfind("0{\"sid\":", 0), 0u) << r.body;
}

TEST_F(HubServerTls, ClientsWithoutTheCaAreRefused) {
  HttpClient client(client_options(false));
  net::Request r;
  r.url = app->base() + "/app.js";
  try {
    client.request(r);
    FAIL() << "an untrusted certificate was accepted";
  } catch (const net::NetError& e) {
    EXPECT_NE(std::string(e.what()).find("certificate verify failed"), std::string::npos)
        << e.what();
  }
}

TEST_F(HubServerTls, PlainHttpOnTheTlsPortGetsA400AndTheServerKeepsServing) {
  std::string res = raw_exchange(app->server->port(),
                                 "GET /app.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(res.rfind("HTTP/1.1 400 ", 0), 0u) << res;
  EXPECT_NE(res.find("HTTPS only"), std::string::npos) << res;
  // A TLS record holding a ClientHello that is garbage: the handshake fails (at most an
  // alert comes back), the connection is closed.
  std::string garbage("\x16\x03\x01\x00\x40\x01\x00\x00\x3c\x03\x03", 11);
  garbage += std::string(58, 'x');
  EXPECT_EQ(raw_exchange(app->server->port(), garbage).find("HTTP/"), std::string::npos);
  EXPECT_EQ(call("GET", app->base() + "/app.js").status, 200);
}

TEST_F(HubServerTls, SilentConnectionsAreClosedAfterTheHandshakeTimeout) {
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(raw_exchange(app->server->port(), ""), "");
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, 400ms);
  EXPECT_LT(took, 4s);  // not the 5 s receive timeout: the server closed it
  EXPECT_EQ(call("GET", app->base() + "/app.js").status, 200);
}

// Over TLS 1.1 the handshake is refused (TLS 1.2 is the floor).
TEST_F(HubServerTls, Tls11IsRefused) {
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl CLI";
  auto port = std::to_string(app->server->port());
  auto r12 = xport::test::run("echo | openssl s_client -connect 127.0.0.1:" + port +
                              " -tls1_2 -CAfile " + (g_pki / "ca.pem").string());
  EXPECT_NE(r12.out.find("Verify return code: 0 (ok)"), std::string::npos) << r12.out << r12.err;
  auto r11 = xport::test::run("echo | openssl s_client -connect 127.0.0.1:" + port +
                              " -tls1_1 -cipher DEFAULT@SECLEVEL=0 -CAfile " +
                              (g_pki / "ca.pem").string());
  EXPECT_NE(r11.exit_code, 0) << r11.out;
  EXPECT_NE(r11.out.find("no peer certificate available"), std::string::npos) << r11.out;
}

// A request body over the route's limit, still being sent when the 413 comes (by
// Content-Length, or once the body passes the limit): the client reads the 413 and its
// message, not a reset, since the server drains the body before closing (lingering close).
// Repeated, since a reset is a race.
// On loopback Linux still hands over an answer that came before the reset, so the reset
// shows as the writer's "connection reset by peer": hence the write_error checks.
TEST_F(HubServerTls, EarlyAnswersReachClientsStillSendingTheBody) {
  boost::asio::io_context io;
  boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
  ctx.load_verify_file((g_pki / "ca.pem").string());
  ctx.set_verify_mode(boost::asio::ssl::verify_peer);
  auto open = [&] {
    auto s = std::make_unique<boost::asio::ssl::stream<boost::asio::ip::tcp::socket>>(io, ctx);
    s->next_layer().connect({boost::asio::ip::make_address("127.0.0.1"), app->server->port()});
    s->handshake(boost::asio::ssl::stream_base::client);
    return s;
  };
  auto done = [](auto& s) {
    boost::system::error_code ec;
    s.shutdown(ec);  // close_notify both ways: the server answers it
  };
  check_early_answers(app->base(), client_options(), app->dir, open, done);
  EXPECT_EQ(call("GET", app->base() + "/app.js").status, 200);
}

class PythonTlsClient : public HubServerTls, public ::testing::WithParamInterface<std::string> {};

// python-engineio's websocket client reads on one thread and writes on another over one
// ssl.SSLSocket, which OpenSSL does not support: now and then (about 1 run in 40 here) the
// client's own TLS state breaks, it drops the link (logging "WebSocket connection was
// closed, aborting" when it logs) and resets the connection: the server sees ECONNRESET
// mid-conversation. That attempt is repeated, at most twice; any other failure, or a
// drop three times in a row, fails the test.
bool python_dropped_its_own_link(const xport::test::BackgroundProcess& py) {
  // The drop shows as the client's disconnect handler running before the server's push
  // (nothing in the conversation disconnects it earlier).
  const std::string out = py.out();
  const auto disconnected = out.find("DISCONNECTED");
  return disconnected != std::string::npos && disconnected < out.find("WAITPUSH");
}

TEST_P(PythonTlsClient, SocketIoConversation) {
  if (!fs::exists("/usr/bin/python3")) GTEST_SKIP() << "no /usr/bin/python3";
  if (std::system("/usr/bin/python3 -c 'import socketio, websocket, requests' 2>/dev/null") != 0)
    GTEST_FAIL() << "python3-socketio / python3-websocket / python3-requests not installed "
                    "(scripts/install-deps.sh installs them)";
  const std::string mode = GetParam();
  for (int attempt = 1;; ++attempt) {
    xport::test::BackgroundProcess py(
        "sio_client_tls_" + mode + "_" + std::to_string(attempt),  // fresh output files
        {"/usr/bin/python3", std::string(XPORT_HUB_SERVER_TEST_DIR) + "/sio_client.py", app->base(),
         mode, (g_pki / "ca.pem").string()},
        app->dir);
    std::string failure;
    try {
      py.wait_for_output("(WAITPUSH|ERROR.*)", 20s);
      if (py.out().find("WAITPUSH") == std::string::npos)
        throw std::runtime_error("the client stopped before the push");
      auto sockets = app->server->sio().sockets("/plugin");
      if (sockets.size() != 1u) throw std::runtime_error("the client's socket is gone");
      EXPECT_TRUE(app->server->sio().emit(sockets[0].id, "/plugin", "push",
                                          boost::json::array{boost::json::object{{"n", 1}}}));
      py.wait_for_output("(DONE|ERROR.*)", 20s);
    } catch (const std::exception& e) {
      failure = e.what();
    }
    py.wait_exit(10s);
    if (attempt < 3 && python_dropped_its_own_link(py)) {
      std::fprintf(stderr, "attempt %d: the python client dropped its own TLS link; again\n",
                   attempt);
      app->wait_log([this](const std::vector<std::string>&) {
        return app->server->sio().session_count() == 0;
      });
      continue;
    }
    ASSERT_TRUE(failure.empty()) << failure << "\nstdout:\n"
                                 << py.out() << "\nstderr:\n"
                                 << py.err();
    const std::string out = py.out();
    SCOPED_TRACE(out + "\nstderr:\n" + py.err());
    EXPECT_NE(out.find(R"(ACK {"a": 1, "s": "\u00e9\u2028"})"), std::string::npos);
    EXPECT_NE(out.find(R"(BINACK [1, "000102ff"])"), std::string::npos);
    EXPECT_NE(out.find(R"(GOTACK {"ok": true, "session": "run-1"})"), std::string::npos);
    EXPECT_NE(out.find(R"(PUSH {"n": 1})"), std::string::npos);
    EXPECT_NE(out.find(std::string("TRANSPORT ") + (mode == "polling" ? "polling" : "websocket")),
              std::string::npos);
    EXPECT_NE(out.find("REFUSED yes"), std::string::npos);
    EXPECT_NE(out.find("DONE"), std::string::npos);
    if (mode == "default") {
      EXPECT_NE(py.err().find("WebSocket upgrade was successful"), std::string::npos);
    }
    EXPECT_TRUE(app->wait_log([this](const std::vector<std::string>&) {
      return app->server->sio().session_count() == 0;
    }));
    break;
  }
}

INSTANTIATE_TEST_SUITE_P(Transports, PythonTlsClient,
                         ::testing::Values("websocket", "polling", "default"));

// ---- unusable files: errors name the file and say why, before anything listens

template <class Error>
std::string expect_error(const ServerTls& tls) {
  try {
    check_tls_files(tls);
    ServerOptions o;
    o.tls = tls;
    Server server(o);
  } catch (const Error& e) {
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "wrong error type: " << e.what();
    return {};
  }
  ADD_FAILURE() << "no error";
  return {};
}

TEST_F(HubServerTls, UnusableCertificateOrKeyFilesAreReported) {
  fs::path missing = app->dir / "missing.key";
  std::string e = expect_error<IoError>({g_pki / "server.pem", missing});
  EXPECT_NE(e.find(missing.string()), std::string::npos) << e;
  EXPECT_NE(e.find("No such file or directory"), std::string::npos) << e;

  fs::path garbage = app->dir / "garbage.pem";
  write_file(garbage, "this is not PEM\n");
  e = expect_error<ConfigError>({g_pki / "server.pem", garbage});
  EXPECT_NE(e.find("TLS key file '" + garbage.string() + "'"), std::string::npos) << e;
  e = expect_error<ConfigError>({garbage, g_pki / "server.key"});
  EXPECT_NE(e.find("TLS certificate file '" + garbage.string() + "'"), std::string::npos) << e;
  EXPECT_NE(e.find("no start line"), std::string::npos) << e;  // OpenSSL's reason

  // A key that belongs to another certificate.
  e = expect_error<ConfigError>({g_pki / "server.pem", g_pki / "wrong.key"});
  EXPECT_NE(e.find("wrong.key"), std::string::npos) << e;
  EXPECT_NE(e.find("mismatch"), std::string::npos) << e;
}

}  // namespace
}  // namespace xport::hub::server::test
