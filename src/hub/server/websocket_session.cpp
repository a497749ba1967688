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
#include <deque>

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
    error_code ec;
    ws_.set_option(websocket::stream_base::timeout{state_->options.idle_timeout,
                                                   websocket::stream_base::none(), false});
    ws_.set_option(websocket::stream_base::decorator(
        [name = state_->options.server_name](websocket::response_type& res) {
          res.set(http::field::server, name);
        }));
    ws_.read_message_max(state_->sio->options.max_payload);
    std::shared_ptr<EngineSession> engine;
    if (!sid.empty()) {
      engine = state_->sio->find_session(sid);
      if (!engine || engine->echo() != echo) {
        // Engine.IO answers an unknown sid with 400 before any upgrade.
        http::response<http::string_body> res{http::status::bad_request, request.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = R"({"code":1,"message":"Session ID unknown"})";
        res.prepare_payload();
        co_await http::async_write(ws_.next_layer(), res,
                                   asio::redirect_error(asio::use_awaitable, ec));
        co_return;
      }
    }
    co_await ws_.async_accept(request, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) co_return;
    if (engine) {
      engine->attach_probe(self);
    } else {
      engine = state_->sio->create_session(remote, echo);
      engine->start_websocket(self);
    }
    engine_ = engine;
    beast::flat_buffer buffer;
    for (;;) {
      co_await ws_.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      std::string message = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      if (ws_.got_text())
        engine->ws_text(this, std::move(message));
      else
        engine->ws_binary(this, std::move(message));
    }
    ended_ = true;
    queue_.clear();
    engine->ws_closed(this);
    engine_.reset();
    beast::get_lowest_layer(ws_).socket().close(ec);
  }

 private:
  void start_writer() {
    writing_ = true;
    asio::co_spawn(ws_.get_executor(), write_loop(shared_from_this()), end_of_connection);
  }

  static asio::awaitable<void> write_loop(std::shared_ptr<WebSocketSession> self) {
    error_code ec;
    while (!self->queue_.empty() && !self->ended_) {
      self->ws_.binary(self->queue_.front().second);
      co_await self->ws_.async_write(asio::buffer(self->queue_.front().first),
                                     asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      if (!self->queue_.empty()) self->queue_.pop_front();
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
  std::deque<std::pair<std::string, bool>> queue_;
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
