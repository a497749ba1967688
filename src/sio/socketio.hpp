// Socket.IO v5 packets (protocol.md §5), carried inside Engine.IO messages:
//   <type>[<attachments>-][/nsp,][ackId][JSON]
// Binary payloads travel as separate Engine.IO binary messages after the text packet; in
// `data` each one is stood for by {"_placeholder":true,"num":N}, and its bytes are
// attachments[N]. Decoding is strict (ProtocolError); the text written by encode() is the
// one the official socket.io-parser writes for the same packet (numbers aside: Boost.JSON
// prints doubles in its own, equally valid, notation).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/protocol_error.hpp"

namespace xport::sio {

enum class PacketType {
  connect = 0,
  disconnect = 1,
  event = 2,
  ack = 3,
  connect_error = 4,
  binary_event = 5,
  binary_ack = 6
};

struct Packet {
  PacketType type;
  std::string nsp = "/";
  std::optional<std::uint64_t> id{};
  boost::json::value data{};  // null when absent
  std::vector<std::string> attachments{};
};

struct Encoded {
  std::string text;                      // the text packet (an Engine.IO message)
  std::vector<std::string> attachments;  // then one binary message each, in order
};

// The largest ack id accepted: JavaScript peers hold ids in a double (2^53 - 1).
constexpr std::uint64_t kMaxAckId = 9007199254740991ULL;

// Throws std::invalid_argument for a packet that cannot be written: attachments on a type
// that cannot carry them, a namespace not starting with '/' or holding ',', an id above
// kMaxAckId. EVENT/ACK with attachments are written as BINARY_EVENT/BINARY_ACK, as the
// official encoder does when the data hold binary.
Encoded encode(const Packet& packet);

struct DecoderLimits {
  std::size_t max_attachments = 10;
  std::size_t max_attachment_bytes = 16 * 1024 * 1024;  // all attachments of one packet
  std::size_t max_nsp_length = 256;
};

// Reassembles packets from Engine.IO messages: a text message is a packet, or the head of a
// binary one that then waits for its attachments. Any error leaves the decoder reset (the
// link is to be dropped anyway).
class Decoder {
 public:
  explicit Decoder(DecoderLimits limits = {}) : limits_(limits) {}

  // The packet, or nullopt when it waits for binary attachments.
  std::optional<Packet> feed_text(std::string_view text);
  // The completed packet, or nullopt when more attachments are due.
  std::optional<Packet> feed_binary(std::string_view bytes);

  bool awaiting_binary() const { return pending_.has_value(); }
  void reset();

 private:
  DecoderLimits limits_;
  std::optional<Packet> pending_;
  std::size_t expected_ = 0;
  std::size_t received_bytes_ = 0;
};

// A whole text packet with no attachments (convenience for tests and tools).
Packet decode(std::string_view text, DecoderLimits limits = {});

// EVENT on `nsp`: data = [name, args...].
Packet make_event(std::string nsp, std::string_view name, const boost::json::array& args,
                  std::optional<std::uint64_t> id = std::nullopt);
// ACK on `nsp` for `id`: data = args.
Packet make_ack(std::string nsp, std::uint64_t id, boost::json::array args);
// The name and the arguments of an EVENT/BINARY_EVENT packet as decode() returns it
// (throws std::invalid_argument for any other packet).
std::string_view event_name(const Packet& packet);
boost::json::array event_args(const Packet& packet);

}  // namespace xport::sio
