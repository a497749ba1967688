#include "net/websocket_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include <deque>
#include <optional>
#include <type_traits>
#include <utility>

#include "net/tls_stream.hpp"
#include "net/url.hpp"

namespace xport::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

using PlainWs = websocket::stream<beast::tcp_stream>;
using TlsWs = websocket::stream<beast::ssl_stream<beast::tcp_stream>>;

std::string close_text(const websocket::close_reason& cr) {
  std::string out = "code " + std::to_string(cr.code);
  if (!cr.reason.empty()) out += ": " + std::string(cr.reason.c_str());
  return out;
}

}  // namespace

struct WebSocketClient::Impl : std::enable_shared_from_this<Impl> {
  enum class State { idle, connecting, open, closing, ended };

  Impl(asio::io_context& ioc, WebSocketOptions opts)
      : strand(asio::make_strand(ioc)), options(std::move(opts)) {}

  asio::strand<asio::io_context::executor_type> strand;
  WebSocketOptions options;
  std::function<void(std::string)> text_handler, binary_handler, close_handler, error_handler;
  std::function<void()> open_handler;

  State state = State::idle;
  bool opened = false;
  bool close_requested = false;
  bool writing = false;
  std::deque<std::pair<std::string, bool>> queue;

  std::shared_ptr<asio::ssl::context> tls_context;
  std::optional<tcp::resolver> resolver;
  std::unique_ptr<PlainWs> plain;
  std::unique_ptr<TlsWs> secure;

  template <class F>
  void with_ws(F&& f) {
    if (secure) {
      f(*secure);
    } else if (plain) {
      f(*plain);
    }
  }

  void drop_socket() {
    if (resolver) resolver->cancel();
    with_ws([](auto& ws) {
      error_code ec;
      beast::get_lowest_layer(ws).socket().close(ec);
    });
  }

  // The one end of the connection: exactly one of on_error (never opened) or on_close.
  void finish(const std::string& reason) {
    if (state == State::ended) return;
    state = State::ended;
    queue.clear();
    drop_socket();
    auto on_close = std::move(close_handler);
    auto on_error = std::move(error_handler);
    // Release everything the callbacks captured: they may hold the client's own handle.
    text_handler = binary_handler = close_handler = error_handler = nullptr;
    open_handler = nullptr;
    if (opened) {
      if (on_close) on_close(reason);
    } else {
      if (on_error) on_error(reason);
    }
  }

  void start(const std::string& url_text, const TlsOptions& tls) {
    if (state != State::idle) return;
    state = State::connecting;
    Url url;
    try {
      url = Url::parse(url_text);
      if (url.tls()) {
        tls_context = make_tls_context(tls);
        secure = std::make_unique<TlsWs>(strand, *tls_context);
      } else {
        plain = std::make_unique<PlainWs>(strand);
      }
    } catch (const std::exception& e) {
      finish(e.what());
      return;
    }
    auto self = shared_from_this();
    auto done = finish_on_error(self);
    if (secure) {
      asio::co_spawn(strand, run(self, *secure, url, tls), done);
    } else {
      asio::co_spawn(strand, run(self, *plain, url, tls), done);
    }
  }

  // Failure texts of the connection steps below; nullopt: the step succeeded.
  using Failure = std::optional<std::string>;

  // The connection's life: resolve, connect, TLS, WebSocket handshake, then read messages
  // until it ends. Every way it ends goes through finish() with the reason.
  template <class Ws>
  asio::awaitable<void> run(std::shared_ptr<Impl> self, Ws& ws, Url url, TlsOptions tls) {
    const std::string where = url.redacted();
    tcp::resolver::results_type endpoints;
    Failure failed = co_await resolve(self, url, endpoints);
    if (!failed) failed = co_await connect_tcp(ws, url, where, endpoints);
    if constexpr (std::is_same_v<Ws, TlsWs>) {
      if (!failed) failed = co_await tls_handshake(ws, url, where, tls);
    }
    if (!failed) failed = co_await ws_handshake(ws, url, where);
    if (failed) co_return finish(*failed);
    state = State::open;
    opened = true;
    if (auto on_open = std::move(open_handler)) on_open();
    if (state == State::ended) co_return;
    if (!queue.empty() && !writing) start_writer();
    if (state == State::closing && !writing) start_close();
    co_await read_messages(ws);
  }

  Failure abandoned(const std::string& where) const {
    if (close_requested) return "connection to " + where + " abandoned (closed)";
    return std::nullopt;
  }

