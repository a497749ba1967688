// Tests for xport::sio::ClientSession: whole conversations with a scripted server, frame by
// frame, on fake time.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <vector>

#include "sio/client_session.hpp"

namespace xport::sio {
namespace {

using namespace std::string_literals;
using namespace std::chrono_literals;
namespace json = boost::json;
using time_point = ClientSession::time_point;

constexpr const char* kOpen =
    R"(0{"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000})";

// Records everything the session does.
struct Recorder {
  struct Frame {
    std::string data;
    bool binary;
  };
  std::vector<Frame> sent;
  std::vector<std::string> log;  // callbacks, in order
  struct Event {
    std::string nsp, name;
    json::array args;
    std::optional<std::uint64_t> ack_id;
    std::vector<std::string> attachments;
  };
  std::vector<Event> events;
  bool binary_callback = false;

  ClientSession::Callbacks callbacks() {
    ClientSession::Callbacks cb;
    cb.send = [this](std::string frame, bool binary) {
      sent.push_back({std::move(frame), binary});
    };
    cb.on_connect = [this](const std::string& nsp, const std::string& sid) {
      log.push_back("connect " + nsp + " " + sid);
    };
    cb.on_connect_error = [this](const std::string& nsp, const std::string& message) {
      log.push_back("connect_error " + nsp + " " + message);
    };
    cb.on_event = [this](const std::string& nsp, const std::string& name, json::array args,
                         std::optional<std::uint64_t> ack_id) {
      log.push_back("event " + nsp + " " + name);
      events.push_back({nsp, name, std::move(args), ack_id, {}});
    };
    if (binary_callback)
      cb.on_binary_event = [this](const std::string& nsp, const std::string& name, json::array args,
                                  std::vector<std::string> attachments,
                                  std::optional<std::uint64_t> ack_id) {
        log.push_back("binary_event " + nsp + " " + name);
        events.push_back({nsp, name, std::move(args), ack_id, std::move(attachments)});
      };
    cb.on_disconnect = [this](const std::string& nsp) { log.push_back("disconnect " + nsp); };
    cb.on_close = [this](const std::string& reason) { log.push_back("close " + reason); };
    return cb;
  }

  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const Frame& f : sent)
      out.push_back(f.binary ? "<bin>" + f.data : f.data);
    return out;
  }
};

using Strings = std::vector<std::string>;

class SioClientSession : public ::testing::Test {
 protected:
  Recorder rec;
  time_point t0 = time_point{} + 1000s;
};

