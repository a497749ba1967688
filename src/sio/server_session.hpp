// The server end of one Engine.IO v4 session carrying Socket.IO v5, without any transport:
// the owner feeds it the Engine.IO packets it reads (from WebSocket frames or polling
// payloads) and delivers the packets it asks for (callbacks.send) over whatever transport
// the session currently uses. Timers are the owner's too: call on_timer(now) at next_timer(),
// so heartbeats and timeouts are testable with fake time. The polling→WebSocket upgrade
// (probe, noop, upgrade packet) is transport business and stays with the owner: this engine
// only sees the packets of the session itself.
//
// Not thread-safe: the owner serialises every call (one strand). Callbacks run inside the call
// that caused them and may call back into the session (emit, send_ack, disconnect, close), but
// must not destroy it. Malformed or out-of-place packets from the client close the session
// (protocol.md §5).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/engineio.hpp"
#include "sio/pending_acks.hpp"
#include "sio/socketio.hpp"

namespace xport::sio {

struct ServerOptions {
  std::uint32_t ping_interval_ms = 25000;
  std::uint32_t ping_timeout_ms = 20000;
  std::uint64_t max_payload = 1000000;
  // A session that joins no namespace within this time is closed (Socket.IO connectTimeout).
  std::chrono::milliseconds connect_timeout{45000};
  DecoderLimits limits{};
  // What may wait for one polling client (packets no GET has taken yet). A client that keeps
  // POSTing events with acks but never fetches them would otherwise grow the hub's memory
  // without end; past this its session is closed. Far above what a live client lets pile up.
  // (WebSocket frames waiting to be written are not bounded yet.)
  std::uint64_t max_queued_bytes = std::uint64_t{16} << 20;
};

// The answer of the connect hook: accept with a socket id, or refuse with a message
// (sent as CONNECT_ERROR {"message": ...}).
struct ConnectResult {
  bool accepted = false;
  std::string value;  // the socket id, or the error message

  static ConnectResult accept(std::string socket_id) { return {true, std::move(socket_id)}; }
  static ConnectResult refuse(std::string message) { return {false, std::move(message)}; }
};

class ServerSession {
 public:
  using Clock = std::chrono::steady_clock;
  using time_point = Clock::time_point;

  struct Callbacks {
    // One Engine.IO packet for the client. Required.
    std::function<void(eio::Packet packet)> send;
    // A client asks to join `nsp` with `auth` (an object, or null). Unset: every namespace is
    // accepted with a socket id made of the sid and the namespace.
    std::function<ConnectResult(const std::string& nsp, const boost::json::value& auth)> on_connect;
    // An EVENT (or BINARY_EVENT, with its attachments) on a joined namespace; ack_id set when
    // the client waits for send_ack(nsp, *ack_id, ...).
    std::function<void(const std::string& nsp, const std::string& name, boost::json::array args,
                       std::vector<std::string> attachments, std::optional<std::uint64_t> ack_id)>
        on_event;
    // A joined namespace ended: the client's DISCONNECT, our disconnect(), or the session's
    // close (then once per joined namespace, before on_close).
    std::function<void(const std::string& nsp, const std::string& socket_id,
                       const std::string& reason)>
        on_disconnect;
    // Set: the session speaks Engine.IO only (no Socket.IO, no connect timeout) and every
    // message packet from the client comes here undecoded; answer with send_message(). The
    // Engine.IO test suite's echo server is this (xport hub --conformance).
    std::function<void(const eio::Packet& message)> on_message;
    // The session is over (client close, ping timeout, connect timeout, protocol violation,
    // or close()). The owner drops the transport after delivering what was sent. Called once.
    std::function<void(const std::string& reason)> on_close;
  };

  // Called with the client's ACK arguments, or nullopt when the answer can no longer come.
  using AckCallback = PendingAcks::Callback;

  ServerSession(std::string sid, ServerOptions options, Callbacks callbacks);

  // Sends the open packet (with `upgrades`, e.g. {"websocket"} on polling) and starts the
  // heartbeat and the connect timeout. Call once, first.
  void open(time_point now, std::vector<std::string> upgrades = {});

  // One Engine.IO packet from the client (decoded from a WebSocket frame or a polling payload).
  void on_packet(const eio::Packet& packet, time_point now);
  // Conveniences that decode first (a decode error is a violation and closes the session).
  void on_ws_text(std::string_view frame, time_point now);
  void on_ws_binary(std::string_view frame, time_point now);
  void on_payload(std::string_view body, time_point now);  // a polling POST body

  // Sends a due ping, closes on a missing pong or an expired connect timeout.
  void on_timer(time_point now);
  // When on_timer must run next; time_point::max() once closed.
  time_point next_timer() const;

  // Emits `name` with `args` (and binary attachments for placeholders in `args`) on a joined
  // namespace. With `ack`, an ack id is allocated and `ack` runs on the client's ACK. False
  // when the namespace is not joined or the session is closed.
  bool emit(const std::string& nsp, std::string_view name, boost::json::array args,
            AckCallback ack = nullptr, std::vector<std::string> attachments = {});
  // Answers the client's event `id` on `nsp` (a BINARY_ACK when there are attachments for
  // placeholders in `args`). False when not joined or closed.
  bool send_ack(const std::string& nsp, std::uint64_t id, boost::json::array args,
                std::vector<std::string> attachments = {});
  // Engine.IO only (Callbacks::on_message set): one message packet, text or binary, to the
  // client. False when closed.
  bool send_message(eio::Packet message);
  // Disconnects the client from `nsp` (DISCONNECT packet; on_disconnect with "server
  // namespace disconnect"). No-op when not joined.
  void disconnect(const std::string& nsp);
  // Ends the session: an Engine.IO close packet is sent first when `notify`.
  void close(const std::string& reason, bool notify = true);

  const std::string& sid() const { return sid_; }
  const ServerOptions& options() const { return options_; }
  bool opened() const { return opened_; }
  bool closed() const { return closed_; }
  // nsp → socket id of the joined namespaces.
  const std::map<std::string, std::string>& sockets() const { return joined_; }

 private:
  void handle_socket(Packet packet);
  void send_packet(const Packet& packet);
  void violation(const std::string& reason);
  void end_namespace(const std::string& nsp, const std::string& reason);

  std::string sid_;
  ServerOptions options_;
  Callbacks cb_;
  Decoder decoder_;
  bool opened_ = false;
  bool closed_ = false;
  time_point next_ping_ = time_point::max();
  std::optional<time_point> pong_deadline_;
  std::optional<time_point> connect_deadline_;
  std::map<std::string, std::string> joined_;  // nsp -> socket id
  PendingAcks acks_;
};

}  // namespace xport::sio
