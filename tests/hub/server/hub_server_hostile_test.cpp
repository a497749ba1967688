// Requests an attacker or a bad network sends, against the hub's network front in-process on
// 127.0.0.1: chunked trailers too large for Beast's field container (they used to end the
// process), Engine.IO polling bodies declared larger than maxPayload (they used to be read
// whole into memory), and slow transfers that keep moving (the idle timeout used to cut every
// body read or write at one whole timeout, however fast bytes flowed).
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "raw_socket.hpp"
#include "test_app.hpp"

namespace xport::hub::server::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

fs::path work_dir(const std::string& name) {
  return fs::temp_directory_path() /
         ("xport-hub-hostile-" + std::to_string(::getpid()) + "-" + name);
}

std::string test_name() {
  return ::testing::UnitTest::GetInstance()->current_test_info()->name();
}

int status_of(const std::string& response) {
  if (response.rfind("HTTP/1.1 ", 0) != 0) return -1;
  return std::stoi(response.substr(9, 3));
}

// The server still answers an ordinary request on a new connection.
void expect_still_serving(std::uint16_t port) {
  std::string res =
      raw_exchange(port, "GET /api/projects/7 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(res), 200) << res;
  EXPECT_NE(res.find(R"("id":"7")"), std::string::npos) << res;
}

// A chunked request with one 1-byte chunk, then a trailer field of `value_bytes` bytes.
std::string chunked_with_trailer(const std::string& method, const std::string& target,
                                 std::size_t value_bytes) {
  return method + " " + target +
         " HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
         "1\r\na\r\n0\r\nX-Trailer: " +
         std::string(value_bytes, 'v') + "\r\n\r\n";
}

// The polling handshake; returns the new Engine.IO session id.
std::string polling_handshake(std::uint16_t port) {
  std::string res = raw_exchange(
      port,
      "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  std::size_t at = res.find(R"("sid":")");
  if (at == std::string::npos) return {};
  at += 7;
  return res.substr(at, res.find('"', at) - at);
}

class HubServerHostileTest : public ::testing::Test {
 protected:
  void start(sio::ServerOptions sio = {}, std::chrono::milliseconds idle = 60s,
             const std::function<void(ServerOptions&)>& tune = {}) {
    app = std::make_unique<TestApp>(work_dir(test_name()), sio, std::nullopt, idle, tune);
    port = app->server->port();  // TestApp starts it
  }
  void TearDown() override {
    if (!app) return;
    fs::path dir = app->dir;
    app.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::unique_ptr<TestApp> app;
  std::uint16_t port = 0;
};

// ---- chunked trailers

// A balancer in front of several hubs pins a polling session to the hub that made it by this
// header (deploy/haproxy.cfg: stick store-response res.hdr(X-Xport-Sid)).
TEST_F(HubServerHostileTest, PollingHandshakeRepeatsTheSessionIdInAHeaderForBalancers) {
  start();
  const std::string res = raw_exchange(
      port,
      "GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const std::size_t at = res.find(R"("sid":")");
  ASSERT_NE(at, std::string::npos) << res;
  const std::string sid = res.substr(at + 7, res.find('"', at + 7) - at - 7);
  EXPECT_NE(res.find("X-Xport-Sid: " + sid + "\r\n"), std::string::npos) << res;
  // Later requests of the session do not repeat it.
  const std::string poll =
      raw_exchange(port, "POST /socket.io/?EIO=4&transport=polling&sid=" + sid +
                             " HTTP/1.1\r\nHost: x\r\nContent-Length: "
                             "2\r\nConnection: close\r\n\r\n40");
  EXPECT_NE(poll.find("200 OK"), std::string::npos) << poll;
  EXPECT_EQ(poll.find("X-Xport-Sid"), std::string::npos) << poll;
}

TEST_F(HubServerHostileTest, TrailerFieldTooLargeForBeastIsRefusedOnEveryBodyRoute) {
  start();
  // 65,534 bytes is the first size Beast's fields container throws std::length_error for.
  for (std::size_t size : {std::size_t{65534}, std::size_t{200000}}) {
    SCOPED_TRACE("trailer field of " + std::to_string(size) + " bytes");
    // In memory (POST /api/echo) and streamed to a file (PUT /api/upload/..).
    for (const auto& [method, target] :
         {std::pair{"POST", "/api/echo"}, std::pair{"PUT", "/api/upload/t.bin"}}) {
      std::string res = raw_exchange(port, chunked_with_trailer(method, target, size));
      EXPECT_EQ(status_of(res), 431) << target << ": " << res.substr(0, 200);
      EXPECT_NE(res.find("request trailer fields too large"), std::string::npos) << res;
    }
    // The Engine.IO polling POST reads its body the same way.
    std::string sid = polling_handshake(port);
    ASSERT_FALSE(sid.empty());
    std::string res = raw_exchange(
        port, chunked_with_trailer("POST", "/socket.io/?EIO=4&transport=polling&sid=" + sid, size));
    EXPECT_EQ(status_of(res), 400) << res.substr(0, 200);
    expect_still_serving(port);
  }
  // No partial upload is left behind.
  EXPECT_TRUE(fs::is_empty(app->dir / "uploads"));
}

TEST_F(HubServerHostileTest, MalformedRequestsAndSmugglingPairsAreAnswered400) {
  start();
  const std::pair<const char*, std::string> cases[] = {
      {"a bad version", "GET / HTTP/9.9\r\nHost: x\r\n\r\n"},
      {"a control character in the target", "GET /a\x01b HTTP/1.1\r\nHost: x\r\n\r\n"},
      {"a field without a colon", "GET / HTTP/1.1\r\nHost: x\r\nNo colon here\r\n\r\n"},
      {"a Content-Length beside chunked",
       "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
       "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
      {"two Content-Lengths that differ",
       "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n"
       "hello"},
      {"a Content-Length that is not a number",
       "POST /api/echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5x\r\n\r\nhello"},
  };
  for (const auto& [what, bytes] : cases) {
    const std::string res = raw_exchange(port, bytes);
    EXPECT_EQ(status_of(res), 400) << what << ": " << res.substr(0, 300);
    EXPECT_NE(res.find("malformed HTTP request"), std::string::npos) << what << ": " << res;
  }
  expect_still_serving(port);
}

TEST_F(HubServerHostileTest, TrailerThatNeverEndsIsCutAtTheReadBufferBound) {
  start();
  // 4 MiB of trailer fields, each small enough for Beast, together past the 1 MiB bound.
  std::string request =
      "POST /api/echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n";
  for (int i = 0; i < 1024; ++i)
    request += "X-T" + std::to_string(i) + ": " + std::string(4096, 'v') + "\r\n";
  request += "\r\n";
  std::string res = raw_exchange(port, request);
  EXPECT_EQ(status_of(res), 431) << res.substr(0, 200);
  expect_still_serving(port);
}

// ---- Engine.IO polling payloads

TEST_F(HubServerHostileTest, PollingPostDeclaredLargerThanMaxPayloadIsRefusedBeforeItsBody) {
  sio::ServerOptions sio;
  sio.max_payload = 1000;
  start(sio);
  std::string sid = polling_handshake(port);
  ASSERT_FALSE(sid.empty());
  // The head alone: the answer must come without the server waiting for (or reading) a body.
  RawConnection connection(port, 5);
  ASSERT_TRUE(connection.connected());
  auto began = std::chrono::steady_clock::now();
  connection.send(
      "POST /socket.io/?EIO=4&transport=polling&sid=" + sid +
      " HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 500000000\r\n\r\n");
  std::string res = connection.receive_all();
  EXPECT_EQ(status_of(res), 413) << res;
  EXPECT_NE(res.find("Payload too large"), std::string::npos) << res;
  EXPECT_LT(std::chrono::steady_clock::now() - began, 4s);
  // The session is closed. The close runs on the session's strand, so the next poll may still
  // find it and get its Engine.IO close packet ("1"); the one after that finds it gone.
  auto poll = [&] {
    return raw_exchange(port, "GET /socket.io/?EIO=4&transport=polling&sid=" + sid +
                                  " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  };
  std::string again = poll();
  if (status_of(again) == 200) {
    EXPECT_EQ(again.substr(again.find("\r\n\r\n") + 4), "1") << again;  // the close packet
    again = poll();
  }
  EXPECT_EQ(status_of(again), 400) << again;
  EXPECT_NE(again.find("Session ID unknown"), std::string::npos) << again;
  // Within the limit, a POST is still taken.
  std::string sid2 = polling_handshake(port);
  std::string ok = raw_exchange(port, "POST /socket.io/?EIO=4&transport=polling&sid=" + sid2 +
                                          " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                          "Content-Type: text/plain\r\nContent-Length: 1\r\n\r\n6");
  EXPECT_EQ(status_of(ok), 200) << ok;
}

// ---- what an error answer may say

TEST_F(HubServerHostileTest, ErrorAnswersNameTheServersDirectoriesNotTheirPaths) {
  const fs::path dir = work_dir(test_name());
  start({}, 60s, [&](ServerOptions& o) {
    o.private_paths = {{dir, "<data dir>"}, {"/", "<root>"}};
  });
  const std::string res = raw_exchange(
      port, "GET /api/fails-naming-a-path HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(status_of(res), 500) << res;
  EXPECT_NE(res.find("cannot open database <data dir>/hub.db"), std::string::npos) << res;
  EXPECT_EQ(res.find(dir.string() + "/"), std::string::npos) << res;
  // A longer name that only starts like the directory is not it; "/" alone is never hidden.
  EXPECT_NE(res.find(dir.string() + "-other"), std::string::npos) << res;
}

// ---- clients that send but never read what they are answered

// One `echo` event with an ack: the test app acks it with its payload (1 KB).
std::string echo_event(std::size_t ack_id) {
  return "42/plugin," + std::to_string(ack_id) + "[\"echo\",\"" + std::string(1000, 'x') + "\"]";
}

// A polling client POSTs events with acks and never fetches the acks with a GET: without a
// bound the session's outbox grew by 1 KB per event. The session is closed once they pass
// max_queued_bytes; the POST after that finds it gone. (A WebSocket client that reads
// nothing is not bounded yet: dropping it from the send path crashed once under load.)
TEST_F(HubServerHostileTest, APollingClientThatNeverFetchesItsAcksLosesItsSession) {
  sio::ServerOptions sio;
  sio.max_queued_bytes = 256 * 1024;
  start(sio);
  const std::string sid = polling_handshake(port);
  ASSERT_FALSE(sid.empty());
  auto post = [&](const std::string& body) {
    return raw_exchange(port, "POST /socket.io/?EIO=4&transport=polling&sid=" + sid +
                                  " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                  "Content-Type: text/plain\r\nContent-Length: " +
                                  std::to_string(body.size()) + "\r\n\r\n" + body);
  };
  ASSERT_EQ(status_of(post("40/plugin,")), 200);
  std::size_t ack = 0;
  int accepted = 0;
  for (int i = 0; i < 20; ++i) {  // 20 POSTs of 100 events: 2 MB of acks
    std::string body;
    for (int e = 0; e < 100; ++e)
      body += (body.empty() ? "" : "\x1e") + echo_event(++ack);
    if (status_of(post(body)) != 200) break;
    ++accepted;
  }
  EXPECT_LT(accepted, 20) << "the session kept taking events whose acks nobody fetched";
  EXPECT_GE(accepted, 2);  // 256 KiB is about 250 acks
  const std::string gone = post("6");
  EXPECT_EQ(status_of(gone), 400) << gone;
  EXPECT_NE(gone.find("Session ID unknown"), std::string::npos) << gone;
  expect_still_serving(port);
}

// ---- idle timeouts measure silence, not the whole transfer

TEST_F(HubServerHostileTest, SlowUploadThatKeepsSendingIsNotCut) {
  start({}, 600ms);
  RawConnection connection(port, 10);
  ASSERT_TRUE(connection.connected());
  const int pieces = 30;  // one KiB every 100 ms: 3 s, five idle timeouts
  ASSERT_TRUE(
      connection.send("PUT /api/upload/slow.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Content-Length: " +
                      std::to_string(pieces * 1024) + "\r\n\r\n"));
  for (int i = 0; i < pieces; ++i) {
    std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(connection.send(std::string(1024, 'u'))) << "cut after " << i << " KiB";
  }
  std::string res = connection.receive_all();
  EXPECT_EQ(status_of(res), 200) << res;
  EXPECT_NE(res.find(R"("size":30720)"), std::string::npos) << res;
  EXPECT_EQ(fs::file_size(app->dir / "uploads" / "done-slow.bin"), 30720u);
}

TEST_F(HubServerHostileTest, SlowDownloadThatKeepsReadingIsNotCut) {
  start({}, 600ms);
  const std::size_t size = std::size_t{24} << 20;
  {
    std::ofstream out(app->dir / "uploads" / "done-big.bin", std::ios::binary);
    std::string block(1 << 20, 'd');
    for (std::size_t i = 0; i < size >> 20; ++i)
      out << block;
  }
  RawConnection connection(port, 10, 16 * 1024);
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.send(
      "GET /api/download/big.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  // 256 KiB every 40 ms: about 4 s for the whole body, reads never more than 40 ms apart.
  std::string head;
  std::size_t body = 0;
  auto began = std::chrono::steady_clock::now();
  for (;;) {
    std::size_t got = 0;
    for (std::string part; got < 256 * 1024; got += part.size()) {
      part = connection.receive_some(64 * 1024);
      if (part.empty()) break;
      if (head.empty() || head.find("\r\n\r\n") == std::string::npos) {
        head += part;
        std::size_t end = head.find("\r\n\r\n");
        if (end != std::string::npos) body += head.size() - end - 4;
      } else {
        body += part.size();
      }
    }
    if (got < 256 * 1024) break;  // closed (or the 10 s receive timeout)
    std::this_thread::sleep_for(40ms);
  }
  EXPECT_EQ(status_of(head), 200) << head.substr(0, 200);
  EXPECT_EQ(body, size);
  EXPECT_GT(std::chrono::steady_clock::now() - began, 1200ms) << "not slow enough to test";
}

// ---- an overall cap per transfer: the minimum average rate

// 64 KiB/s required after a 1 s grace; the sender keeps sending (never idle for the 5 s idle
// timeout) but at 10 KiB/s: cut after about 1 s / (1 - 10/64) = 1.2 s, long before its 300 KiB
// would have taken (30 s).
TEST_F(HubServerHostileTest, UploadBelowTheMinimumRateIsCutThoughItNeverFallsSilent) {
  start({}, 5s, [](ServerOptions& o) {
    o.min_transfer_rate = 64 * 1024;
    o.slow_transfer_grace = 1s;
  });
  RawConnection connection(port, 10);
  ASSERT_TRUE(connection.connected());
  const auto began = std::chrono::steady_clock::now();
  ASSERT_TRUE(
      connection.send("PUT /api/upload/trickle.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Content-Length: 307200\r\n\r\n"));
  int sent = 0;
  for (; sent < 300 && std::chrono::steady_clock::now() - began < 10s; ++sent) {
    if (!connection.send(std::string(1024, 't'))) break;
    std::this_thread::sleep_for(100ms);
  }
  const auto cut_after = std::chrono::steady_clock::now() - began;
  EXPECT_LT(sent, 60) << "the server kept reading a 10 KiB/s upload";
  EXPECT_GE(cut_after, 1s);
  EXPECT_FALSE(fs::exists(app->dir / "uploads" / "done-trickle.bin"));
  expect_still_serving(port);
}

// The same cap with a sender above the rate: 1 MiB at ~200 KiB/s (5 s, past the grace) arrives.
TEST_F(HubServerHostileTest, UploadAboveTheMinimumRateIsNotCut) {
  start({}, 5s, [](ServerOptions& o) {
    o.min_transfer_rate = 64 * 1024;
    o.slow_transfer_grace = 1s;
  });
  RawConnection connection(port, 20);
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(
      connection.send("PUT /api/upload/steady.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      "Content-Length: 1048576\r\n\r\n"));
  for (int i = 0; i < 64; ++i) {
    ASSERT_TRUE(connection.send(std::string(16 * 1024, 's'))) << "cut after " << i * 16 << " KiB";
    std::this_thread::sleep_for(80ms);
  }
  std::string res = connection.receive_all();
  EXPECT_EQ(status_of(res), 200) << res;
  EXPECT_EQ(fs::file_size(app->dir / "uploads" / "done-steady.bin"), 1048576u);
}

TEST_F(HubServerHostileTest, UploadThatFallsSilentIsClosedAfterTheIdleTimeout) {
  start({}, 600ms);
  RawConnection connection(port, 10);
  ASSERT_TRUE(connection.connected());
  auto began = std::chrono::steady_clock::now();
  ASSERT_TRUE(connection.send(
      "PUT /api/upload/stalled.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 10000\r\n\r\n" +
      std::string(100, 's')));
  std::string res = connection.receive_all();  // ends when the server gives up
  auto waited = std::chrono::steady_clock::now() - began;
  EXPECT_GE(waited, 500ms);
  EXPECT_LT(waited, 5s);
  EXPECT_TRUE(res.empty() || status_of(res) == 400) << res;
  expect_still_serving(port);
  EXPECT_FALSE(fs::exists(app->dir / "uploads" / "done-stalled.bin"));
}

}  // namespace
}  // namespace xport::hub::server::test