TEST_F(SioClientSession, FullConversation) {
  ClientSession s(rec.callbacks());
  EXPECT_EQ(s.handshake(), nullptr);
  s.on_text(kOpen, t0);
  ASSERT_NE(s.handshake(), nullptr);
  EXPECT_EQ(s.handshake()->sid, "lv_VI97HAXpY6yYWAAAC");
  EXPECT_TRUE(rec.sent.empty());

  s.connect("/plugin");
  EXPECT_EQ(rec.texts(), Strings{"40/plugin,"});
  EXPECT_FALSE(s.connected("/plugin"));
  s.on_text(R"(40/plugin,{"sid":"x"})", t0);
  EXPECT_TRUE(s.connected("/plugin"));
  EXPECT_EQ(rec.log, Strings{"connect /plugin x"});

  // Our event with an ack, answered.
  std::vector<std::optional<json::array>> acks;
  EXPECT_TRUE(s.emit("/plugin", "heartbeat", json::parse(R"([{"id":"p","secret":"s"}])").as_array(),
                     [&](std::optional<json::array> a) { acks.push_back(std::move(a)); }));
  EXPECT_EQ(rec.sent.back().data, R"(42/plugin,0["heartbeat",{"id":"p","secret":"s"}])");
  s.on_text(R"(43/plugin,0["ok"])", t0);
  ASSERT_EQ(acks.size(), 1u);
  EXPECT_EQ(*acks[0], json::parse(R"(["ok"])").as_array());
  s.on_text(R"(43/plugin,0["again"])", t0);  // already answered: ignored
  EXPECT_EQ(acks.size(), 1u);

  // The server's event with an ack id, answered by us.
  s.on_text(R"(42/plugin,7["plugin",{"projectId":"p"}])", t0);
  ASSERT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(rec.events[0].name, "plugin");
  EXPECT_EQ(rec.events[0].args, json::parse(R"([{"projectId":"p"}])").as_array());
  EXPECT_EQ(rec.events[0].ack_id, 7u);
  EXPECT_TRUE(s.send_ack("/plugin", 7, json::parse(R"([{"done":true}])").as_array()));
  EXPECT_EQ(rec.sent.back().data, R"(43/plugin,7[{"done":true}])");

  // Ping/pong, and the deadline it moves.
  EXPECT_EQ(s.deadline(), t0 + 500ms);
  s.on_text("2", t0 + 250ms);
  EXPECT_EQ(rec.sent.back().data, "3");
  EXPECT_FALSE(rec.sent.back().binary);
  EXPECT_EQ(s.deadline(), t0 + 750ms);
  s.on_text("6", t0 + 260ms);  // noop

  // Server disconnects the namespace, then closes.
  s.on_text("41/plugin,", t0 + 300ms);
  EXPECT_FALSE(s.connected("/plugin"));
  EXPECT_FALSE(s.emit("/plugin", "x", {}));
  s.on_text("1", t0 + 300ms);
  EXPECT_TRUE(s.closed());
  EXPECT_EQ(rec.log, (Strings{"connect /plugin x", "event /plugin plugin", "disconnect /plugin",
                              "close the server closed the Engine.IO session"}));
  std::size_t sent = rec.sent.size();
  s.on_text("2", t0 + 400ms);  // after close: ignored
  EXPECT_EQ(rec.sent.size(), sent);
  EXPECT_EQ(rec.log.size(), 4u);
}

TEST_F(SioClientSession, ConnectBeforeOpenIsQueued) {
  ClientSession s(rec.callbacks());
  s.connect("/");
  s.connect("/plugin", json::parse(R"({"token":"t"})"));
  s.connect("/plugin");  // already joining: no-op
  EXPECT_TRUE(rec.sent.empty());
  // Emits while joining are buffered until the CONNECT is accepted.
  EXPECT_TRUE(s.emit("/plugin", "early", json::parse("[1]").as_array()));
  EXPECT_FALSE(s.emit("/other", "x", {}));
  s.on_text(kOpen, t0);
  EXPECT_EQ(rec.texts(), (Strings{"40", R"(40/plugin,{"token":"t"})"}));
  s.on_text(R"(40/plugin,{"sid":"y"})", t0);
  EXPECT_EQ(rec.texts().back(), R"(42/plugin,["early",1])");
  s.on_text(R"(40{"sid":"z"})", t0);
  EXPECT_EQ(rec.log, (Strings{"connect /plugin y", "connect / z"}));
}

TEST_F(SioClientSession, ConnectErrorFailsBufferedAcks) {
  ClientSession s(rec.callbacks());
  s.on_text(kOpen, t0);
  s.connect("/plugin");
  int failed = 0;
  s.emit("/plugin", "e", {}, [&](std::optional<json::array> a) { failed += a ? 0 : 1; });
  s.on_text(R"(44/plugin,{"message":"m"})", t0);
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(rec.log, Strings{"connect_error /plugin m"});
  EXPECT_FALSE(s.connected("/plugin"));
  s.connect("/b");
  s.on_text(R"(44/b,"Not authorized")", t0);
  EXPECT_EQ(rec.log.back(), "connect_error /b Not authorized");
  s.connect("/c");
  s.on_text(R"(44/c,{"code":3})", t0);
  EXPECT_EQ(rec.log.back(), R"(connect_error /c {"code":3})");
  EXPECT_FALSE(s.closed());
}

