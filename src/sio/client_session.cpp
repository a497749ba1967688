#include "sio/client_session.hpp"

#include <boost/json/serialize.hpp>
#include <stdexcept>
#include <utility>

namespace xport::sio {

ClientSession::ClientSession(Callbacks callbacks, DecoderLimits limits)
    : cb_(std::move(callbacks)), decoder_(limits) {
  if (!cb_.send) throw std::invalid_argument("ClientSession: the send callback is required");
}

void ClientSession::on_text(std::string_view frame, time_point now) {
  if (closed_) return;
  try {
    handle_engine(eio::decode_ws_text(frame), now);
  } catch (const ProtocolError& e) {
    violation(e.what());
  }
}

void ClientSession::on_binary(std::string_view frame, time_point /*now*/) {
  if (closed_) return;
  if (!open_) return violation("binary frame before the Engine.IO open packet");
  try {
    std::optional<Packet> packet = decoder_.feed_binary(frame);
    if (packet) handle_socket(std::move(*packet));
  } catch (const ProtocolError& e) {
    violation(e.what());
  }
}

void ClientSession::handle_engine(const eio::Packet& packet, time_point now) {
  if (!open_ && packet.type != eio::PacketType::open)
    return violation("Engine.IO packet before the open packet");
  switch (packet.type) {
    case eio::PacketType::open: {
      if (open_) return violation("second Engine.IO open packet");
      open_ = eio::parse_open(packet.data);
      last_ping_ = now;
      // CONNECTs asked for before the handshake. Copy the names: send() may re-enter.
      std::vector<std::string> queued;
      for (const auto& entry : joining_)
        queued.push_back(entry.first);
      for (const std::string& nsp : queued)
        if (!closed_ && joining_.count(nsp) != 0) send_connect(nsp);
      return;
    }
    case eio::PacketType::close:
      return close("the server closed the Engine.IO session");
    case eio::PacketType::ping:
      last_ping_ = now;
      // Echo the data, as Engine.IO does (it is empty except for upgrade probes).
      cb_.send(eio::encode_ws({eio::PacketType::pong, packet.data}), false);
      return;
    case eio::PacketType::noop:
      return;
    case eio::PacketType::message: {
      std::optional<Packet> p = decoder_.feed_text(packet.data);
      if (p) handle_socket(std::move(*p));
      return;
    }
    case eio::PacketType::pong:     // v4 clients do not ping
    case eio::PacketType::upgrade:  // we do not probe: the transport is WebSocket from the start
      return violation(std::string("unexpected Engine.IO packet type ") +
                       eio::type_digit(packet.type));
  }
}

void ClientSession::handle_socket(Packet p) {
  const std::string& nsp = p.nsp;
  switch (p.type) {
    case PacketType::connect: {
      if (joining_.count(nsp) == 0)
        return violation("CONNECT for namespace " + nsp + " not joining");
      const boost::json::object* obj = p.data.if_object();
      const boost::json::value* sid = obj != nullptr ? obj->if_contains("sid") : nullptr;
      if (sid == nullptr || !sid->is_string())
        return violation("CONNECT for " + nsp + " without a string \"sid\"");
      joining_.erase(nsp);
      joined_.insert(nsp);
      std::vector<Packet> buffered = std::move(buffered_[nsp]);
      buffered_.erase(nsp);
      for (const Packet& b : buffered)
        if (!closed_) send_packet(b);
      if (!closed_ && cb_.on_connect) cb_.on_connect(nsp, std::string(sid->get_string()));
      return;
    }
    case PacketType::connect_error: {
      if (joining_.count(nsp) == 0)
        return violation("CONNECT_ERROR for namespace " + nsp + " not joining");
      std::string message;
      const boost::json::object* obj = p.data.if_object();
      const boost::json::value* m = obj != nullptr ? obj->if_contains("message") : nullptr;
      if (p.data.is_string())
        message = std::string(p.data.get_string());
      else if (m != nullptr && m->is_string())
        message = std::string(m->get_string());
      else
        message = boost::json::serialize(p.data);
      joining_.erase(nsp);
      buffered_.erase(nsp);
      acks_.fail(&nsp);
      if (!closed_ && cb_.on_connect_error) cb_.on_connect_error(nsp, message);
      return;
    }
    case PacketType::disconnect: {
      bool known = joined_.erase(nsp) + joining_.erase(nsp) != 0;
      if (!known) return;  // a namespace we already left
      buffered_.erase(nsp);
      acks_.fail(&nsp);
      if (!closed_ && cb_.on_disconnect) cb_.on_disconnect(nsp);
      return;
    }
    case PacketType::event:
    case PacketType::binary_event: {
      // Events for a namespace we left may still be in flight: drop them, as socket.io-client.
      if (joined_.count(nsp) == 0) return;
      std::string name(event_name(p));
      boost::json::array args = event_args(p);
      if (p.type == PacketType::binary_event && cb_.on_binary_event)
        cb_.on_binary_event(nsp, name, std::move(args), std::move(p.attachments), p.id);
      else if (cb_.on_event)
        cb_.on_event(nsp, name, std::move(args), p.id);
      return;
    }
    case PacketType::ack:
    case PacketType::binary_ack: {
      // An unknown id is ignored, as socket.io-client does (e.g. an answer after we left).
      acks_.answer(nsp, *p.id, std::move(p.data.as_array()));
      return;
    }
  }
}

void ClientSession::connect(const std::string& nsp, boost::json::value auth) {
  if (closed_ || joined_.count(nsp) != 0 || joining_.count(nsp) != 0) return;
  if (!auth.is_null() && !auth.is_object())
    throw std::invalid_argument("ClientSession::connect: auth must be an object or null");
  if (nsp.empty() || nsp[0] != '/' || nsp.find(',') != std::string::npos)
    throw std::invalid_argument("ClientSession::connect: invalid namespace \"" + nsp + "\"");
  joining_.emplace(nsp, std::move(auth));
  if (open_) send_connect(nsp);
}

void ClientSession::send_connect(const std::string& nsp) {
  send_packet(Packet{PacketType::connect, nsp, std::nullopt, joining_.at(nsp), {}});
}

void ClientSession::disconnect(const std::string& nsp) {
  if (closed_) return;
  bool joined = joined_.erase(nsp) != 0;
  bool joining = joining_.erase(nsp) != 0;
  buffered_.erase(nsp);
  // A CONNECT not yet sent (before the open) needs no DISCONNECT.
  if (joined || (joining && open_)) send_packet(Packet{PacketType::disconnect, nsp});
  acks_.fail(&nsp);
}

bool ClientSession::emit(const std::string& nsp, std::string_view name, boost::json::array args,
                         AckCallback ack) {
  if (closed_) return false;
  bool joined = joined_.count(nsp) != 0;
  if (!joined && joining_.count(nsp) == 0) return false;
  std::optional<std::uint64_t> id;
  if (ack) {
    id = acks_.add(nsp, std::move(ack));
  }
  Packet packet = make_event(nsp, name, args, id);
  if (joined)
    send_packet(packet);
  else
    buffered_[nsp].push_back(std::move(packet));
  return true;
}

bool ClientSession::send_ack(const std::string& nsp, std::uint64_t id, boost::json::array args) {
  if (closed_ || joined_.count(nsp) == 0) return false;
  send_packet(make_ack(nsp, id, std::move(args)));
  return true;
}

void ClientSession::close(const std::string& reason) {
  if (closed_) return;
  closed_ = true;
  decoder_.reset();
  joining_.clear();
  joined_.clear();
  buffered_.clear();
  acks_.fail(nullptr);
  if (cb_.on_close) cb_.on_close(reason);
}

void ClientSession::violation(const std::string& reason) {
  close("protocol error: " + reason);
}

ClientSession::time_point ClientSession::deadline() const {
  if (!open_ || closed_) return time_point::max();
  return last_ping_ +
         std::chrono::milliseconds(std::uint64_t{open_->ping_interval_ms} + open_->ping_timeout_ms);
}

void ClientSession::send_packet(const Packet& packet) {
  Encoded e = encode(packet);
  cb_.send(eio::encode_ws({eio::PacketType::message, std::move(e.text)}), false);
  for (std::string& a : e.attachments)
    cb_.send(std::move(a), true);
}

}  // namespace xport::sio
