// xport::net::WebSocketClient against the aiohttp test server.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>

#include <atomic>
#include <mutex>
#include <thread>

#include "net/websocket_client.hpp"
#include "support/net_test_server.hpp"

using namespace xport::net;
using testing::HasSubstr;

namespace {

class NetWebSocket : public xport::test::SharedTestServerTest {
 protected:
  static std::string url(const std::string& path) { return server_->url("ws", path); }
};

// What a connection reported, in order.
struct Log {
  std::vector<std::string> events;
  int opens = 0, closes = 0, errors = 0;
};

std::shared_ptr<WebSocketClient> wire(boost::asio::io_context& ioc, Log& log,
                                      WebSocketOptions options = {}) {
  auto ws = WebSocketClient::create(ioc, std::move(options));
  ws->on_text([&log](std::string s) { log.events.push_back("text:" + s); });
  ws->on_binary(
      [&log](std::string s) { log.events.push_back("binary:" + std::to_string(s.size())); });
  ws->on_close([&log](std::string reason) {
    ++log.closes;
    log.events.push_back("close:" + reason);
  });
  return ws;
}

}  // namespace

TEST_F(NetWebSocket, EchoesTextAndBinaryInOrderThenClosesGracefully) {
  boost::asio::io_context ioc;
  Log log;
  auto ws = wire(ioc, log);
  int received = 0;
  ws->on_text([&](std::string s) {
    log.events.push_back("text:" + s);
    if (++received == 3) ws->close();
  });
  ws->on_binary([&](std::string s) {
    log.events.push_back("binary:" + std::to_string(s.size()) + ":" +
                         std::to_string(static_cast<unsigned char>(s[0])));
    ++received;
  });
  ws->send("queued before open");  // waits for the connection
  ws->connect(
      url("/ws"), {},
      [&] {
        ++log.opens;
        ws->send(std::string("\x00\xff", 2) + std::string(1 << 20, 'b'), true);
        ws->send("second");
      },
      [&](std::string m) {
        ++log.errors;
        log.events.push_back("error:" + m);
      });
  ioc.run_for(std::chrono::seconds(20));
  EXPECT_EQ(log.opens, 1);
  EXPECT_EQ(log.errors, 0);
  EXPECT_EQ(log.closes, 1);
  EXPECT_THAT(log.events, testing::ElementsAre("text:queued before open",
                                               "binary:" + std::to_string((1 << 20) + 2) + ":0",
                                               "text:second", "close:closed by client"));
}

TEST_F(NetWebSocket, ServerCloseIsReportedOnce) {
  boost::asio::io_context ioc;
  Log log;
  auto ws = wire(ioc, log);
  ws->connect(
      url("/ws"), {}, [&] { ws->send("close-me"); }, [&](std::string) { ++log.errors; });
  ioc.run_for(std::chrono::seconds(20));
  EXPECT_EQ(log.closes, 1);
  EXPECT_THAT(log.events, testing::ElementsAre("close:closed by server (code 4000: bye)"));
  ws->close();  // after the end: nothing more happens
  ws->send("dropped");
  ioc.restart();
  ioc.run_for(std::chrono::milliseconds(200));
  EXPECT_EQ(log.closes, 1);
}

TEST_F(NetWebSocket, ImmediateServerClose) {
  boost::asio::io_context ioc;
  Log log;
  auto ws = wire(ioc, log);
  ws->connect(
      url("/ws-close"), {}, [&] { ++log.opens; }, [&](std::string) { ++log.errors; });
  ioc.run_for(std::chrono::seconds(20));
  EXPECT_EQ(log.opens, 1);
  EXPECT_EQ(log.closes, 1);
  EXPECT_THAT(log.events, testing::ElementsAre("close:closed by server (code 1001: going away)"));
}

TEST_F(NetWebSocket, SendsUserAgentAndHeaders) {
  boost::asio::io_context ioc;
  Log log;
  WebSocketOptions options;
  options.user_agent = "xport-test/1";
  options.headers = {{"X-Extra", "yes"}};
  auto ws = wire(ioc, log, options);
  std::string headers;
  ws->on_text([&](std::string s) {
    headers = s;
    ws->close();
  });
  ws->connect(
      url("/ws-headers"), {}, [] {}, [&](std::string) { ++log.errors; });
  ioc.run_for(std::chrono::seconds(20));
  EXPECT_THAT(headers, HasSubstr(R"("User-Agent": "xport-test/1")"));
  EXPECT_THAT(headers, HasSubstr(R"("X-Extra": "yes")"));
  EXPECT_EQ(log.closes, 1);
}

