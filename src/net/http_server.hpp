// A small HTTP/1.1 server for plain request → response endpoints (the SDK's REST connector):
// one request per connection, read whole within header, body and time limits, answered by a
// handler, then the connection is closed. No Asio or Beast here; connections are accepted by
// accept_loop (accept_loop.hpp), the loop the hub's front uses too.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xport::net {

struct ServerRequest {
  std::string method;  // as sent: "GET", "POST"
  std::string target;  // path and query, still percent-encoded
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // The first field of that name (ASCII case-insensitive); empty when absent.
  std::string header(std::string_view name) const;
  // The target without its query.
  std::string_view path() const;
};

struct ServerResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
};

struct HttpServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 0;  // 0: one the OS picks (port() says which)
  std::size_t max_connections = 256;
  std::size_t max_header_bytes = 16 * 1024;
  std::uint64_t max_body_bytes = std::uint64_t{64} << 20;
  // For reading the whole request and for writing the answer.
  std::chrono::milliseconds timeout{30'000};
  // How long stop() waits for requests in progress.
  std::chrono::milliseconds stop_grace{2'000};
  // Why connections ended early (bad requests, timeouts, handler exceptions).
  std::function<void(std::string_view)> log;
};

class HttpServer {
 public:
  using Handler = std::function<ServerResponse(const ServerRequest&)>;

  // Binds and listens (so port() is known at once). Throws NetError.
  explicit HttpServer(HttpServerOptions options);
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  std::uint16_t port() const;
  // Serves on a network thread of its own, calling `handler` there. A handler that throws
  // answers 500.
  void start(Handler handler);
  // Stops accepting, lets the requests in progress finish (up to stop_grace), then ends the
  // network thread. Idempotent.
  void stop();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace xport::net
