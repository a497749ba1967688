#include "sio/server_session.hpp"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace xport::sio {

ServerSession::ServerSession(std::string sid, ServerOptions options, Callbacks callbacks)
    : sid_(std::move(sid)), options_(options), cb_(std::move(callbacks)), decoder_(options.limits) {
  if (!cb_.send) throw std::invalid_argument("ServerSession: the send callback is required");
  if (sid_.empty()) throw std::invalid_argument("ServerSession: empty sid");
}

void ServerSession::open(time_point now, std::vector<std::string> upgrades) {
  if (opened_ || closed_) return;
  opened_ = true;
  eio::OpenInfo info{sid_, std::move(upgrades), options_.ping_interval_ms, options_.ping_timeout_ms,
                     options_.max_payload};
  next_ping_ = now + std::chrono::milliseconds(options_.ping_interval_ms);
  if (!cb_.on_message) connect_deadline_ = now + options_.connect_timeout;
  cb_.send(eio::Packet{eio::PacketType::open, eio::make_open(info)});
}

void ServerSession::on_ws_text(std::string_view frame, time_point now) {
  if (closed_) return;
  try {
    on_packet(eio::decode_ws_text(frame), now);
  } catch (const ProtocolError& e) {
    violation(e.what());
  }
}

void ServerSession::on_ws_binary(std::string_view frame, time_point now) {
  if (closed_) return;
  on_packet(eio::decode_ws_binary(frame), now);
}

void ServerSession::on_payload(std::string_view body, time_point now) {
  if (closed_) return;
  std::vector<eio::Packet> packets;
  try {
    packets = eio::decode_payload(body, options_.max_payload);
  } catch (const ProtocolError& e) {
    return violation(e.what());
  }
  for (const eio::Packet& p : packets) {
    if (closed_) return;
    on_packet(p, now);
  }
}

void ServerSession::on_packet(const eio::Packet& packet, time_point now) {
  if (closed_) return;
  if (!opened_) return violation("packet before the open packet was sent");
  try {
    switch (packet.type) {
      case eio::PacketType::pong:
        // A pong answers our ping; a stray one (none outstanding) is harmless.
        pong_deadline_.reset();
        next_ping_ = now + std::chrono::milliseconds(options_.ping_interval_ms);
        return;
      case eio::PacketType::close:
        return close("client closed the session", false);
      case eio::PacketType::noop:
        return;
      case eio::PacketType::message: {
        if (cb_.on_message) return cb_.on_message(packet);
        std::optional<Packet> p =
            packet.binary ? decoder_.feed_binary(packet.data) : decoder_.feed_text(packet.data);
        if (p) handle_socket(std::move(*p));
        return;
      }
      case eio::PacketType::open:
      case eio::PacketType::ping:  // v4: only the server pings (probes are the owner's)
      case eio::PacketType::upgrade:
        return violation(std::string("unexpected Engine.IO packet type ") +
                         eio::type_digit(packet.type));
    }
  } catch (const ProtocolError& e) {
    violation(e.what());
  }
}

void ServerSession::handle_socket(Packet p) {
  const std::string nsp = p.nsp;
  auto joined = joined_.find(nsp);
  switch (p.type) {
    case PacketType::connect: {
      // As the reference server: a second CONNECT for a joined namespace is a violation.
      if (joined != joined_.end()) return violation("CONNECT for namespace " + nsp + " joined");
      if (!p.data.is_null() && !p.data.is_object())
        return violation("CONNECT auth for " + nsp + " is not an object");
      ConnectResult result =
          cb_.on_connect ? cb_.on_connect(nsp, p.data) : ConnectResult::accept(sid_ + "#" + nsp);
      if (closed_) return;
      if (!result.accepted) {
        boost::json::object err;
        err["message"] = result.value;
        send_packet(Packet{PacketType::connect_error, nsp, std::nullopt, std::move(err)});
        return;
      }
      joined_[nsp] = result.value;
      connect_deadline_.reset();
      boost::json::object ok;
      ok["sid"] = result.value;
      send_packet(Packet{PacketType::connect, nsp, std::nullopt, std::move(ok)});
      return;
    }
    case PacketType::connect_error:
      return violation("CONNECT_ERROR sent by the client");
    case PacketType::disconnect:
      if (joined == joined_.end())
        return violation("DISCONNECT for namespace " + nsp + " not joined");
      return end_namespace(nsp, "client namespace disconnect");
    case PacketType::event:
    case PacketType::binary_event: {
      if (joined == joined_.end()) return violation("EVENT for namespace " + nsp + " not joined");
      std::string name(event_name(p));
      boost::json::array args = event_args(p);
      if (cb_.on_event) cb_.on_event(nsp, name, std::move(args), std::move(p.attachments), p.id);
      return;
    }
    case PacketType::ack:
    case PacketType::binary_ack: {
      if (joined == joined_.end()) return violation("ACK for namespace " + nsp + " not joined");
      // An unknown id is ignored, as the reference server does.
      acks_.answer(nsp, *p.id, std::move(p.data.as_array()));
      return;
    }
  }
}

