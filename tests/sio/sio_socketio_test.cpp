// Tests for xport::sio packets: the exact texts the official socket.io-parser writes, the
// binary reassembly and the strict decoder.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "sio/engineio.hpp"
#include "sio/socketio.hpp"

namespace xport::sio {
namespace {

using namespace std::string_literals;
namespace json = boost::json;

json::value J(std::string_view text) {
  return json::parse(text);
}

void expect_same(const Packet& a, const Packet& b) {
  EXPECT_EQ(a.type, b.type);
  EXPECT_EQ(a.nsp, b.nsp);
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.data, b.data);
  EXPECT_EQ(a.attachments, b.attachments);
}

// One text packet (no attachments) each way, with the texts socket.io-parser 4 produces.
struct Case {
  Packet packet;
  std::string text;
};

std::vector<Case> text_cases() {
  return {
      {{PacketType::connect, "/"}, "0"},
      {{PacketType::connect, "/plugin"}, "0/plugin,"},
      {{PacketType::connect, "/admin", {}, J(R"({"token":"123"})")}, R"(0/admin,{"token":"123"})"},
      {{PacketType::connect, "/plugin", {}, J(R"({"sid":"x"})")}, R"(0/plugin,{"sid":"x"})"},
      {{PacketType::disconnect, "/"}, "1"},
      {{PacketType::disconnect, "/plugin"}, "1/plugin,"},
      {{PacketType::event, "/", {}, J(R"(["foo"])")}, R"(2["foo"])"},
      {{PacketType::event, "/plugin", {}, J(R"(["heartbeat",{"id":"p","secret":"s"}])")},
       R"(2/plugin,["heartbeat",{"id":"p","secret":"s"}])"},
      {{PacketType::event, "/plugin", 7, J(R"(["heartbeat",{"id":"p"}])")},
       R"(2/plugin,7["heartbeat",{"id":"p"}])"},
      {{PacketType::event, "/", 12, J(R"(["bar",1,"two",[3],null,true])")},
       R"(212["bar",1,"two",[3],null,true])"},
      {{PacketType::ack, "/plugin", 7, J(R"(["ok"])")}, R"(3/plugin,7["ok"])"},
      {{PacketType::ack, "/", 0, J(R"([])")}, R"(30[])"},
      {{PacketType::connect_error, "/plugin", {}, J(R"({"message":"m"})")},
       R"(4/plugin,{"message":"m"})"},
      {{PacketType::connect_error, "/", {}, J(R"("Not authorized")")}, R"(4"Not authorized")"},
      {{PacketType::event, "/", {}, J(R"(["\u00e9\"\\\n"])")}, "2[\"\u00e9\\\"\\\\\\n\"]"},
  };
}

TEST(SioSocketIo, EncodesAndDecodesEveryTextPacket) {
  for (const Case& c : text_cases()) {
    Encoded e = encode(c.packet);
    EXPECT_EQ(e.text, c.text);
    EXPECT_TRUE(e.attachments.empty());
    expect_same(decode(c.text), c.packet);
  }
}

TEST(SioSocketIo, ExactFramesOfProtocolMd) {
  auto frame = [](const Packet& p) {
    return eio::encode_ws({eio::PacketType::message, encode(p).text});
  };
  EXPECT_EQ(frame(Packet{PacketType::connect, "/plugin", {}, J(R"({"sid":"x"})")}),
            R"(40/plugin,{"sid":"x"})");
  EXPECT_EQ(frame(Packet{PacketType::connect_error, "/plugin", {}, J(R"({"message":"m"})")}),
            R"(44/plugin,{"message":"m"})");
  EXPECT_EQ(
      frame(make_event("/plugin", "heartbeat", J(R"([{"id":"a","secret":"b"}])").as_array(), 7)),
      R"(42/plugin,7["heartbeat",{"id":"a","secret":"b"}])");
  EXPECT_EQ(frame(make_ack("/plugin", 7, J(R"([{"ok":true}])").as_array())),
            R"(43/plugin,7[{"ok":true}])");
}

TEST(SioSocketIo, DecoderAcceptsWhatTheOfficialParserAccepts) {
  // A namespace running to the end of the packet, a comma-less one before an id.
  expect_same(decode("1/plugin"), Packet{PacketType::disconnect, "/plugin"});
  expect_same(decode("0/plugin"), Packet{PacketType::connect, "/plugin"});
  expect_same(decode(R"(2/a,["x"])"), Packet{PacketType::event, "/a", {}, J(R"(["x"])")});
  expect_same(decode(R"(2 ["x"])"), Packet{PacketType::event, "/", {}, J(R"(["x"])")});
}

TEST(SioSocketIo, BinaryEventRoundTrip) {
  Packet p{
      PacketType::event, "/", {}, J(R"(["ev",{"_placeholder":true,"num":0}])"), {"\x01\x02\x03"s}};
  Encoded e = encode(p);
  EXPECT_EQ(e.text, R"(51-["ev",{"_placeholder":true,"num":0}])");
  EXPECT_EQ(eio::encode_ws({eio::PacketType::message, e.text}),
            R"(451-["ev",{"_placeholder":true,"num":0}])");
  ASSERT_EQ(e.attachments, std::vector<std::string>{"\x01\x02\x03"s});

  Decoder d;
  EXPECT_FALSE(d.feed_text(e.text));
  EXPECT_TRUE(d.awaiting_binary());
  std::optional<Packet> done = d.feed_binary(e.attachments[0]);
  ASSERT_TRUE(done);
  EXPECT_FALSE(d.awaiting_binary());
  EXPECT_EQ(done->type, PacketType::binary_event);
  EXPECT_EQ(done->data, p.data);
  EXPECT_EQ(done->attachments, p.attachments);
  EXPECT_EQ(event_name(*done), "ev");
  EXPECT_EQ(event_args(*done), J(R"([{"_placeholder":true,"num":0}])").as_array());
}

TEST(SioSocketIo, BinaryAckWithNamespaceIdAndTwoAttachments) {
  Packet p{PacketType::binary_ack,
           "/plugin",
           15,
           J(R"([{"a":{"_placeholder":true,"num":1}},{"_placeholder":true,"num":0}])"),
           {"first"s, ""s}};
  Encoded e = encode(p);
  EXPECT_EQ(e.text,
            R"(62-/plugin,15[{"a":{"_placeholder":true,"num":1}},{"_placeholder":true,"num":0}])");
  Decoder d;
  EXPECT_FALSE(d.feed_text(e.text));
  EXPECT_FALSE(d.feed_binary(e.attachments[0]));
  std::optional<Packet> done = d.feed_binary(e.attachments[1]);
  ASSERT_TRUE(done);
  expect_same(*done, p);
  // The decoder is ready for the next packet.
  expect_same(*d.feed_text("2[\"x\"]"), Packet{PacketType::event, "/", {}, J(R"(["x"])")});
}

TEST(SioSocketIo, BinaryWithZeroAttachmentsCompletesAtOnce) {
  Decoder d;
  std::optional<Packet> p = d.feed_text(R"(50-["ev"])");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->type, PacketType::binary_event);
  EXPECT_FALSE(d.awaiting_binary());
}

TEST(SioSocketIo, EventAckPromotedToBinaryWhenAttachmentsGiven) {
  Packet p = make_ack("/", 3, J(R"([{"_placeholder":true,"num":0}])").as_array());
  p.attachments.push_back("x");
  EXPECT_EQ(encode(p).text, R"(61-3[{"_placeholder":true,"num":0}])");
}

TEST(SioSocketIo, EncodeRefusesUnwritablePackets) {
  EXPECT_THROW(encode(Packet{PacketType::connect, "/", {}, nullptr, {"x"}}), std::invalid_argument);
  EXPECT_THROW(encode(Packet{PacketType::connect, "plugin"}), std::invalid_argument);
  EXPECT_THROW(encode(Packet{PacketType::connect, "/a,b"}), std::invalid_argument);
  EXPECT_THROW(encode(Packet{PacketType::connect, ""}), std::invalid_argument);
  EXPECT_THROW(encode(make_ack("/", kMaxAckId + 1, {})), std::invalid_argument);
}

TEST(SioSocketIo, EventHelpers) {
  Packet p = make_event("/plugin", "plugin", J(R"([{"projectId":"p"},2])").as_array());
  EXPECT_EQ(p.type, PacketType::event);
  EXPECT_EQ(p.nsp, "/plugin");
  EXPECT_FALSE(p.id);
  EXPECT_EQ(event_name(p), "plugin");
  EXPECT_EQ(event_args(p), J(R"([{"projectId":"p"},2])").as_array());
  EXPECT_TRUE(event_args(make_event("/", "e", {})).empty());
  EXPECT_THROW(event_name(make_ack("/", 1, {})), std::invalid_argument);
}

TEST(SioSocketIo, AckIdBounds) {
  EXPECT_EQ(decode("39007199254740991[]").id, kMaxAckId);
  EXPECT_THROW(decode("39007199254740992[]"), ProtocolError);
  EXPECT_THROW(decode("399999999999999999999999[]"), ProtocolError);
}

TEST(SioSocketIo, MalformedPacketsAreRejected) {
  const std::vector<std::string> bad = {
      "",                                         // empty
      "7",                                        // unknown type
      "9[\"a\"]",                                 // unknown type
      "x",                                        // not a digit
      "-1",                                       // sign
      "2",                                        // EVENT without payload
      "2{}",                                      // EVENT payload not an array
      "2[]",                                      // EVENT with no name
      "2[1]",                                     // event name not a string
      "2[\"connect\"]",                           // reserved event name
      "2[\"disconnect\",1]",                      // reserved event name
      "2[\"a\"",                                  // truncated JSON
      "2[\"a\"]x",                                // trailing garbage
      "2[\"a\"] [1]",                             // two JSON values
      "2\"a\"",                                   // EVENT payload a string
      "2null",                                    // null payload
      "2/plugin[\"a\"]",                          // namespace without comma swallows the payload
      "2/pl\x01ugin,[\"a\"]",                     // control character in namespace
      "2/" + std::string(300, 'n') + ",[\"a\"]",  // namespace too long
      "2[\"a\xff\"]",                             // invalid UTF-8 in JSON
      "3",                                        // ACK without id or payload
      "3[]",                                      // ACK without id
      "37",                                       // ACK without payload
      "37{}",                                     // ACK payload not an array
      "1[]",                                      // DISCONNECT with payload
      "1/plugin,{}",                              // DISCONNECT with payload
      "0[]",                                      // CONNECT payload an array
      "0\"auth\"",                                // CONNECT payload a string
      "07",                                       // ack id on CONNECT
      "4",                                        // CONNECT_ERROR without payload
      "4[]",                                      // CONNECT_ERROR payload an array
      "41",                                       // CONNECT_ERROR payload a number
      "5[\"a\"]",                                 // BINARY_EVENT without count
      "5-[\"a\"]",                                // empty count
      "51[\"a\"]",                                // count without '-'
      "5x-[\"a\"]",                               // non-numeric count
      "511-[\"a\"]",                              // more attachments than the cap (10)
      "599999999999999999999-[\"a\"]",            // count overflow
      "51-[\"a\",{\"_placeholder\":true,\"num\":1}]",       // placeholder beyond the count
      "51-[\"a\",{\"_placeholder\":true,\"num\":-1}]",      // negative placeholder
      "51-[\"a\",{\"_placeholder\":true}]",                 // placeholder without num
      "51-[\"a\",{\"_placeholder\":true,\"num\":\"0\"}]",   // placeholder num a string
      "61-[{\"_placeholder\":true,\"num\":0}]",             // BINARY_ACK without id
      "2abc",                                               // id not numeric, payload not JSON
      "2" + std::string(200, '[') + std::string(200, ']'),  // nesting too deep
  };
  ASSERT_GE(bad.size(), 25u);
  for (const std::string& text : bad) {
    Decoder d;
    EXPECT_THROW(d.feed_text(text), ProtocolError) << text;
    EXPECT_FALSE(d.awaiting_binary()) << text;
  }
}

TEST(SioSocketIo, BinaryFramesOutOfPlaceAreRejected) {
  Decoder d;
  EXPECT_THROW(d.feed_binary("x"), ProtocolError);  // nothing pending
  EXPECT_FALSE(d.feed_text(R"(52-["a",{"_placeholder":true,"num":0}])"));
  EXPECT_FALSE(d.feed_binary("x"));
  EXPECT_THROW(d.feed_text(R"(2["b"])"), ProtocolError);  // text while attachments are due
  EXPECT_FALSE(d.awaiting_binary());
  EXPECT_THROW(d.feed_binary("y"), ProtocolError);  // the packet was dropped
}

TEST(SioSocketIo, AttachmentLimits) {
  DecoderLimits limits;
  limits.max_attachments = 2;
  limits.max_attachment_bytes = 10;
  Decoder d(limits);
  EXPECT_THROW(d.feed_text(R"(53-["a"])"), ProtocolError);
  EXPECT_FALSE(d.feed_text(R"(52-["a"])"));
  EXPECT_FALSE(d.feed_binary(std::string(6, 'x')));
  EXPECT_THROW(d.feed_binary(std::string(5, 'x')), ProtocolError);
  EXPECT_FALSE(d.awaiting_binary());
  // Exactly at the limit is fine.
  EXPECT_FALSE(d.feed_text(R"(52-["a"])"));
  EXPECT_FALSE(d.feed_binary(std::string(5, 'x')));
  EXPECT_TRUE(d.feed_binary(std::string(5, 'x')));
}

}  // namespace
}  // namespace xport::sio
