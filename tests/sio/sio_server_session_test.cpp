// Tests for xport::sio::ServerSession: whole conversations with a scripted client, packet by
// packet, on fake time.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "sio/server_session.hpp"

namespace xport::sio {
namespace {

using namespace std::chrono_literals;
namespace json = boost::json;
using time_point = ServerSession::time_point;

struct Recorder {
  std::vector<eio::Packet> sent;
  std::vector<std::string> log;
  struct Event {
    std::string nsp, name;
    json::array args;
    std::vector<std::string> attachments;
    std::optional<std::uint64_t> ack_id;
  };
  std::vector<Event> events;
  bool refuse = false;

  ServerSession::Callbacks callbacks() {
    ServerSession::Callbacks cb;
    cb.send = [this](eio::Packet p) { sent.push_back(std::move(p)); };
    cb.on_connect = [this](const std::string& nsp, const json::value& auth) {
      log.push_back("connect " + nsp + " " + json::serialize(auth));
      if (refuse || nsp == "/nope") return ConnectResult::refuse("Invalid namespace");
      return ConnectResult::accept("sock" + nsp);
    };
    cb.on_event = [this](const std::string& nsp, const std::string& name, json::array args,
                         std::vector<std::string> att, std::optional<std::uint64_t> id) {
      events.push_back({nsp, name, std::move(args), std::move(att), id});
    };
    cb.on_disconnect = [this](const std::string& nsp, const std::string& sock,
                              const std::string& reason) {
      log.push_back("disconnect " + nsp + " " + sock + " " + reason);
    };
    cb.on_close = [this](const std::string& reason) { log.push_back("close " + reason); };
    return cb;
  }
  // Text of the sent packets as they would go on a WebSocket.
  std::vector<std::string> frames() const {
    std::vector<std::string> out;
    for (const auto& p : sent)
      out.push_back(p.binary ? "<bin:" + p.data + ">" : eio::encode_ws(p));
    return out;
  }
};

class ServerSessionTest : public ::testing::Test {
 protected:
  ServerSessionTest() : session("SID1", options(), rec.callbacks()) {}
  static ServerOptions options() {
    ServerOptions o;
    o.ping_interval_ms = 300;
    o.ping_timeout_ms = 200;
    o.connect_timeout = 1000ms;
    return o;
  }
  void open() {
    session.open(t0, {"websocket"});
    rec.sent.clear();
  }
  void join(const std::string& nsp = "/") {
    session.on_ws_text(nsp == "/" ? "40" : "40" + nsp + ",", t0);
  }
  Recorder rec;
  ServerSession session;
  time_point t0{std::chrono::seconds(1000)};
};

TEST_F(ServerSessionTest, OpenPacketCarriesExactlyTheHandshakeKeys) {
  session.open(t0, {"websocket"});
  ASSERT_EQ(rec.sent.size(), 1u);
  EXPECT_EQ(
      eio::encode_ws(rec.sent[0]),
      R"(0{"sid":"SID1","upgrades":["websocket"],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000})");
  EXPECT_EQ(session.next_timer(), t0 + 300ms);
}

TEST_F(ServerSessionTest, PingsEveryIntervalAndClosesWithoutPong) {
  open();
  join();
  rec.sent.clear();
  session.on_timer(t0 + 299ms);
  EXPECT_TRUE(rec.sent.empty());
  session.on_timer(t0 + 300ms);
  ASSERT_EQ(rec.frames(), std::vector<std::string>{"2"});
  EXPECT_EQ(session.next_timer(), t0 + 500ms);
  session.on_ws_text("3", t0 + 350ms);
  EXPECT_EQ(session.next_timer(), t0 + 650ms);
  session.on_timer(t0 + 650ms);
  EXPECT_EQ(rec.frames().size(), 2u);
  session.on_timer(t0 + 849ms);
  EXPECT_FALSE(session.closed());
  session.on_timer(t0 + 850ms);
  EXPECT_TRUE(session.closed());
  EXPECT_EQ(rec.log.back(), "close ping timeout");
  EXPECT_EQ(rec.log[rec.log.size() - 2], "disconnect / sock/ ping timeout");
  EXPECT_EQ(session.next_timer(), time_point::max());
}

TEST_F(ServerSessionTest, ConnectTimeoutClosesASessionThatJoinsNothing) {
  open();
  EXPECT_EQ(session.next_timer(), t0 + 300ms);
  session.on_timer(t0 + 300ms);
  session.on_ws_text("3", t0 + 310ms);
  EXPECT_LE(session.next_timer(), t0 + 1000ms);
  session.on_timer(t0 + 1000ms);
  EXPECT_TRUE(session.closed());
  EXPECT_EQ(rec.frames().back(), "1");
  EXPECT_EQ(rec.log.back(), "close no namespace joined within connectTimeout");
}

TEST_F(ServerSessionTest, ConnectAcceptedAndRefused) {
  open();
  session.on_ws_text(R"(40/plugin,{"token":"x"})", t0);
  session.on_ws_text("40/nope,", t0);
  EXPECT_EQ(rec.frames(), (std::vector<std::string>{R"(40/plugin,{"sid":"sock/plugin"})",
                                                    R"(44/nope,{"message":"Invalid namespace"})"}));
  EXPECT_EQ(rec.log[0], R"(connect /plugin {"token":"x"})");
  EXPECT_EQ(rec.log[1], "connect /nope null");
  EXPECT_EQ(session.sockets().at("/plugin"), "sock/plugin");
  // Joining cancels the connect timeout.
  session.on_timer(t0 + 300ms);
  session.on_ws_text("3", t0 + 300ms);
  session.on_timer(t0 + 1000ms);
  EXPECT_FALSE(session.closed());
}

TEST_F(ServerSessionTest, EventsReachTheHandlerWithAckIdAndAcksGoBack) {
  open();
  join("/plugin");
  rec.sent.clear();
  session.on_ws_text(R"(42/plugin,["heartbeat",{"id":"p"}])", t0);
  session.on_ws_text(R"(42/plugin,7["ask",1,2])", t0);
  ASSERT_EQ(rec.events.size(), 2u);
  EXPECT_EQ(rec.events[0].name, "heartbeat");
  EXPECT_EQ(json::serialize(rec.events[0].args), R"([{"id":"p"}])");
  EXPECT_FALSE(rec.events[0].ack_id);
  EXPECT_EQ(*rec.events[1].ack_id, 7u);
  EXPECT_TRUE(session.send_ack("/plugin", 7, json::array{3}));
  EXPECT_EQ(rec.frames(), std::vector<std::string>{"43/plugin,7[3]"});
}

TEST_F(ServerSessionTest, EmitWithAckRunsTheCallbackOnTheClientsAck) {
  open();
  join();
  rec.sent.clear();
  std::vector<std::string> got;
  EXPECT_TRUE(session.emit(
      "/", "plugin", json::array{json::object{{"a", 1}}},
      [&](std::optional<json::array> a) { got.push_back(a ? json::serialize(*a) : "none"); }));
  EXPECT_TRUE(session.emit("/", "plain", json::array{}));
  EXPECT_EQ(rec.frames(), (std::vector<std::string>{R"(420["plugin",{"a":1}])", R"(42["plain"])"}));
  session.on_ws_text(R"(430["ok"])", t0);
  session.on_ws_text(R"(430["again"])", t0);  // unknown by now: ignored
  EXPECT_EQ(got, std::vector<std::string>{R"(["ok"])"});
  EXPECT_FALSE(session.emit("/other", "x", {}));
}

TEST_F(ServerSessionTest, PendingAcksFailOnClose) {
  open();
  join();
  int failed = 0;
  session.emit("/", "x", {}, [&](std::optional<json::array> a) { failed += a ? 0 : 1; });
  session.on_ws_text("1", t0);
  EXPECT_EQ(failed, 1);
  EXPECT_TRUE(session.closed());
  EXPECT_EQ(rec.log.back(), "close client closed the session");
}

TEST_F(ServerSessionTest, BinaryEventsOverWebSocketAndPolling) {
  open();
  join();
  session.on_ws_text(R"(451-["up",{"_placeholder":true,"num":0}])", t0);
  EXPECT_TRUE(rec.events.empty());
  session.on_ws_binary(std::string("\x01\x02", 2), t0);
  ASSERT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(rec.events[0].attachments, std::vector<std::string>{std::string("\x01\x02", 2)});
  session.on_payload(
      "451-[\"up\",{\"_placeholder\":true,\"num\":0}]\x1e"
      "bAQI=",
      t0);
  ASSERT_EQ(rec.events.size(), 2u);
  EXPECT_EQ(rec.events[1].attachments, std::vector<std::string>{std::string("\x01\x02", 2)});
  rec.sent.clear();
  session.emit("/", "down", json::array{json::object{{"_placeholder", true}, {"num", 0}}}, nullptr,
               {"xyz"});
  EXPECT_EQ(rec.frames(), (std::vector<std::string>{R"(451-["down",{"_placeholder":true,"num":0}])",
                                                    "<bin:xyz>"}));
}

TEST_F(ServerSessionTest, ClientDisconnectEndsTheNamespaceOnly) {
  open();
  join("/a");
  join("/b");
  session.on_ws_text("41/a,", t0);
  EXPECT_EQ(rec.log.back(), "disconnect /a sock/a client namespace disconnect");
  EXPECT_FALSE(session.closed());
  EXPECT_EQ(session.sockets().size(), 1u);
  rec.sent.clear();
  session.disconnect("/b");
  EXPECT_EQ(rec.frames(), std::vector<std::string>{"41/b,"});
  EXPECT_EQ(rec.log.back(), "disconnect /b sock/b server namespace disconnect");
}

TEST_F(ServerSessionTest, MalformedAndOutOfPlacePacketsClose) {
  const std::vector<std::string> bad = {"",           "9",       "4",        "4x",
                                        "42[\"ev\"]", "2",       "5",        "0{}",
                                        "40/a,[1]",   "44/a,{}", "43/b,1[]", "42/a,{\"x\":1}"};
  for (const std::string& frame : bad) {
    Recorder r;
    ServerSession s("S", options(), r.callbacks());
    s.open(t0);
    s.on_ws_text("40/a,", t0);
    s.on_ws_text(frame, t0);
    EXPECT_TRUE(s.closed()) << frame;
    ASSERT_FALSE(r.log.empty());
    EXPECT_EQ(r.log.back().rfind("close protocol error: ", 0), 0u) << frame << ": " << r.log.back();
  }
}

TEST_F(ServerSessionTest, SecondConnectToAJoinedNamespaceIsAViolation) {
  open();
  join("/a");
  join("/a");
  EXPECT_TRUE(session.closed());
}

TEST_F(ServerSessionTest, PollingPayloadLimitAndBatching) {
  open();
  session.on_payload(
      "40\x1e"
      "42[\"a\"]\x1e"
      "42[\"b\"]",
      t0);
  EXPECT_EQ(rec.events.size(), 2u);
  std::string big(1000001, 'x');
  session.on_payload("4" + big, t0);
  EXPECT_TRUE(session.closed());
}

TEST_F(ServerSessionTest, CloseFromTheServerNotifiesTheClientOnce) {
  open();
  join();
  rec.sent.clear();
  session.close("shutdown");
  session.close("again");
  EXPECT_EQ(rec.frames(), std::vector<std::string>{"1"});
  EXPECT_EQ(rec.log, (std::vector<std::string>{"connect / null", "disconnect / sock/ shutdown",
                                               "close shutdown"}));
  session.on_ws_text(R"(42["x"])", t0);
  EXPECT_TRUE(rec.events.empty());
}

TEST(ServerSessionDefaults, WithoutAConnectHookEveryNamespaceIsAccepted) {
  std::vector<eio::Packet> sent;
  ServerSession::Callbacks cb;
  cb.send = [&](eio::Packet p) { sent.push_back(std::move(p)); };
  ServerSession s("S", {}, cb);
  s.open(time_point{});
  s.on_ws_text("40", time_point{});
  EXPECT_EQ(eio::encode_ws(sent.back()), R"(40{"sid":"S#/"})");
}

// The Engine.IO test suite's echo server: messages reach on_message undecoded (text that is
// no Socket.IO packet, binary), no connect timeout, the heartbeat as usual.
TEST(ServerSessionEngineOnly, MessagesGoToOnMessageAndNoConnectTimeoutApplies) {
  std::vector<eio::Packet> sent;
  ServerSession* self = nullptr;
  ServerSession::Callbacks cb;
  cb.send = [&](eio::Packet p) { sent.push_back(std::move(p)); };
  cb.on_message = [&](const eio::Packet& p) { self->send_message(p); };
  ServerOptions o;
  o.ping_interval_ms = 300;
  o.ping_timeout_ms = 200;
  o.connect_timeout = 1000ms;
  ServerSession s("S", o, cb);
  self = &s;
  const time_point t0{std::chrono::seconds(1000)};
  s.open(t0);
  s.on_ws_text("4hello", t0);  // "hello" is no Socket.IO packet: here it is just a message
  s.on_ws_binary(std::string("\x01\x02", 2), t0);
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_EQ(eio::encode_ws(sent[1]), "4hello");
  EXPECT_TRUE(sent[2].binary);
  EXPECT_EQ(sent[2].data, std::string("\x01\x02", 2));
  for (int i = 1; i <= 5; ++i) {  // 1.5 s of pings answered: past connectTimeout, still open
    s.on_timer(t0 + i * 300ms);
    s.on_ws_text("3", t0 + i * 300ms + 10ms);
  }
  EXPECT_FALSE(s.closed());
  EXPECT_EQ(eio::encode_ws(sent.back()), "2");
}

}  // namespace
}  // namespace xport::sio