void ServerSession::on_timer(time_point now) {
  if (closed_ || !opened_) return;
  if (pong_deadline_ && now >= *pong_deadline_) return close("ping timeout", false);
  if (connect_deadline_ && now >= *connect_deadline_)
    return close("no namespace joined within connectTimeout", true);
  if (!pong_deadline_ && now >= next_ping_) {
    pong_deadline_ = now + std::chrono::milliseconds(options_.ping_timeout_ms);
    next_ping_ = time_point::max();
    cb_.send(eio::Packet{eio::PacketType::ping});
  }
}

ServerSession::time_point ServerSession::next_timer() const {
  if (closed_ || !opened_) return time_point::max();
  time_point t = pong_deadline_ ? *pong_deadline_ : next_ping_;
  if (connect_deadline_) t = std::min(t, *connect_deadline_);
  return t;
}

bool ServerSession::emit(const std::string& nsp, std::string_view name, boost::json::array args,
                         AckCallback ack, std::vector<std::string> attachments) {
  if (closed_ || joined_.count(nsp) == 0) return false;
  std::optional<std::uint64_t> id;
  if (ack) {
    id = acks_.add(nsp, std::move(ack));
  }
  Packet packet = make_event(nsp, name, args, id);
  packet.attachments = std::move(attachments);
  send_packet(packet);
  return true;
}

bool ServerSession::send_ack(const std::string& nsp, std::uint64_t id, boost::json::array args,
                             std::vector<std::string> attachments) {
  if (closed_ || joined_.count(nsp) == 0) return false;
  Packet packet = make_ack(nsp, id, std::move(args));
  packet.attachments = std::move(attachments);
  send_packet(packet);
  return true;
}

bool ServerSession::send_message(eio::Packet message) {
  if (closed_) return false;
  message.type = eio::PacketType::message;
  cb_.send(std::move(message));
  return true;
}

void ServerSession::disconnect(const std::string& nsp) {
  if (closed_ || joined_.count(nsp) == 0) return;
  send_packet(Packet{PacketType::disconnect, nsp});
  end_namespace(nsp, "server namespace disconnect");
}

void ServerSession::end_namespace(const std::string& nsp, const std::string& reason) {
  auto it = joined_.find(nsp);
  if (it == joined_.end()) return;
  std::string socket_id = std::move(it->second);
  joined_.erase(it);
  acks_.fail(&nsp);
  if (cb_.on_disconnect) cb_.on_disconnect(nsp, socket_id, reason);
}

void ServerSession::close(const std::string& reason, bool notify) {
  if (closed_) return;
  if (notify && opened_) cb_.send(eio::Packet{eio::PacketType::close});
  closed_ = true;
  decoder_.reset();
  // Every joined namespace ends first, so the owner's registry is clean before on_close.
  std::map<std::string, std::string> joined = std::move(joined_);
  joined_.clear();
  acks_.fail(nullptr);
  if (cb_.on_disconnect)
    for (const auto& [nsp, socket_id] : joined)
      cb_.on_disconnect(nsp, socket_id, reason);
  if (cb_.on_close) cb_.on_close(reason);
}

void ServerSession::violation(const std::string& reason) {
  close("protocol error: " + reason, false);
}

void ServerSession::send_packet(const Packet& packet) {
  Encoded e = encode(packet);
  cb_.send(eio::Packet{eio::PacketType::message, std::move(e.text)});
  for (std::string& a : e.attachments)
    cb_.send(eio::Packet{eio::PacketType::message, std::move(a), true});
}

}  // namespace xport::sio
