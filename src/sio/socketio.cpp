#include "sio/socketio.hpp"

#include <array>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <stdexcept>
#include <utility>

namespace xport::sio {
namespace {

// Event names the official parser refuses: they are the client library's own events.
constexpr std::array<std::string_view, 6> kReservedEvents = {
    "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener"};

bool is_binary(PacketType t) {
  return t == PacketType::binary_event || t == PacketType::binary_ack;
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

[[noreturn]] void fail(const std::string& what) {
  throw ProtocolError("socket.io packet: " + what);
}

// Every {"_placeholder":true,...} in `v` must name an attachment in [0, count): the official
// reconstructor throws on any other.
void check_placeholders(const boost::json::value& v, std::size_t count) {
  if (const auto* arr = v.if_array()) {
    for (const auto& e : *arr)
      check_placeholders(e, count);
  } else if (const auto* obj = v.if_object()) {
    const boost::json::value* flag = obj->if_contains("_placeholder");
    if (flag != nullptr && flag->is_bool() && flag->get_bool()) {
      const boost::json::value* num = obj->if_contains("num");
      std::uint64_t n = 0;
      if (num != nullptr && num->is_uint64())
        n = num->get_uint64();
      else if (num != nullptr && num->is_int64() && num->get_int64() >= 0)
        n = static_cast<std::uint64_t>(num->get_int64());
      else
        fail("placeholder without a valid \"num\"");
      if (n >= count) fail("placeholder num " + std::to_string(n) + " beyond the attachment count");
      return;
    }
    for (const auto& kv : *obj)
      check_placeholders(kv.value(), count);
  }
}

void check_payload(const Packet& p, bool present) {
  const boost::json::value& d = p.data;
  switch (p.type) {
    case PacketType::connect:
      if (present && !d.is_object()) fail("CONNECT payload must be an object");
      break;
    case PacketType::disconnect:
      if (present) fail("DISCONNECT must carry no payload");
      break;
    case PacketType::connect_error:
      if (!present || !(d.is_object() || d.is_string()))
        fail("CONNECT_ERROR payload must be an object or a string");
      break;
    case PacketType::event:
    case PacketType::binary_event: {
      const auto* arr = d.if_array();
      if (!present || arr == nullptr || arr->empty() || !(*arr)[0].is_string())
        fail("EVENT payload must be a non-empty array starting with the event name");
      std::string_view name = (*arr)[0].get_string();
      for (std::string_view r : kReservedEvents)
        if (name == r) fail("reserved event name \"" + std::string(name) + "\"");
      break;
    }
    case PacketType::ack:
    case PacketType::binary_ack:
      if (!present || !d.is_array()) fail("ACK payload must be an array");
      break;
  }
}

}  // namespace

Encoded encode(const Packet& packet) {
  PacketType type = packet.type;
  if (!packet.attachments.empty()) {
    if (type == PacketType::event)
      type = PacketType::binary_event;
    else if (type == PacketType::ack)
      type = PacketType::binary_ack;
    else if (!is_binary(type))
      throw std::invalid_argument("sio: attachments on a non-binary packet");
  }
  auto digit = static_cast<int>(type);
  if (digit < 0 || digit > 6) throw std::invalid_argument("sio: invalid packet type");
  Encoded out;
  out.text += static_cast<char>('0' + digit);
  if (is_binary(type)) {
    out.text += std::to_string(packet.attachments.size());
    out.text += '-';
  }
  if (packet.nsp != "/") {
    if (packet.nsp.empty() || packet.nsp[0] != '/' || packet.nsp.find(',') != std::string::npos)
      throw std::invalid_argument("sio: invalid namespace \"" + packet.nsp + "\"");
    out.text += packet.nsp;
    out.text += ',';
  }
  if (packet.id) {
    if (*packet.id > kMaxAckId) throw std::invalid_argument("sio: ack id too large");
    out.text += std::to_string(*packet.id);
  }
  if (!packet.data.is_null()) out.text += boost::json::serialize(packet.data);
  out.attachments = packet.attachments;
  return out;
}

std::optional<Packet> Decoder::feed_text(std::string_view text) {
  if (pending_) {
    reset();
    fail("text packet while " + std::to_string(expected_) + " binary attachments are due");
  }
  if (text.empty()) fail("empty");
  if (text[0] < '0' || text[0] > '6') fail("unknown packet type");
  Packet p{static_cast<PacketType>(text[0] - '0')};
  std::size_t pos = 1;

  std::size_t attachments = 0;
  if (is_binary(p.type)) {
    std::size_t start = pos;
    while (pos < text.size() && is_digit(text[pos])) {
      attachments = attachments * 10 + static_cast<std::size_t>(text[pos] - '0');
      if (attachments > limits_.max_attachments) fail("too many attachments");
      ++pos;
    }
    if (pos == start || pos >= text.size() || text[pos] != '-') fail("bad attachment count");
    ++pos;
  }

  if (pos < text.size() && text[pos] == '/') {
    std::size_t comma = text.find(',', pos);
    std::size_t end = comma == std::string_view::npos ? text.size() : comma;
    std::string_view nsp = text.substr(pos, end - pos);
    if (nsp.size() > limits_.max_nsp_length) fail("namespace too long");
    for (char c : nsp)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) fail("control character in namespace");
    p.nsp = std::string(nsp);
    pos = comma == std::string_view::npos ? text.size() : comma + 1;
  }