TEST_F(SioClientSession, DeadLinkDetectionWithFakeTime) {
  ClientSession s(rec.callbacks());
  EXPECT_EQ(s.deadline(), time_point::max());
  EXPECT_FALSE(s.link_dead(t0 + 24h));
  s.on_text(kOpen, t0);
  EXPECT_FALSE(s.link_dead(t0 + 499ms));
  EXPECT_TRUE(s.link_dead(t0 + 500ms));
  s.on_text("2", t0 + 400ms);
  EXPECT_FALSE(s.link_dead(t0 + 899ms));
  EXPECT_TRUE(s.link_dead(t0 + 900ms));
  // Other traffic does not count as a ping.
  s.connect("/");
  s.on_text(R"(40{"sid":"a"})", t0 + 850ms);
  EXPECT_TRUE(s.link_dead(t0 + 900ms));
}

TEST_F(SioClientSession, BinaryEventAcrossFrames) {
  rec.binary_callback = true;
  ClientSession s(rec.callbacks());
  s.on_text(kOpen, t0);
  s.connect("/plugin");
  s.on_text(R"(40/plugin,{"sid":"x"})", t0);
  s.on_text(R"(452-/plugin,3["file",{"_placeholder":true,"num":0},{"_placeholder":true,"num":1}])",
            t0);
  EXPECT_TRUE(rec.events.empty());
  s.on_binary("\x00\x01"s, t0);
  EXPECT_TRUE(rec.events.empty());
  s.on_binary("zip", t0);
  ASSERT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(rec.events[0].name, "file");
  EXPECT_EQ(rec.events[0].ack_id, 3u);
  EXPECT_EQ(rec.events[0].attachments, (Strings{"\x00\x01"s, "zip"}));
  EXPECT_EQ(rec.log.back(), "binary_event /plugin file");
}

TEST_F(SioClientSession, BinaryEventWithoutBinaryCallbackKeepsPlaceholders) {
  ClientSession s(rec.callbacks());
  s.on_text(kOpen, t0);
  s.connect("/");
  s.on_text(R"(40{"sid":"x"})", t0);
  s.on_text(R"(451-["ev",{"_placeholder":true,"num":0}])", t0);
  s.on_binary("b", t0);
  ASSERT_EQ(rec.events.size(), 1u);
  EXPECT_EQ(rec.events[0].args, json::parse(R"([{"_placeholder":true,"num":0}])").as_array());
}

TEST_F(SioClientSession, BinaryAckCompletesAnEmit) {
  ClientSession s(rec.callbacks());
  s.on_text(kOpen, t0);
  s.connect("/");
  s.on_text(R"(40{"sid":"x"})", t0);
  std::optional<json::array> got;
  s.emit("/", "q", {}, [&](std::optional<json::array> a) { got = std::move(a); });
  EXPECT_EQ(rec.sent.back().data, R"(420["q"])");  // ack ids count from 0, as socket.io-client's
  s.emit("/", "q2", {}, [&](std::optional<json::array> a) { got = std::move(a); });
  EXPECT_EQ(rec.sent.back().data, R"(421["q2"])");
  s.on_text(R"(461-1[{"_placeholder":true,"num":0}])", t0);
  EXPECT_FALSE(got);
  s.on_binary("data", t0);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, json::parse(R"([{"_placeholder":true,"num":0}])").as_array());
}

TEST_F(SioClientSession, CloseFailsPendingAcksThenReportsOnce) {
  ClientSession s(rec.callbacks());
  s.on_text(kOpen, t0);
  s.connect("/");
  s.on_text(R"(40{"sid":"x"})", t0);
  s.emit("/", "a", {},
         [&](std::optional<json::array> a) { rec.log.push_back(a ? "ack" : "ack failed"); });
  s.close("transport lost");
  s.close("again");
  EXPECT_EQ(rec.log, (Strings{"connect / x", "ack failed", "close transport lost"}));
  EXPECT_FALSE(s.connected("/"));
  EXPECT_EQ(s.deadline(), time_point::max());
}