TEST_F(NetWebSocket, ConnectErrorsGoToOnErrorOnly) {
  boost::asio::io_context ioc;
  Log log;
  std::vector<std::string> errors;
  auto on_open = [&] { ++log.opens; };
  auto on_error = [&](std::string m) { errors.push_back(m); };
  auto a = wire(ioc, log);
  a->connect(url("/ws-reject"), {}, on_open, on_error);
  auto b = wire(ioc, log);
  b->connect("ws://127.0.0.1:1/ws", {}, on_open, on_error);
  auto c = wire(ioc, log);
  c->connect("wss://", {}, on_open, on_error);
  // (Not until the context runs dry: Beast may keep a handshake timer armed after a failure.)
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (errors.size() < 3 && std::chrono::steady_clock::now() < deadline) {
    ioc.run_one_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(log.opens, 0);
  EXPECT_EQ(log.closes, 0);
  ASSERT_EQ(errors.size(), 3u);
  std::string all = errors[0] + "|" + errors[1] + "|" + errors[2];
  EXPECT_THAT(all, HasSubstr("WebSocket handshake with ws://127.0.0.1:"));
  EXPECT_THAT(all, HasSubstr("(HTTP 403 Forbidden)"));
  EXPECT_THAT(all, HasSubstr("connect to 127.0.0.1:1 failed"));
  EXPECT_THAT(all, HasSubstr("has no host"));
}

TEST_F(NetWebSocket, CloseWhileConnectingAbandonsTheAttempt) {
  boost::asio::io_context ioc;
  Log log;
  auto ws = wire(ioc, log);
  std::string error;
  ws->connect(
      url("/ws"), {}, [&] { ++log.opens; }, [&](std::string m) { error = m; });
  ws->close();
  ioc.run_for(std::chrono::seconds(20));
  EXPECT_EQ(log.opens, 0);
  EXPECT_EQ(log.closes, 0);
  EXPECT_THAT(error, HasSubstr("abandoned"));
}

TEST_F(NetWebSocket, MessageSizeLimit) {
  boost::asio::io_context ioc;
  Log log;
  WebSocketOptions options;
  options.max_message = 1000;
  auto ws = wire(ioc, log, options);
  ws->connect(
      url("/ws"), {}, [&] { ws->send(std::string(5000, 'x')); },
      [&](std::string) { ++log.errors; });
  ioc.run_for(std::chrono::seconds(20));
  EXPECT_EQ(log.closes, 1);
  ASSERT_EQ(log.events.size(), 1u);
  EXPECT_THAT(log.events[0], HasSubstr("larger than the limit of 1000 bytes"));
}

TEST_F(NetWebSocket, SendFromOtherThreadsWithMultiThreadedContext) {
  boost::asio::io_context ioc;
  auto guard = boost::asio::make_work_guard(ioc);
  std::vector<std::thread> runners;
  for (int i = 0; i < 3; ++i)
    runners.emplace_back([&] { ioc.run(); });

  std::mutex m;
  std::condition_variable cv;
  bool open = false;
  std::atomic<int> received{0};
  std::atomic<int> closes{0};
  auto ws = WebSocketClient::create(ioc);
  ws->on_text([&](std::string) { ++received; });
  ws->on_close([&](std::string) {
    ++closes;
    cv.notify_all();
  });
  ws->connect(
      url("/ws"), {},
      [&] {
        std::lock_guard lock(m);
        open = true;
        cv.notify_all();
      },
      [&](std::string) { cv.notify_all(); });
  {
    std::unique_lock lock(m);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return open; });
  }
  ASSERT_TRUE(open);
  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&] {
      for (int i = 0; i < 50; ++i)
        ws->send("m" + std::to_string(i));
    });
  }
  for (auto& t : senders)
    t.join();
  for (int i = 0; i < 200 && received < 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(received.load(), 200);
  ws->close();
  {
    std::unique_lock lock(m);
    cv.wait_for(lock, std::chrono::seconds(10), [&] { return closes.load() == 1; });
  }
  EXPECT_EQ(closes.load(), 1);
  ws.reset();
  guard.reset();
  ioc.stop();
  for (auto& t : runners)
    t.join();
}

TEST_F(NetWebSocket, DroppingTheHandleClosesTheConnection) {
  boost::asio::io_context ioc;
  Log log;
  bool opened = false;
  {
    auto ws = wire(ioc, log);
    ws->connect(
        url("/ws"), {}, [&] { opened = true; }, [&](std::string) { ++log.errors; });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!opened && std::chrono::steady_clock::now() < deadline) {
      ioc.run_one_for(std::chrono::milliseconds(100));
    }
  }
  // With the handle gone, the connection closes and the io_context runs out of work.
  ioc.restart();
  auto start = std::chrono::steady_clock::now();
  ioc.run_for(std::chrono::seconds(20));
  EXPECT_TRUE(opened);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  EXPECT_EQ(log.closes, 0);  // callbacks are dropped with the handle
}
