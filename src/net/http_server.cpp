#include "net/http_server.hpp"
#include "net/url.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <cctype>
#include <thread>

#include "net/accept_loop.hpp"
#include "net/errors.hpp"
#include "net/read_buffer.hpp"

namespace xport::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

std::string ServerRequest::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return {};
}

std::string_view ServerRequest::path() const {
  return std::string_view(target).substr(0, target.find('?'));
}

struct HttpServer::Impl : std::enable_shared_from_this<Impl> {
  HttpServerOptions options;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  Handler handler;
  std::thread network;
  std::shared_ptr<std::atomic<std::size_t>> open = std::make_shared<std::atomic<std::size_t>>(0);
  bool stopped = false;

  void log(std::string_view text) const {
    if (options.log) options.log(text);
  }

  ServerResponse answer(const ServerRequest& request) const {
    try {
      return handler(request);
    } catch (const std::exception& e) {
      log(std::string("handler failed: ") + e.what());
      return {500, "application/json", R"({"message":"internal error"})"};
    }
  }

  // One connection: one request read whole within the limits, its answer, the end.
  asio::awaitable<void> serve(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    // Bounded below 64 KiB (read_buffer.hpp: an oversized trailer must not end the process).
    beast::flat_buffer buffer(kHttpReadBufferLimit);
    http::request_parser<http::string_body> parser;
    parser.header_limit(bounded_header_limit(options.max_header_bytes));
    parser.body_limit(options.max_body_bytes);
    stream.expires_after(options.timeout);
    beast::error_code ec;
    co_await http::async_read(stream, buffer, parser,
                              asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      log("connection ended: " + ec.message());
    } else {
      const auto& req = parser.get();
      ServerRequest request;
      request.method = std::string(req.method_string());
      request.target = std::string(req.target());
      for (const auto& field : req)
        request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
      request.body = req.body();
      ServerResponse answered = answer(request);
      http::response<http::string_body> res;
      res.version(req.version());
      res.keep_alive(false);
      res.result(static_cast<unsigned>(answered.status));
      res.set(http::field::content_type, answered.content_type);
      res.body() = std::move(answered.body);
      res.prepare_payload();
      stream.expires_after(options.timeout);
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      if (ec) log("connection ended: " + ec.message());
    }
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  // After the acceptor closed: waits for the connections in progress, then ends the loop.
  asio::awaitable<void> drain() {
    asio::steady_timer timer(io);
    const auto deadline = std::chrono::steady_clock::now() + options.stop_grace;
    while (*open > 0 && std::chrono::steady_clock::now() < deadline) {
      timer.expires_after(std::chrono::milliseconds(10));
      beast::error_code ec;
      co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    io.stop();
  }
};

HttpServer::HttpServer(HttpServerOptions options) : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
  beast::error_code ec;
  const auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) throw NetError("cannot listen on " + impl_->options.address + ": " + ec.message());
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acceptor = impl_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw NetError("cannot listen on " + impl_->options.address + ":" +
                   std::to_string(impl_->options.port) + ": " + ec.message());
}

HttpServer::~HttpServer() {
  stop();
}

std::uint16_t HttpServer::port() const {
  beast::error_code ec;
  return impl_->acceptor.local_endpoint(ec).port();
}

void HttpServer::start(Handler handler) {
  impl_->handler = std::move(handler);
  AcceptOptions accept;
  accept.max_connections = impl_->options.max_connections;
  accept.log_error = impl_->options.log;
  accept.open = impl_->open;
  std::weak_ptr<Impl> weak = impl_;
  ConnectionHandler serve = [weak](tcp::socket socket) -> asio::awaitable<void> {
    if (auto impl = weak.lock()) co_await impl->serve(std::move(socket));
  };
  asio::co_spawn(impl_->io, accept_loop(impl_->acceptor, std::move(serve), std::move(accept)),
                 [impl = impl_](std::exception_ptr e) {
                   if (e) impl->log("the accept loop ended on an unexpected error");
                 });
  impl_->network = std::thread([impl = impl_] { impl->io.run(); });
}

void HttpServer::stop() {
  if (impl_->stopped) return;
  impl_->stopped = true;
  if (!impl_->network.joinable()) return;
  asio::post(impl_->io, [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
    asio::co_spawn(impl->io, impl->drain(), [](std::exception_ptr) {});
  });
  impl_->network.join();
}

}  // namespace xport::net
