// Tests for xport::sio::eio (Engine.IO v4 framing, polling payloads, open handshake) and the
// strict base64 the polling transport uses for binary packets.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sio/base64.hpp"
#include "sio/engineio.hpp"

namespace xport::sio::eio {
namespace {

using namespace std::string_literals;

TEST(SioBase64, Rfc4648Vectors) {
  const std::vector<std::pair<std::string, std::string>> vectors = {{"", ""},
                                                                    {"f", "Zg=="},
                                                                    {"fo", "Zm8="},
                                                                    {"foo", "Zm9v"},
                                                                    {"foob", "Zm9vYg=="},
                                                                    {"fooba", "Zm9vYmE="},
                                                                    {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(base64_encode(plain), encoded);
    EXPECT_EQ(base64_decode(encoded), plain);
  }
}

TEST(SioBase64, AllByteValuesRoundTrip) {
  std::string bytes;
  for (int i = 0; i < 256; ++i)
    bytes += static_cast<char>(i);
  for (std::size_t n = 0; n <= bytes.size(); n += 37)
    EXPECT_EQ(base64_decode(base64_encode(bytes.substr(0, n))), bytes.substr(0, n));
  EXPECT_EQ(base64_encode("\x01\x02\x03\xff"s), "AQID/w==");
}

TEST(SioBase64, RejectsNonCanonicalInput) {
  for (const char* bad : {"Zg=", "Zg", "Z===", "====", "Zm9v\n", "Zm 9", "Zm-_",
                          "Zh==", "Zm9=", "Zg==Zg==", "=Zm9", "Zm=v"})
    EXPECT_THROW(base64_decode(bad), ProtocolError) << bad;
}

TEST(SioEngineIo, WebSocketTextFramesEveryType) {
  const std::vector<std::pair<Packet, std::string>> cases = {
      {{PacketType::open, R"({"sid":"a"})"}, R"(0{"sid":"a"})"},
      {{PacketType::close, ""}, "1"},
      {{PacketType::ping, ""}, "2"},
      {{PacketType::ping, "probe"}, "2probe"},
      {{PacketType::pong, ""}, "3"},
      {{PacketType::message, "hello"}, "4hello"},
      {{PacketType::message, R"(42/plugin,["heartbeat",{}])"}, R"(442/plugin,["heartbeat",{}])"},
      {{PacketType::upgrade, ""}, "5"},
      {{PacketType::noop, ""}, "6"},
  };
  for (const auto& [packet, frame] : cases) {
    EXPECT_EQ(encode_ws(packet), frame);
    EXPECT_EQ(decode_ws_text(frame), packet);
  }
}

TEST(SioEngineIo, WebSocketBinaryFrameIsARawMessage) {
  Packet p{PacketType::message, "\x00\x01\xff"s, true};
  EXPECT_EQ(encode_ws(p), "\x00\x01\xff"s);
  EXPECT_EQ(decode_ws_binary("\x00\x01\xff"s), p);
  EXPECT_EQ(decode_ws_binary(""), (Packet{PacketType::message, "", true}));
  EXPECT_THROW(encode_ws(Packet{PacketType::ping, "x", true}), std::invalid_argument);
}

TEST(SioEngineIo, WebSocketTextRejectsBadFrames) {
  for (const std::string& bad : {""s, "7"s, "9x"s, "a"s, "b4"s, "\x1e"s, "-1"s, "\0"s})
    EXPECT_THROW(decode_ws_text(bad), ProtocolError) << bad;
}

TEST(SioEngineIo, PollingPayloadMixedTextAndBinary) {
  std::vector<Packet> packets = {{PacketType::message, "hello"},
                                 {PacketType::message, "\x01\x02\x03\x04"s, true},
                                 {PacketType::ping, ""},
                                 {PacketType::message, "\u00e9t\u00e9"}};
  std::string body = encode_payload(packets);
  EXPECT_EQ(body,
            "4hello\x1e"
            "bAQIDBA==\x1e"
            "2\x1e"
            "4\u00e9t\u00e9");
  EXPECT_EQ(decode_payload(body, 1000000), packets);
  // The example of the Engine.IO v4 protocol document.
  EXPECT_EQ(decode_payload("4hello\x1e"
                           "bAQIDBA==",
                           0),
            (std::vector<Packet>{{PacketType::message, "hello"},
                                 {PacketType::message, "\x01\x02\x03\x04"s, true}}));
  EXPECT_EQ(decode_payload("6", 1), (std::vector<Packet>{{PacketType::noop, ""}}));
}

TEST(SioEngineIo, PollingPayloadRejectsBadBodies) {
  for (const std::string& bad : {""s, "\x1e"s, "4a\x1e"s,
                                 "\x1e"
                                 "4a"s,
                                 "4a\x1e\x1e"
                                 "4b"s,
                                 "8"s,
                                 "4a\x1e"
                                 "x"s,
                                 "bZg="s, "b!!!!"s,
                                 "4a\x1e"
                                 "bZm9"s})
    EXPECT_THROW(decode_payload(bad, 0), ProtocolError) << bad;
}

TEST(SioEngineIo, PollingPayloadEnforcesMaxPayload) {
  std::string body = "4" + std::string(99, 'x');
  EXPECT_NO_THROW(decode_payload(body, 100));
  EXPECT_THROW(decode_payload(body + "x", 100), ProtocolError);
  EXPECT_NO_THROW(decode_payload(body + "x", 0));  // 0: no limit
}

TEST(SioEngineIo, PollingEncodeRefusesUnbatchablePackets) {
  EXPECT_THROW(encode_payload({{PacketType::message,
                                "a\x1e"
                                "b"}}),
               std::invalid_argument);
  EXPECT_THROW(encode_payload({{PacketType::close, "", true}}), std::invalid_argument);
}

TEST(SioEngineIo, OpenHandshakeRoundTrip) {
  OpenInfo info{"lv_VI97HAXpY6yYWAAAC", {"websocket"}, 25000, 20000, 1000000};
  std::string json = make_open(info);
  EXPECT_EQ(json, R"({"sid":"lv_VI97HAXpY6yYWAAAC","upgrades":["websocket"],"pingInterval":25000,)"
                  R"("pingTimeout":20000,"maxPayload":1000000})");
  EXPECT_EQ(parse_open(json), info);
}

TEST(SioEngineIo, OpenHandshakeOfPythonEngineIoHasNoMaxPayload) {
  OpenInfo info = parse_open(R"({"sid": "abc", "upgrades": [], "pingTimeout": 20000,
                                 "pingInterval": 25000, "extra": true})");
  EXPECT_EQ(info.sid, "abc");
  EXPECT_TRUE(info.upgrades.empty());
  EXPECT_EQ(info.ping_interval_ms, 25000u);
  EXPECT_EQ(info.ping_timeout_ms, 20000u);
  EXPECT_EQ(info.max_payload, 0u);
}

TEST(SioEngineIo, OpenHandshakeIsStrictOnTypes) {
  const char* good = R"("upgrades":[],"pingInterval":300,"pingTimeout":200,"maxPayload":1000000)";
  EXPECT_NO_THROW(parse_open(std::string(R"({"sid":"s",)") + good + "}"));
  for (const char* bad :
       {"",
        "[]",
        "null",
        "{",
        R"({"sid":"s"})",
        R"({"sid":1,"upgrades":[],"pingInterval":1,"pingTimeout":1})",
        R"({"sid":"","upgrades":[],"pingInterval":1,"pingTimeout":1})",
        R"({"upgrades":[],"pingInterval":1,"pingTimeout":1})",
        R"({"sid":"s","upgrades":"websocket","pingInterval":1,"pingTimeout":1})",
        R"({"sid":"s","upgrades":[1],"pingInterval":1,"pingTimeout":1})",
        R"({"sid":"s","pingInterval":1,"pingTimeout":1})",
        R"({"sid":"s","upgrades":[],"pingInterval":"1","pingTimeout":1})",
        R"({"sid":"s","upgrades":[],"pingInterval":1.5,"pingTimeout":1})",
        R"({"sid":"s","upgrades":[],"pingInterval":0,"pingTimeout":1})",
        R"({"sid":"s","upgrades":[],"pingInterval":-5,"pingTimeout":1})",
        R"({"sid":"s","upgrades":[],"pingInterval":1,"pingTimeout":4294967296})",
        R"({"sid":"s","upgrades":[],"pingInterval":1,"pingTimeout":18446744073709551615})",
        R"({"sid":"s","upgrades":[],"pingInterval":1})",
        R"({"sid":"s","upgrades":[],"pingInterval":1,"pingTimeout":1,"maxPayload":-1})",
        R"({"sid":"s","upgrades":[],"pingInterval":1,"pingTimeout":1,"maxPayload":null})",
        R"({"sid":"s","upgrades":[],"pingInterval":1,"pingTimeout":1} x)"})
    EXPECT_THROW(parse_open(bad), ProtocolError) << bad;
}

TEST(SioEngineIo, ErrorsSayWhatWasWrong) {
  try {
    parse_open(R"({"sid":"s","upgrades":[],"pingInterval":"1","pingTimeout":1})");
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("pingInterval"), std::string::npos) << e.what();
  }
  try {
    decode_payload(std::string(200, '4'), 100);
    FAIL();
  } catch (const ProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("maxPayload"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace xport::sio::eio
