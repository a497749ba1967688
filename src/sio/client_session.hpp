// The client end of Socket.IO v5 over Engine.IO v4 on a WebSocket, without the WebSocket:
// the owner feeds it the frames it reads (on_text/on_binary) and writes the frames it asks
// for (callbacks.send); timers are the owner's too (link_dead/deadline, with the time passed
// in), so the whole protocol is testable with fake time.
//
// Not thread-safe: the owner serialises every call (one strand). Callbacks run inside the
// call that caused them and may call back into the session (emit, send_ack, connect...), but
// must not destroy it. Exceptions from callbacks reach the caller of on_text/on_binary, except
// ProtocolError, which is taken for a violation of the peer (the session closes).
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "sio/engineio.hpp"
#include "sio/pending_acks.hpp"
#include "sio/socketio.hpp"

namespace xport::sio {

class ClientSession {
 public:
  using Clock = std::chrono::steady_clock;
  using time_point = Clock::time_point;

  struct Callbacks {
    // A WebSocket frame to write, as a binary frame when `binary`, else as text. Required.
    std::function<void(std::string frame, bool binary)> send;
    // The server accepted the namespace (CONNECT answered with {"sid": ...}).
    std::function<void(const std::string& nsp, const std::string& sid)> on_connect;
    // The server refused it (CONNECT_ERROR): the message, or the payload as JSON text.
    std::function<void(const std::string& nsp, const std::string& message)> on_connect_error;
    // An EVENT; ack_id set when the server waits for send_ack(nsp, *ack_id, ...). For a
    // BINARY_EVENT without on_binary_event the args keep their placeholders.
    std::function<void(const std::string& nsp, const std::string& name, boost::json::array args,
                       std::optional<std::uint64_t> ack_id)>
        on_event;
    // Optional: a BINARY_EVENT, with the placeholders' bytes.
    std::function<void(const std::string& nsp, const std::string& name, boost::json::array args,
                       std::vector<std::string> attachments, std::optional<std::uint64_t> ack_id)>
        on_binary_event;
    // The server disconnected the namespace (DISCONNECT).
    std::function<void(const std::string& nsp)> on_disconnect;
    // The session is over: Engine.IO close from the server, or a protocol violation. The owner
    // must drop the transport; the session ignores everything after this. Called once.
    std::function<void(const std::string& reason)> on_close;
  };

  // Called with the ACK's arguments, or with nullopt when the answer can no longer come (the
  // namespace was disconnected or the session closed).
  using AckCallback = PendingAcks::Callback;

  explicit ClientSession(Callbacks callbacks, DecoderLimits limits = {});

  // Frames read from the WebSocket.
  void on_text(std::string_view frame, time_point now);
  void on_binary(std::string_view frame, time_point now);

  // Joins `nsp` (auth: an object, or null for none). Before the Engine.IO open it is queued
  // and sent when the handshake arrives. No-op when already joined/joining or closed.
  void connect(const std::string& nsp, boost::json::value auth = nullptr);
  // Leaves `nsp` (DISCONNECT); its pending acks get nullopt.
  void disconnect(const std::string& nsp);

  // Emits event `name` with `args` on `nsp`. With `ack` an ack id is allocated and `ack` runs
  // on the server's ACK. While the namespace's CONNECT is unanswered the event is buffered and
  // sent once it is accepted (dropped, acks called with nullopt, if refused). Returns false
  // (and does nothing) when the namespace is neither joined nor joining, or the session is
  // closed.
  bool emit(const std::string& nsp, std::string_view name, boost::json::array args,
            AckCallback ack = nullptr);
  // Answers the server's event `id` on `nsp`. False when not joined or closed.
  bool send_ack(const std::string& nsp, std::uint64_t id, boost::json::array args);

  // Ends the session from our side (as if the transport were dropped): pending acks get
  // nullopt, on_close is called with `reason`.
  void close(const std::string& reason);

  // Engine.IO v4: the server pings every pingInterval; no ping for pingInterval + pingTimeout
  // since the open or the last ping means the link is dead. Before the open (and after close)
  // deadline() is time_point::max(): the owner bounds the handshake with its own timeout.
  bool link_dead(time_point now) const { return now >= deadline(); }
  time_point deadline() const;

  const eio::OpenInfo* handshake() const { return open_ ? &*open_ : nullptr; }
  bool connected(const std::string& nsp) const { return joined_.count(nsp) != 0; }
  bool closed() const { return closed_; }

 private:
  void handle_engine(const eio::Packet& packet, time_point now);
  void handle_socket(Packet packet);
  void send_packet(const Packet& packet);
  void send_connect(const std::string& nsp);
  void violation(const std::string& reason);

  Callbacks cb_;
  Decoder decoder_;
  std::optional<eio::OpenInfo> open_;
  time_point last_ping_{};
  bool closed_ = false;
  std::map<std::string, boost::json::value> joining_;  // CONNECT sent or queued -> auth
  std::set<std::string> joined_;
  std::map<std::string, std::vector<Packet>> buffered_;  // emits waiting for CONNECT's answer
  PendingAcks acks_;
};

}  // namespace xport::sio
