#include "hub/server/websocket_session.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>  // teardown (close_notify) of wss connections
#include <utility>
#include <vector>

#include "hub/server/engine_session.hpp"
#include "hub/server/listener.hpp"

namespace xport::hub::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using boost::system::error_code;

namespace {

// Stream: beast::tcp_stream or beast::ssl_stream<beast::tcp_stream> (handshake done).
template <class Stream>
class WebSocketSession : public WsTransport,
                         public std::enable_shared_from_this<WebSocketSession<Stream>> {
 public:
  using std::enable_shared_from_this<WebSocketSession<Stream>>::shared_from_this;

  WebSocketSession(std::shared_ptr<SharedState> state, Stream stream)
      : state_(std::move(state)), ws_(std::move(stream)) {}

  asio::any_io_executor executor() { return ws_.get_executor(); }

  void send(std::string frame, bool binary) override {
    asio::post(ws_.get_executor(),
               [self = shared_from_this(), frame = std::move(frame), binary]() mutable {
                 if (self->closing_ || self->ended_) return;
                 self->queue_.emplace_back(std::move(frame), binary);
                 if (!self->writing_) self->start_writer();
               });
  }

  void close() override {
    asio::post(ws_.get_executor(), [self = shared_from_this()] {
      if (self->closing_ || self->ended_) return;
      self->closing_ = true;
      if (!self->writing_) self->start_close();
    });
  }

  asio::awaitable<void> run(http::request<http::empty_body> request, std::string sid,
                            std::string remote, bool echo) {
    auto self = shared_from_this();
    ws_.set_option(websocket::stream_base::timeout{state_->options.idle_timeout,
                                                   websocket::stream_base::none(), false});
    ws_.set_option(websocket::stream_base::decorator(
        [name = state_->options.server_name](websocket::response_type& res) {
          res.set(http::field::server, name);
        }));
    ws_.read_message_max(state_->sio->options.max_payload);
    std::shared_ptr<EngineSession> engine =
        co_await attach(std::move(request), std::move(sid), std::move(remote), echo);
    if (!engine) co_return;
    engine_ = engine;
    co_await read_loop(*engine);
    ended_ = true;
    queue_.clear();
    engine->ws_closed(this);
    engine_.reset();
    error_code ec;
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  // An idle connection waits for its next message with this much buffer (see read_loop).
  static constexpr std::size_t kIdleReadBytes = 256;
  static constexpr std::size_t kMessageReadBytes = 64 * 1024;

  // Accepts the upgrade and joins the Engine.IO session; null when refused or failed. A
  // coroutine of its own (as refuse_unknown_sid), so that what only the handshake needs — the
  // request, a 400 answer — is freed when it is done instead of living in the frame of run()
  // for as long as the connection does: 10,000 idle plugin connections pay for every byte.
  asio::awaitable<std::shared_ptr<EngineSession>> attach(http::request<http::empty_body> request,
                                                         std::string sid, std::string remote,
                                                         bool echo) {
    std::shared_ptr<EngineSession> engine;
    if (!sid.empty()) {
      engine = state_->sio->find_session(sid);
      if (!engine || engine->echo() != echo) {
        co_await refuse_unknown_sid(request.version());
        co_return nullptr;
      }
    }
    error_code ec;
    co_await ws_.async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return nullptr;
    if (engine) {
      engine->attach_probe(shared_from_this());
    } else {
      engine = state_->sio->create_session(remote, echo);
      engine->start_websocket(shared_from_this());
    }
    co_return engine;
  }

  // Engine.IO answers an unknown sid with 400 before any upgrade.
  asio::awaitable<void> refuse_unknown_sid(unsigned version) {
    http::response<http::string_body> res{http::status::bad_request, version};
    res.set(http::field::content_type, "application/json");
    res.body() = R"({"code":1,"message":"Session ID unknown"})";
    res.prepare_payload();
    error_code ec;
    co_await http::async_write(ws_.next_layer(), res,
                               asio::redirect_error(asio::use_awaitable, ec));
  }

  // Reads messages into the Engine.IO session until the connection ends. The first read of a
  // message prepares kIdleReadBytes only, the rest of the message comes in bigger reads, and
  // the buffer is released after each message: an idle connection then waits holding 256
  // bytes instead of the 1.5 KiB or more a whole-message read prepares (Beast reads the
  // socket into its own frame buffer either way, so this costs no extra system calls).
  asio::awaitable<void> read_loop(EngineSession& engine) {
    beast::flat_buffer buffer;
    error_code ec;
    for (;;) {
      co_await ws_.async_read_some(buffer, kIdleReadBytes,
                                   asio::redirect_error(asio::use_awaitable, ec));
      while (!ec && !ws_.is_message_done())
        co_await ws_.async_read_some(buffer, kMessageReadBytes,
                                     asio::redirect_error(asio::use_awaitable, ec));
      if (ec) co_return;
      std::string message = beast::buffers_to_string(buffer.data());
      buffer.clear();
      buffer.shrink_to_fit();
      if (ws_.got_text())
        engine.ws_text(this, std::move(message));
      else
        engine.ws_binary(this, std::move(message));
    }
  }

  void start_writer() {
    writing_ = true;
    asio::co_spawn(ws_.get_executor(), write_loop(shared_from_this()), end_of_connection);
  }

  // Writes what is queued, a batch at a time (send() appends to the next batch meanwhile).
  static asio::awaitable<void> write_loop(std::shared_ptr<WebSocketSession> self) {
    error_code ec;
    while (!ec && !self->queue_.empty() && !self->ended_) {
      std::vector<std::pair<std::string, bool>> batch;
      batch.swap(self->queue_);
      for (auto& [frame, binary] : batch) {
        if (self->ended_) break;
        self->ws_.binary(binary);
        co_await self->ws_.async_write(asio::buffer(frame),
                                       asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
      }
    }
    self->writing_ = false;
    if (ec) {
      beast::get_lowest_layer(self->ws_).socket().close(ec);
      co_return;
    }
    if (self->closing_) self->start_close();
  }

  void start_close() {
    if (ended_) return;
    ws_.async_close(websocket::close_code::normal, [self = shared_from_this()](error_code ec) {
      if (ec) beast::get_lowest_layer(self->ws_).socket().close(ec);
    });
  }

  std::shared_ptr<SharedState> state_;
  websocket::stream<Stream> ws_;
  std::shared_ptr<EngineSession> engine_;
  // A vector, not a deque: an empty std::deque holds a 512-byte block, per connection.
  std::vector<std::pair<std::string, bool>> queue_;
  bool writing_ = false;
  bool closing_ = false;
  bool ended_ = false;
};

template <class Stream>
void start_session(std::shared_ptr<SharedState> state, Stream stream,
                   http::request<http::empty_body> request, std::string sid, std::string remote,
                   bool echo) {
  auto session = std::make_shared<WebSocketSession<Stream>>(std::move(state), std::move(stream));
  asio::co_spawn(session->executor(),
                 session->run(std::move(request), std::move(sid), std::move(remote), echo),
                 end_of_connection);
}

}  // namespace

void run_websocket_session(std::shared_ptr<SharedState> state, beast::tcp_stream stream,
                           http::request<http::empty_body> request, std::string sid,
                           std::string remote, bool echo) {
  start_session(std::move(state), std::move(stream), std::move(request), std::move(sid),
                std::move(remote), echo);
}

void run_websocket_session(std::shared_ptr<SharedState> state,
                           beast::ssl_stream<beast::tcp_stream> stream,
                           http::request<http::empty_body> request, std::string sid,
                           std::string remote, bool echo) {
  start_session(std::move(state), std::move(stream), std::move(request), std::move(sid),
                std::move(remote), echo);
}

}  // namespace xport::hub::server
