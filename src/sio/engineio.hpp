// Engine.IO v4 packets (protocol.md §5), transport-independent ("sans-IO"): the WebSocket
// framing, the HTTP long-polling payload and the open handshake. Every decoder is strict and
// throws ProtocolError saying what was wrong; encoders trust their caller and throw
// std::invalid_argument for packets that cannot be written (a programming error).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sio/protocol_error.hpp"

namespace xport::sio::eio {

using sio::ProtocolError;

enum class PacketType { open, close, ping, pong, message, upgrade, noop };

struct Packet {
  PacketType type;
  std::string data{};
  bool binary = false;  // only for messages: data are raw bytes, not text

  friend bool operator==(const Packet&, const Packet&) = default;
};

// The digit of a type on the wire ('0'..'6').
char type_digit(PacketType type);

// ---- WebSocket: one packet per frame. A text frame is the type digit followed by the data;
// a binary frame is a binary message, with no type byte.

// The frame for `packet` (send it as binary when packet.binary, else as text).
std::string encode_ws(const Packet& packet);
Packet decode_ws_text(std::string_view frame);
Packet decode_ws_binary(std::string_view frame);

// ---- HTTP long-polling: packets joined by '\x1e'; binary messages as "b<base64>".

constexpr char kRecordSeparator = '\x1e';

std::string encode_payload(const std::vector<Packet>& packets);
// Rejects a body longer than max_payload bytes (0: no limit), empty packets, unknown types,
// bad base64.
std::vector<Packet> decode_payload(std::string_view body, std::size_t max_payload);

// ---- The open handshake: 0{"sid","upgrades","pingInterval","pingTimeout","maxPayload"}.

struct OpenInfo {
  std::string sid;
  std::vector<std::string> upgrades;
  std::uint32_t ping_interval_ms = 25000;
  std::uint32_t ping_timeout_ms = 20000;
  // 0 when the server did not announce one: python-engineio 4.3 (Debian 12) omits the key.
  std::uint64_t max_payload = 1000000;

  friend bool operator==(const OpenInfo&, const OpenInfo&) = default;
};

// Strict on types: sid a non-empty string, upgrades an array of strings, the two intervals
// integers in [1, 2^31-1] ms (JavaScript's timer limit; also keeps deadline arithmetic far
// from overflow), maxPayload (optional, see above) a non-negative integer. Unknown keys are
// ignored so that a newer server does not break older clients.
OpenInfo parse_open(std::string_view json);
std::string make_open(const OpenInfo& info);  // the JSON text, keys in the order above

}  // namespace xport::sio::eio