TEST_F(SioClientSession, ClientDisconnect) {
  ClientSession s(rec.callbacks());
  s.on_text(kOpen, t0);
  s.connect("/plugin");
  s.on_text(R"(40/plugin,{"sid":"x"})", t0);
  s.disconnect("/plugin");
  EXPECT_EQ(rec.sent.back().data, "41/plugin,");
  EXPECT_FALSE(s.connected("/plugin"));
  s.on_text(R"(42/plugin,["late"])", t0);  // in flight when we left: dropped
  EXPECT_TRUE(rec.events.empty());
  EXPECT_FALSE(s.closed());
}

TEST_F(SioClientSession, CallbacksMayReenter) {
  ClientSession::Callbacks cb = rec.callbacks();
  ClientSession* self = nullptr;
  cb.on_connect = [&](const std::string& nsp, const std::string&) {
    self->emit(nsp, "heartbeat", json::parse(R"([{"id":"p"}])").as_array());
  };
  ClientSession s(std::move(cb));
  self = &s;
  s.on_text(kOpen, t0);
  s.connect("/plugin");
  s.on_text(R"(40/plugin,{"sid":"x"})", t0);
  EXPECT_EQ(rec.sent.back().data, R"(42/plugin,["heartbeat",{"id":"p"}])");
}

// Each of these, after a good open (and a joined "/plugin"), is a protocol violation.
TEST_F(SioClientSession, ViolationsCloseTheSession) {
  const std::vector<std::string> violations = {
      "",  // empty frame
      "7",
      kOpen,  // second open
      "3",    // pong: v4 clients do not ping
      "5",    // upgrade
      "4",    // empty message
      "4x",
      R"(42/plugin,[1])",
      R"(40/other,{"sid":"x"})",  // CONNECT for a namespace never asked for
      R"(44/other,{"message":"m"})",
      R"(40/plugin,{"sid":"x"})",  // already joined
      R"(451-["ev",{"_placeholder":true,"num":0}])"
      "\x1f",
  };
  for (const std::string& frame : violations) {
    Recorder r;
    ClientSession s(r.callbacks());
    s.on_text(kOpen, t0);
    s.connect("/plugin");
    s.on_text(R"(40/plugin,{"sid":"x"})", t0);
    s.on_text(frame, t0);
    EXPECT_TRUE(s.closed()) << frame;
    ASSERT_FALSE(r.log.empty());
    EXPECT_EQ(r.log.back().rfind("close protocol error: ", 0), 0u) << r.log.back();
  }
}

TEST_F(SioClientSession, ViolationsBeforeOrWithoutOpen) {
  for (const std::string& frame : {"2"s, "40"s, "6"s, "0{}"s, "0not json"s}) {
    Recorder r;
    ClientSession s(r.callbacks());
    s.on_text(frame, t0);
    EXPECT_TRUE(s.closed()) << frame;
  }
  Recorder r;
  ClientSession s(r.callbacks());
  s.on_binary("x", t0);
  EXPECT_TRUE(s.closed());
  Recorder r2;
  ClientSession s2(r2.callbacks());
  s2.on_text(kOpen, t0);
  s2.on_binary("x", t0);  // no pending binary packet
  EXPECT_TRUE(s2.closed());
  EXPECT_EQ(r2.log, Strings{"close protocol error: socket.io packet: binary frame without a "
                            "pending binary packet"});
}

TEST_F(SioClientSession, ConnectWithEmptyCallbacksAndInvalidArguments) {
  EXPECT_THROW(ClientSession(ClientSession::Callbacks{}), std::invalid_argument);
  ClientSession::Callbacks cb;
  cb.send = [](std::string, bool) {};
  ClientSession s(std::move(cb));  // every other callback is optional
  EXPECT_THROW(s.connect("/", json::parse("[]")), std::invalid_argument);
  EXPECT_THROW(s.connect("plugin"), std::invalid_argument);
  s.on_text(kOpen, t0);
  s.connect("/");
  s.on_text(R"(40{"sid":"x"})", t0);
  s.on_text(R"(42["e"])", t0);
  s.on_text("1", t0);
  EXPECT_TRUE(s.closed());
}

}  // namespace
}  // namespace xport::sio