  if (pos < text.size() && is_digit(text[pos])) {
    std::uint64_t id = 0;
    while (pos < text.size() && is_digit(text[pos])) {
      id = id * 10 + static_cast<std::uint64_t>(text[pos] - '0');
      if (id > kMaxAckId) fail("ack id too large");
      ++pos;
    }
    p.id = id;
  }
  bool wants_id = p.type == PacketType::ack || p.type == PacketType::binary_ack;
  bool may_have_id = wants_id || p.type == PacketType::event || p.type == PacketType::binary_event;
  if (wants_id && !p.id) fail("ACK without an ack id");
  if (!may_have_id && p.id) fail("ack id on a packet type that takes none");

  bool present = pos < text.size();
  if (present) {
    boost::json::parse_options opts;
    opts.max_depth = 128;
    boost::system::error_code ec;
    p.data = boost::json::parse(text.substr(pos), ec, {}, opts);
    if (ec) fail("invalid JSON payload (" + ec.message() + ")");
    // JSON null reads as "absent" in Packet; the official parser treats it as a payload.
    if (p.data.is_null()) fail("null payload");
  }
  check_payload(p, present);

  if (!is_binary(p.type)) return p;
  check_placeholders(p.data, attachments);
  if (attachments == 0) return p;
  pending_ = std::move(p);
  expected_ = attachments;
  received_bytes_ = 0;
  return std::nullopt;
}

std::optional<Packet> Decoder::feed_binary(std::string_view bytes) {
  if (!pending_) fail("binary frame without a pending binary packet");
  received_bytes_ += bytes.size();
  if (received_bytes_ > limits_.max_attachment_bytes) {
    reset();
    fail("attachments exceed " + std::to_string(limits_.max_attachment_bytes) + " bytes");
  }
  pending_->attachments.emplace_back(bytes);
  if (pending_->attachments.size() < expected_) return std::nullopt;
  Packet done = std::move(*pending_);
  reset();
  return done;
}

void Decoder::reset() {
  pending_.reset();
  expected_ = 0;
  received_bytes_ = 0;
}

Packet decode(std::string_view text, DecoderLimits limits) {
  Decoder d(limits);
  std::optional<Packet> p = d.feed_text(text);
  if (!p) fail("binary packet needs attachments");
  return std::move(*p);
}

Packet make_event(std::string nsp, std::string_view name, const boost::json::array& args,
                  std::optional<std::uint64_t> id) {
  boost::json::array data;
  data.reserve(args.size() + 1);
  data.emplace_back(name);
  for (const auto& a : args)
    data.push_back(a);
  return Packet{PacketType::event, std::move(nsp), id, std::move(data), {}};
}

Packet make_ack(std::string nsp, std::uint64_t id, boost::json::array args) {
  return Packet{PacketType::ack, std::move(nsp), id, std::move(args), {}};
}

std::string_view event_name(const Packet& packet) {
  const auto* arr = packet.data.if_array();
  if ((packet.type != PacketType::event && packet.type != PacketType::binary_event) ||
      arr == nullptr || arr->empty() || !(*arr)[0].is_string())
    throw std::invalid_argument("sio: not an event packet");
  return (*arr)[0].get_string();
}

boost::json::array event_args(const Packet& packet) {
  event_name(packet);  // validates
  const auto& arr = packet.data.get_array();
  return boost::json::array(arr.begin() + 1, arr.end());
}

}  // namespace xport::sio
