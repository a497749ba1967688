#include "sio/engineio.hpp"

#include <boost/json.hpp>
#include <limits>
#include <stdexcept>

#include "sio/base64.hpp"

namespace xport::sio::eio {
namespace {

constexpr std::int64_t kMaxIntervalMs = 2147483647;

PacketType type_from_digit(char c, std::string_view where) {
  if (c < '0' || c > '6')
    throw ProtocolError(std::string(where) + ": unknown Engine.IO packet type " +
                        (c >= 0x20 && c < 0x7f
                             ? std::string("'") + c + "'"
                             : "byte " + std::to_string(static_cast<unsigned char>(c))));
  return static_cast<PacketType>(c - '0');
}

// An integer JSON value within [lo, hi]; `key` names it in the error.
std::int64_t integer_field(const boost::json::object& obj, std::string_view key, std::int64_t lo,
                           std::int64_t hi) {
  const boost::json::value* v = obj.if_contains(key);
  if (v == nullptr) throw ProtocolError("open packet: missing \"" + std::string(key) + "\"");
  std::int64_t n = 0;
  if (v->is_int64()) {
    n = v->get_int64();
  } else if (v->is_uint64()) {
    if (v->get_uint64() > static_cast<std::uint64_t>(hi))
      throw ProtocolError("open packet: \"" + std::string(key) + "\" out of range");
    n = static_cast<std::int64_t>(v->get_uint64());
  } else {
    throw ProtocolError("open packet: \"" + std::string(key) + "\" is not an integer");
  }
  if (n < lo || n > hi)
    throw ProtocolError("open packet: \"" + std::string(key) + "\" out of range");
  return n;
}

}  // namespace

char type_digit(PacketType type) {
  auto n = static_cast<int>(type);
  if (n < 0 || n > 6) throw std::invalid_argument("eio: invalid packet type");
  return static_cast<char>('0' + n);
}

std::string encode_ws(const Packet& packet) {
  if (packet.binary) {
    if (packet.type != PacketType::message)
      throw std::invalid_argument("eio: only message packets can be binary");
    return packet.data;
  }
  std::string frame;
  frame.reserve(packet.data.size() + 1);
  frame += type_digit(packet.type);
  frame += packet.data;
  return frame;
}

Packet decode_ws_text(std::string_view frame) {
  if (frame.empty()) throw ProtocolError("eio: empty text frame");
  return Packet{type_from_digit(frame[0], "eio text frame"), std::string(frame.substr(1)), false};
}

Packet decode_ws_binary(std::string_view frame) {
  return Packet{PacketType::message, std::string(frame), true};
}

std::string encode_payload(const std::vector<Packet>& packets) {
  std::string body;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    if (i > 0) body += kRecordSeparator;
    const Packet& p = packets[i];
    if (p.binary) {
      if (p.type != PacketType::message)
        throw std::invalid_argument("eio: only message packets can be binary");
      body += 'b';
      body += base64_encode(p.data);
    } else {
      // The separator cannot be escaped: a text packet holding one cannot be batched.
      if (p.data.find(kRecordSeparator) != std::string::npos)
        throw std::invalid_argument("eio: text packet contains the record separator");
      body += type_digit(p.type);
      body += p.data;
    }
  }
  return body;
}

std::vector<Packet> decode_payload(std::string_view body, std::size_t max_payload) {
  if (max_payload != 0 && body.size() > max_payload)
    throw ProtocolError("eio payload: " + std::to_string(body.size()) +
                        " bytes exceed maxPayload " + std::to_string(max_payload));
  if (body.empty()) throw ProtocolError("eio payload: empty body");
  std::vector<Packet> packets;
  std::size_t start = 0;
  while (true) {
    std::size_t end = body.find(kRecordSeparator, start);
    std::string_view item =
        body.substr(start, end == std::string_view::npos ? body.npos : end - start);
    std::string where = "eio payload packet " + std::to_string(packets.size());
    if (item.empty()) throw ProtocolError(where + ": empty");
    if (item[0] == 'b') {
      try {
        packets.push_back(Packet{PacketType::message, base64_decode(item.substr(1)), true});
      } catch (const ProtocolError& e) {
        throw ProtocolError(where + ": " + e.what());
      }
    } else {
      packets.push_back(
          Packet{type_from_digit(item[0], where), std::string(item.substr(1)), false});
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return packets;
}

OpenInfo parse_open(std::string_view json) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec) throw ProtocolError("open packet: invalid JSON (" + ec.message() + ")");
  const boost::json::object* obj = v.if_object();
  if (obj == nullptr) throw ProtocolError("open packet: not a JSON object");
  OpenInfo info;
  const boost::json::value* sid = obj->if_contains("sid");
  if (sid == nullptr || !sid->is_string() || sid->get_string().empty())
    throw ProtocolError("open packet: \"sid\" missing or not a non-empty string");
  info.sid = std::string(sid->get_string());
  const boost::json::value* upgrades = obj->if_contains("upgrades");
  if (upgrades == nullptr || !upgrades->is_array())
    throw ProtocolError("open packet: \"upgrades\" missing or not an array");
  for (const boost::json::value& u : upgrades->get_array()) {
    if (!u.is_string()) throw ProtocolError("open packet: \"upgrades\" holds a non-string");
    info.upgrades.emplace_back(u.get_string());
  }
  info.ping_interval_ms =
      static_cast<std::uint32_t>(integer_field(*obj, "pingInterval", 1, kMaxIntervalMs));
  info.ping_timeout_ms =
      static_cast<std::uint32_t>(integer_field(*obj, "pingTimeout", 1, kMaxIntervalMs));
  if (obj->contains("maxPayload"))
    info.max_payload = static_cast<std::uint64_t>(
        integer_field(*obj, "maxPayload", 0, std::numeric_limits<std::int64_t>::max()));
  else
    info.max_payload = 0;
  return info;
}

std::string make_open(const OpenInfo& info) {
  boost::json::object obj;
  obj["sid"] = info.sid;
  boost::json::array upgrades;
  for (const std::string& u : info.upgrades)
    upgrades.emplace_back(u);
  obj["upgrades"] = std::move(upgrades);
  obj["pingInterval"] = info.ping_interval_ms;
  obj["pingTimeout"] = info.ping_timeout_ms;
  obj["maxPayload"] = info.max_payload;
  return boost::json::serialize(obj);
}

}  // namespace xport::sio::eio
