// TLS for HttpClient and WebSocketClient against the aiohttp test server with a certificate
// from a throwaway CA made by the openssl CLI.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include "net/http_client.hpp"
#include "net/websocket_client.hpp"
#include "support/net_test_server.hpp"

using namespace xport::net;
using testing::HasSubstr;
using xport::test::TempDir;
using xport::test::TestServer;

namespace {

class NetTls : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    why_skip_ = xport::test::server_unavailable();
    if (!why_skip_.empty()) return;
    if (!xport::test::exists("/usr/bin/openssl")) {
      why_skip_ = "no /usr/bin/openssl";
      return;
    }
    pki_ = new TempDir();
    xport::test::make_test_pki(pki_->path());
    server_ = new TestServer((*pki_ / "server.pem").string(), (*pki_ / "server.key").string());
    wrong_ = new TestServer((*pki_ / "wrong.pem").string(), (*pki_ / "wrong.key").string());
  }
  static void TearDownTestSuite() {
    delete server_;
    delete wrong_;
    delete pki_;
    server_ = wrong_ = nullptr;
    pki_ = nullptr;
  }
  void SetUp() override {
    if (!why_skip_.empty()) GTEST_SKIP() << why_skip_;
  }
  static ClientOptions with_ca() {
    ClientOptions o;
    o.tls.ca_file = (*pki_ / "ca.pem").string();
    return o;
  }

  static inline std::string why_skip_;
  static inline TempDir* pki_ = nullptr;
  static inline TestServer* server_ = nullptr;
  static inline TestServer* wrong_ = nullptr;
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const NetError& e) {
    return e.what();
  }
  return "(no NetError)";
}

// Runs one WebSocket connection to `url` and returns what happened: "open" then echo of
// "hello", or "error: <message>".
std::string websocket_round_trip(const std::string& url, const TlsOptions& tls) {
  boost::asio::io_context ioc;
  auto ws = WebSocketClient::create(ioc);
  std::string result;
  ws->on_text([&](std::string text) {
    result += "text:" + text;
    ws->close();
  });
  ws->on_close([&](std::string) { result += ";closed"; });
  ws->connect(
      url, tls,
      [&] {
        result += "open;";
        ws->send("hello");
      },
      [&](std::string message) { result = "error: " + message; });
  ioc.run_for(std::chrono::seconds(20));
  return result;
}

}  // namespace

TEST_F(NetTls, HttpsWithCaFile) {
  HttpClient client(with_ca());
  HttpResponse r = client.request({.url = server_->url("https", "/echo")});
  EXPECT_EQ(r.status, 200);
  // By name too (the certificate lists DNS:localhost), when localhost resolves to 127.0.0.1.
  r = client.request({.url = server_->url("https", "/echo", "localhost")});
  EXPECT_EQ(r.status, 200);
  TempDir dir;
  EXPECT_EQ(client.download(server_->url("https", "/big?size=3000000"), {}, dir / "b"), 3000000u);
  xport::test::write_file(dir / "u", std::string(100000, 'u'));
  EXPECT_EQ(client.upload("PUT", server_->url("https", "/upload"), {}, dir / "u").status, 200);
}

TEST_F(NetTls, HttpsFailsWithoutCaFile) {
  HttpClient client;
  std::string msg = message_of([&] { client.request({.url = server_->url("https", "/echo")}); });
  EXPECT_THAT(msg, HasSubstr("TLS handshake with 127.0.0.1:" + std::to_string(server_->port()) +
                             " failed: certificate verify failed"));
  EXPECT_THAT(msg, HasSubstr("GET https://127.0.0.1:"));
}

TEST_F(NetTls, HttpsFailsOnHostNameMismatch) {
  HttpClient client(with_ca());
  std::string msg = message_of([&] { client.request({.url = wrong_->url("https", "/echo")}); });
  EXPECT_THAT(msg, HasSubstr("certificate verify failed"));
  EXPECT_THAT(msg, HasSubstr("mismatch"));
}

TEST_F(NetTls, VerifyCanBeTurnedOff) {
  ClientOptions o;
  o.tls.verify = false;
  EXPECT_EQ(HttpClient(o).request({.url = wrong_->url("https", "/echo")}).status, 200);
}

TEST_F(NetTls, BadCaFileIsAClearError) {
  ClientOptions o;
  o.tls.ca_file = "/nonexistent/ca.pem";
  EXPECT_THAT(message_of([&] { HttpClient(o).request({.url = server_->url("https", "/echo")}); }),
              HasSubstr("cannot load CA file '/nonexistent/ca.pem'"));
}

TEST_F(NetTls, WssWithCaFile) {
  TlsOptions tls{.ca_file = (*pki_ / "ca.pem").string()};
  EXPECT_EQ(websocket_round_trip(server_->url("wss", "/ws"), tls), "open;text:hello;closed");
}

TEST_F(NetTls, WssFailsWithoutCaFileOrOnMismatch) {
  EXPECT_THAT(websocket_round_trip(server_->url("wss", "/ws"), {}),
              HasSubstr("error: TLS handshake with 127.0.0.1:" + std::to_string(server_->port()) +
                        " failed: certificate verify failed"));
  TlsOptions tls{.ca_file = (*pki_ / "ca.pem").string()};
  EXPECT_THAT(websocket_round_trip(wrong_->url("wss", "/ws"), tls),
              HasSubstr("certificate verify failed"));
}