  // The host's addresses, within the handshake timeout (a timer cancels the resolver).
  asio::awaitable<Failure> resolve(std::shared_ptr<Impl> self, const Url& url,
                                   tcp::resolver::results_type& endpoints) {
    error_code ec;
    resolver.emplace(strand);
    asio::steady_timer timer(strand);
    timer.expires_after(options.handshake_timeout);
    timer.async_wait([self](error_code e) {
      if (!e && self->resolver) self->resolver->cancel();
    });
    endpoints = co_await resolver->async_resolve(url.host(), std::to_string(url.port()),
                                                 asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    resolver.reset();
    if (auto gone = abandoned(url.redacted())) co_return gone;
    if (ec == asio::error::operation_aborted) co_return "resolving " + url.host() + " timed out";
    if (ec) co_return "resolving " + url.host() + " failed: " + ec.message();
    co_return std::nullopt;
  }

  template <class Ws>
  asio::awaitable<Failure> connect_tcp(Ws& ws, const Url& url, const std::string& where,
                                       const tcp::resolver::results_type& endpoints) {
    error_code ec;
    auto& tcp_stream = beast::get_lowest_layer(ws);
    tcp_stream.expires_after(options.handshake_timeout);
    co_await tcp_stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (auto gone = abandoned(where)) co_return gone;
    if (ec == beast::error::timeout) co_return "connect to " + url.authority() + " timed out";
    if (ec) co_return "connect to " + url.authority() + " failed: " + ec.message();
    tcp_stream.socket().set_option(tcp::no_delay(true), ec);
    tcp_stream.socket().set_option(asio::socket_base::keep_alive(true), ec);
    co_return std::nullopt;
  }

  asio::awaitable<Failure> tls_handshake(TlsWs& ws, const Url& url, const std::string& where,
                                         const TlsOptions& tls) {
    error_code ec;
    try {
      detail::prepare_tls(ws.next_layer(), url.host(), tls);
    } catch (const std::exception& e) {
      co_return e.what();
    }
    beast::get_lowest_layer(ws).expires_after(options.handshake_timeout);
    co_await ws.next_layer().async_handshake(asio::ssl::stream_base::client,
                                             asio::redirect_error(asio::use_awaitable, ec));
    if (auto gone = abandoned(where)) co_return gone;
    if (ec == beast::error::timeout)
      co_return "TLS handshake with " + url.authority() + " timed out";
    if (ec) co_return detail::tls_handshake_error(ws.next_layer(), url.authority(), ec);
    co_return std::nullopt;
  }

  template <class Ws>
  asio::awaitable<Failure> ws_handshake(Ws& ws, const Url& url, const std::string& where) {
    // From here the WebSocket's own timeouts apply (handshake and closing handshake); no idle
    // timeout: the protocol above (Engine.IO pings) decides when a quiet link is dead.
    error_code ec;
    beast::get_lowest_layer(ws).expires_never();
    ws.set_option(websocket::stream_base::timeout{options.handshake_timeout,
                                                  websocket::stream_base::none(), false});
    ws.set_option(websocket::stream_base::decorator(
        [ua = options.user_agent, extra = options.headers](websocket::request_type& req) {
          req.set(http::field::user_agent, ua);
          for (const auto& [name, value] : extra)
            req.set(name, value);
        }));
    ws.read_message_max(options.max_message);
    websocket::response_type response;
    co_await ws.async_handshake(response, url.host_header(), url.target(),
                                asio::redirect_error(asio::use_awaitable, ec));
    if (auto gone = abandoned(where)) co_return gone;
    if (!ec) co_return std::nullopt;
    std::string msg = "WebSocket handshake with " + where + " failed: ";
    if (ec == beast::error::timeout) {
      msg += "timed out";
    } else {
      msg += ec.message();
    }
    if (response.result_int() != 0 && response.result() != http::status::switching_protocols) {
      msg += " (HTTP " + std::to_string(response.result_int()) + " " +
             std::string(response.reason()) + ")";
    }
    co_return msg;
  }

  // Hands every message to its handler until the connection ends, then says why.
  template <class Ws>
  asio::awaitable<void> read_messages(Ws& ws) {
    error_code ec;
    beast::flat_buffer buffer;
    for (;;) {
      co_await ws.async_read(buffer, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) break;
      std::string message = beast::buffers_to_string(buffer.data());
      buffer.consume(buffer.size());
      if (ws.got_text()) {
        if (text_handler) text_handler(std::move(message));
      } else {
        if (binary_handler) binary_handler(std::move(message));
      }
      if (state == State::ended) co_return;
    }
    if (close_requested) co_return finish("closed by client");
    if (ec == websocket::error::closed) {
      co_return finish("closed by server (" + close_text(ws.reason()) + ")");
    }
    if (ec == websocket::error::message_too_big) {
      co_return finish("message larger than the limit of " + std::to_string(options.max_message) +
                       " bytes");
    }
    finish("connection lost: " + ec.message());
  }

  // The completion handler of a coroutine on the strand: its exception ends the link.
  static std::function<void(std::exception_ptr)> finish_on_error(std::shared_ptr<Impl> self) {
    return [self = std::move(self)](std::exception_ptr e) {
      if (!e) return;
      try {
        std::rethrow_exception(e);
      } catch (const std::exception& ex) {
        self->finish(ex.what());
      }
    };
  }

  void start_writer() {
    writing = true;
    auto self = shared_from_this();
    auto done = finish_on_error(self);
    if (secure) {
      asio::co_spawn(strand, write_loop(self, *secure), done);
    } else {
      asio::co_spawn(strand, write_loop(self, *plain), done);
    }
  }

  // Drains the queue in order, one message at a time (Beast allows one write in flight).
  template <class Ws>
  asio::awaitable<void> write_loop(std::shared_ptr<Impl> self, Ws& ws) {
    (void)self;  // held by the coroutine frame: keeps the connection alive while writing
    error_code ec;
    while (!queue.empty() && (state == State::open || state == State::closing)) {
      ws.binary(queue.front().second);
      co_await ws.async_write(asio::buffer(queue.front().first),
                              asio::redirect_error(asio::use_awaitable, ec));
      if (ec) {
        writing = false;
        co_return finish(close_requested ? "closed by client" : "write failed: " + ec.message());
      }
      if (!queue.empty()) queue.pop_front();
    }
    writing = false;
    // A close() that came while writing waited for the queue to drain.
    if (state == State::closing) start_close();
  }

  void start_close() {
    auto self = shared_from_this();
    auto closer = [self](auto& ws) {
      ws.async_close(websocket::close_code::normal, [self](error_code ec) {
        // The read loop sees the end and reports it; a failed close just drops the socket.
        if (ec) self->finish("closed by client");
      });
    };
    with_ws(closer);
  }

  void send(std::string data, bool binary) {
    if (state == State::ended || state == State::closing || close_requested) return;
    queue.emplace_back(std::move(data), binary);
    if (state == State::open && !writing) start_writer();
  }

  void close() {
    if (state == State::ended || close_requested) return;
    close_requested = true;
    if (state == State::idle) {
      state = State::ended;
      return;
    }
    if (state == State::connecting) {
      drop_socket();  // the connecting coroutine notices and reports on_error
      return;
    }
    state = State::closing;
    if (!writing) start_close();
  }
};

std::shared_ptr<WebSocketClient> WebSocketClient::create(asio::io_context& ioc,
                                                         WebSocketOptions options) {
  return std::shared_ptr<WebSocketClient>(
      new WebSocketClient(std::make_shared<Impl>(ioc, std::move(options))));
}

WebSocketClient::WebSocketClient(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

WebSocketClient::~WebSocketClient() {
  asio::post(impl_->strand, [impl = impl_] {
    impl->text_handler = impl->binary_handler = impl->close_handler = impl->error_handler = nullptr;
    impl->open_handler = nullptr;
    impl->close();
  });
}

void WebSocketClient::on_text(std::function<void(std::string)> handler) {
  impl_->text_handler = std::move(handler);
}
void WebSocketClient::on_binary(std::function<void(std::string)> handler) {
  impl_->binary_handler = std::move(handler);
}
void WebSocketClient::on_close(std::function<void(std::string)> handler) {
  impl_->close_handler = std::move(handler);
}

void WebSocketClient::connect(const std::string& url, const TlsOptions& tls,
                              std::function<void()> on_open,
                              std::function<void(std::string)> on_error) {
  asio::post(impl_->strand, [impl = impl_, url, tls, on_open = std::move(on_open),
                             on_error = std::move(on_error)]() mutable {
    if (impl->state != Impl::State::idle) return;
    impl->open_handler = std::move(on_open);
    impl->error_handler = std::move(on_error);
    impl->start(url, tls);
  });
}

void WebSocketClient::send(std::string data, bool binary) {
  asio::post(impl_->strand, [impl = impl_, data = std::move(data), binary]() mutable {
    impl->send(std::move(data), binary);
  });
}

void WebSocketClient::close() {
  asio::post(impl_->strand, [impl = impl_] { impl->close(); });
}

}  // namespace xport::net
