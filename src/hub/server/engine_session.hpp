// One Engine.IO session of the server (internal): a sio::ServerSession on a strand of its own,
// its heartbeat timer, and the transport it currently speaks over — a WebSocket, or the
// long-polling outbox that GET requests drain — including the polling→WebSocket upgrade
// (Engine.IO v4: "2probe"/"3probe" on the new WebSocket, a noop to release the pending GET,
// then "5" switches). Everything runs on the strand; the public functions post to it.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <memory>
#include <string>
#include <vector>

#include "sio/server_session.hpp"

namespace xport::hub::server {

struct SioCore;

// A WebSocket connection as the Engine.IO session sees it (websocket_session.cpp).
class WsTransport {
 public:
  virtual ~WsTransport() = default;
  // Thread-safe; frames go out in order. close() goes out after the frames sent before it.
  virtual void send(std::string frame, bool binary) = 0;
  virtual void close() = 0;
};

// An HTTP answer to a polling request.
struct PollAnswer {
  int status = 200;
  std::string body;
  std::string content_type = "text/plain; charset=UTF-8";
};

class EngineSession : public std::enable_shared_from_this<EngineSession> {
 public:
  using Strand = boost::asio::strand<boost::asio::io_context::executor_type>;

  // `echo`: an Engine.IO-only session that sends every message back (ServerOptions::
  // engine_echo_path); otherwise it carries Socket.IO.
  EngineSession(boost::asio::io_context& ioc, std::shared_ptr<SioCore> core, std::string sid,
                std::string remote, bool echo = false);

  const std::string& sid() const { return sid_; }
  const std::string& remote() const { return remote_; }
  bool echo() const { return echo_; }

  // A session opened on a WebSocket (transport=websocket without sid).
  void start_websocket(std::shared_ptr<WsTransport> ws);
  // A session opened by a polling GET: the open packet's payload.
  boost::asio::awaitable<PollAnswer> start_polling();
  // A polling GET: waits for packets (the heartbeat bounds the wait).
  boost::asio::awaitable<PollAnswer> poll();
  // A polling POST body.
  boost::asio::awaitable<PollAnswer> post(std::string body);
  // A WebSocket opened with this sid: the upgrade probe.
  void attach_probe(std::shared_ptr<WsTransport> ws);

  // From a WebSocket of this session (the current one or the probe).
  void ws_text(const WsTransport* from, std::string frame);
  void ws_binary(const WsTransport* from, std::string frame);
  void ws_closed(const WsTransport* from);

  // From the SocketIoServer (any thread).
  void emit(std::string nsp, std::string event, boost::json::array args,
            sio::ServerSession::AckCallback ack, std::vector<std::string> attachments);
  void send_ack(std::string nsp, std::uint64_t id, boost::json::array args,
                std::vector<std::string> attachments = {});
  void disconnect(std::string nsp);
  void close(std::string reason);

  // After the io_context stopped: drops the references that would keep objects alive.
  void release();

 private:
  static boost::asio::awaitable<PollAnswer> do_poll(std::shared_ptr<EngineSession> self,
                                                    bool handshake);
  static boost::asio::awaitable<PollAnswer> do_post(std::shared_ptr<EngineSession> self,
                                                    std::string body);
  void deliver(sio::eio::Packet packet);
  void wake_poller();
  void rearm();
  void on_closed(const std::string& reason);
  sio::ServerSession::Callbacks callbacks();

  enum class Transport { polling, websocket };

  std::shared_ptr<SioCore> core_;
  std::string sid_;
  std::string remote_;
  bool echo_;  // before session_: callbacks() reads it
  Strand strand_;
  boost::asio::steady_timer timer_;
  sio::ServerSession::time_point armed_ = sio::ServerSession::time_point::max();
  sio::ServerSession session_;
  Transport transport_ = Transport::polling;
  std::shared_ptr<WsTransport> ws_;
  std::shared_ptr<WsTransport> probe_;
  bool probed_ = false;  // the probe answered "3probe"; waiting for "5"
  std::vector<sio::eio::Packet> outbox_;
  std::uint64_t outbox_bytes_ = 0;  // bounded by sio::ServerOptions::max_queued_bytes
  boost::asio::steady_timer* poll_waiter_ = nullptr;  // the pending GET, if any
  bool closed_ = false;
};

}  // namespace xport::hub::server
