#include "hub/server/engine_session.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "hub/server/sio_core.hpp"

namespace xport::hub::server {

namespace asio = boost::asio;
namespace eio = sio::eio;
using Clock = sio::ServerSession::Clock;

EngineSession::EngineSession(asio::io_context& ioc, std::shared_ptr<SioCore> core, std::string sid,
                             std::string remote, bool echo)
    : core_(std::move(core)),
      sid_(std::move(sid)),
      remote_(std::move(remote)),
      echo_(echo),
      strand_(asio::make_strand(ioc)),
      timer_(strand_),
      session_(sid_, core_->options, callbacks()) {}

sio::ServerSession::Callbacks EngineSession::callbacks() {
  // `this` is safe in these: the session is a member, and every call into it runs on the
  // strand with a shared_ptr to us held by the caller.
  sio::ServerSession::Callbacks cb;
  cb.send = [this](eio::Packet p) { deliver(std::move(p)); };
  if (echo_) {
    cb.on_message = [this](const eio::Packet& p) { session_.send_message(p); };
    cb.on_close = [this](const std::string& reason) { on_closed(reason); };
    return cb;
  }
  cb.on_connect = [this](const std::string& nsp, const boost::json::value& auth) {
    return core_->connect(shared_from_this(), nsp, auth);
  };
  cb.on_event = [this](const std::string& nsp, const std::string& name, boost::json::array args,
                       std::vector<std::string> attachments, std::optional<std::uint64_t> id) {
    auto it = session_.sockets().find(nsp);
    if (it == session_.sockets().end()) return;
    core_->event(shared_from_this(), it->second, name, std::move(args), std::move(attachments), id);
  };
  cb.on_disconnect = [this](const std::string&, const std::string& socket_id,
                            const std::string& reason) { core_->socket_left(socket_id, reason); };
  cb.on_close = [this](const std::string& reason) { on_closed(reason); };
  return cb;
}

void EngineSession::deliver(eio::Packet packet) {
  if (transport_ == Transport::websocket && ws_) {
    std::string frame = eio::encode_ws(packet);
    ws_->send(std::move(frame), packet.binary);
    return;
  }
  outbox_bytes_ += packet.data.size() + 1;
  if (outbox_bytes_ > core_->options.max_queued_bytes) {
    // A polling client that posts but never GETs what it is answered: the session goes
    // (posted: this runs inside the session's own send).
    spdlog::warn(
        "hub server: polling session {} takes none of the {} bytes waiting for it: "
        "session closed",
        sid_, outbox_bytes_);
    outbox_.clear();
    outbox_bytes_ = 0;
    asio::post(strand_, [self = shared_from_this()] {
      self->session_.close("the client takes nothing of what waits for it", false);
      self->rearm();
    });
    return;
  }
  outbox_.push_back(std::move(packet));
  wake_poller();
}

void EngineSession::wake_poller() {
  if (poll_waiter_ != nullptr) poll_waiter_->cancel();
}

void EngineSession::rearm() {
  if (closed_) {
    timer_.cancel();
    return;
  }
  auto next = session_.next_timer();
  if (next == armed_) return;
  armed_ = next;
  if (next == sio::ServerSession::time_point::max()) {
    timer_.cancel();
    return;
  }
  timer_.expires_at(next);
  timer_.async_wait([self = shared_from_this()](boost::system::error_code ec) {
    if (ec) return;  // re-armed or cancelled
    self->armed_ = sio::ServerSession::time_point::max();
    self->session_.on_timer(Clock::now());
    self->rearm();
  });
}

void EngineSession::on_closed(const std::string& /*reason*/) {
  closed_ = true;
  core_->remove_session(sid_);
  if (ws_) ws_->close();
  if (probe_) probe_->close();
  ws_.reset();
  probe_.reset();
  wake_poller();
  timer_.cancel();
}

void EngineSession::start_websocket(std::shared_ptr<WsTransport> ws) {
  asio::post(strand_, [self = shared_from_this(), ws = std::move(ws)]() mutable {
    self->transport_ = Transport::websocket;
    self->ws_ = std::move(ws);
    self->session_.open(Clock::now());
    self->rearm();
  });
}

asio::awaitable<PollAnswer> EngineSession::start_polling() {
  return asio::co_spawn(strand_, do_poll(shared_from_this(), true), asio::use_awaitable);
}

asio::awaitable<PollAnswer> EngineSession::poll() {
  return asio::co_spawn(strand_, do_poll(shared_from_this(), false), asio::use_awaitable);
}

asio::awaitable<PollAnswer> EngineSession::post(std::string body) {
  return asio::co_spawn(strand_, do_post(shared_from_this(), std::move(body)), asio::use_awaitable);
}

asio::awaitable<PollAnswer> EngineSession::do_poll(std::shared_ptr<EngineSession> self,
                                                   bool handshake) {
  if (handshake) {
    self->session_.open(Clock::now(), {"websocket"});
    self->rearm();
  }
  if (self->closed_ && self->outbox_.empty())
    co_return PollAnswer{400, R"({"code":1,"message":"Session ID unknown"})", "application/json"};
  if (self->transport_ != Transport::polling)
    co_return PollAnswer{400, R"({"code":3,"message":"Bad request"})", "application/json"};
  if (self->poll_waiter_ != nullptr) {
    // Two GETs at once: the reference server closes the session ("overlap from client"),
    // answering the first GET with the close packet.
    self->session_.close("overlapping polling requests");
    self->rearm();
    co_return PollAnswer{400, R"({"code":3,"message":"Bad request"})", "application/json"};
  }
  // A GET arriving while an upgrade's probe has answered gets a noop at once (as the one
  // pending then did): the client is about to switch and must not wait for a ping.
  if (self->outbox_.empty() && self->probe_ && self->probed_)
    co_return PollAnswer{200, eio::encode_payload({eio::Packet{eio::PacketType::noop}})};
  if (self->outbox_.empty()) {
    asio::steady_timer waiter(self->strand_);
    waiter.expires_at(asio::steady_timer::time_point::max());
    self->poll_waiter_ = &waiter;
    boost::system::error_code ec;
    co_await waiter.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    self->poll_waiter_ = nullptr;
  }
  std::vector<eio::Packet> packets = std::move(self->outbox_);
  self->outbox_.clear();
  self->outbox_bytes_ = 0;
  if (packets.empty()) packets.push_back(eio::Packet{eio::PacketType::noop});
  co_return PollAnswer{200, eio::encode_payload(packets)};
}

asio::awaitable<PollAnswer> EngineSession::do_post(std::shared_ptr<EngineSession> self,
                                                   std::string body) {
  if (self->closed_)
    co_return PollAnswer{400, R"({"code":1,"message":"Session ID unknown"})", "application/json"};
  if (self->transport_ != Transport::polling)
    co_return PollAnswer{400, R"({"code":3,"message":"Bad request"})", "application/json"};
  self->session_.on_payload(body, Clock::now());
  self->rearm();
  co_return PollAnswer{200, "ok", "text/html"};
}

void EngineSession::attach_probe(std::shared_ptr<WsTransport> ws) {
  asio::post(strand_, [self = shared_from_this(), ws = std::move(ws)]() mutable {
    if (self->closed_ || self->transport_ != Transport::polling || self->probe_) {
      ws->close();
      return;
    }
    self->probe_ = std::move(ws);
    self->probed_ = false;
  });
}

void EngineSession::ws_text(const WsTransport* from, std::string frame) {
  asio::post(strand_, [self = shared_from_this(), from, frame = std::move(frame)] {
    if (self->closed_) return;
    if (from == self->ws_.get() && self->transport_ == Transport::websocket) {
      self->session_.on_ws_text(frame, Clock::now());
      self->rearm();
      return;
    }
    if (from != self->probe_.get() || !self->probe_) return;
    // The upgrade: "2probe" → "3probe" (and release the pending GET), then "5" switches.
    if (!self->probed_ && frame == "2probe") {
      self->probed_ = true;
      self->probe_->send("3probe", false);
      if (self->poll_waiter_ != nullptr && self->outbox_.empty()) {
        self->outbox_.push_back(eio::Packet{eio::PacketType::noop});
        self->wake_poller();
      }
      return;
    }
    if (self->probed_ && frame == "5") {
      self->transport_ = Transport::websocket;
      self->ws_ = std::move(self->probe_);
      self->probe_.reset();
      std::vector<eio::Packet> queued = std::move(self->outbox_);
      self->outbox_.clear();
      self->outbox_bytes_ = 0;
      for (eio::Packet& p : queued)
        self->deliver(std::move(p));
      if (self->poll_waiter_ != nullptr) {
        self->outbox_.push_back(eio::Packet{eio::PacketType::noop});
        self->wake_poller();
      }
      return;
    }
    // Anything else on a probe: the upgrade fails, the polling session goes on.
    auto probe = std::move(self->probe_);
    self->probe_.reset();
    probe->close();
  });
}

void EngineSession::ws_binary(const WsTransport* from, std::string frame) {
  asio::post(strand_, [self = shared_from_this(), from, frame = std::move(frame)] {
    if (self->closed_) return;
    if (from == self->ws_.get() && self->transport_ == Transport::websocket) {
      self->session_.on_ws_binary(frame, Clock::now());
      self->rearm();
    } else if (from == self->probe_.get() && self->probe_) {
      auto probe = std::move(self->probe_);
      self->probe_.reset();
      probe->close();
    }
  });
}

void EngineSession::ws_closed(const WsTransport* from) {
  asio::post(strand_, [self = shared_from_this(), from] {
    if (self->probe_ && from == self->probe_.get()) {
      self->probe_.reset();  // a failed upgrade: polling goes on
      return;
    }
    if (self->ws_ && from == self->ws_.get()) {
      self->ws_.reset();
      self->session_.close("transport close", false);
      self->rearm();
    }
  });
}

void EngineSession::emit(std::string nsp, std::string event, boost::json::array args,
                         sio::ServerSession::AckCallback ack,
                         std::vector<std::string> attachments) {
  asio::post(strand_, [self = shared_from_this(), nsp = std::move(nsp), event = std::move(event),
                       args = std::move(args), ack = std::move(ack),
                       attachments = std::move(attachments)]() mutable {
    bool sent = self->session_.emit(nsp, event, std::move(args), ack, std::move(attachments));
    if (!sent && ack) ack(std::nullopt);
    self->rearm();
  });
}

void EngineSession::send_ack(std::string nsp, std::uint64_t id, boost::json::array args,
                             std::vector<std::string> attachments) {
  asio::post(strand_, [self = shared_from_this(), nsp = std::move(nsp), id, args = std::move(args),
                       attachments = std::move(attachments)]() mutable {
    self->session_.send_ack(nsp, id, std::move(args), std::move(attachments));
  });
}

void EngineSession::disconnect(std::string nsp) {
  asio::post(strand_, [self = shared_from_this(), nsp = std::move(nsp)] {
    self->session_.disconnect(nsp);
    self->rearm();
  });
}

void EngineSession::close(std::string reason) {
  asio::post(strand_, [self = shared_from_this(), reason = std::move(reason)] {
    self->session_.close(reason, true);
    self->rearm();
  });
}

void EngineSession::release() {
  ws_.reset();
  probe_.reset();
}

}  // namespace xport::hub::server
