// An asynchronous WebSocket client (ws:// and wss://) on the caller's io_context.
//
// Everything a connection does runs on a strand of its own, so the io_context may be run by
// one thread or several. Callbacks are invoked on that strand: they must not block.
#pragma once

#include <boost/asio/io_context.hpp>

#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "net/errors.hpp"
#include "net/http_client.hpp"  // Headers
#include "net/tls.hpp"

namespace xport::net {

struct WebSocketOptions {
  // TCP connect, TLS handshake and WebSocket upgrade, each; also the closing handshake.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(30)};
  // Largest incoming message; a bigger one ends the connection (close code 1009).
  std::size_t max_message = std::size_t{100} << 20;
  std::string user_agent = "xport/0.1";
  Headers headers{};  // extra upgrade request fields (Authorization, Origin...)
};

// One connection attempt per object. Lifetime: the object is shared (create() returns a
// shared_ptr) and keeps itself alive while its connection is in use; dropping the last
// handle closes the connection gracefully and stops all callbacks. Drop every handle before
// the io_context is destroyed (the destructor posts the close to it).
//
// Callback contract, per connect(): either on_error(message) once (the connection never
// opened; on_open and on_close are not called), or on_open() once and later on_close(reason)
// exactly once, whatever ends it: an error, the server's close, or close().
class WebSocketClient : public std::enable_shared_from_this<WebSocketClient> {
 public:
  static std::shared_ptr<WebSocketClient> create(boost::asio::io_context& ioc,
                                                 WebSocketOptions options = {});
  ~WebSocketClient();
  WebSocketClient(const WebSocketClient&) = delete;
  WebSocketClient& operator=(const WebSocketClient&) = delete;

  // Set these before connect().
  void on_text(std::function<void(std::string)> handler);
  void on_binary(std::function<void(std::string)> handler);
  void on_close(std::function<void(std::string reason)> handler);

  // Starts connecting to a ws:// or wss:// URL (http/https are taken as ws/wss). Returns at
  // once; a bad URL or TLS setup failure is reported through on_error too. Call once.
  void connect(const std::string& url, const TlsOptions& tls, std::function<void()> on_open,
               std::function<void(std::string message)> on_error);

  // Queues one message (text or binary); messages go out whole and in the order sent.
  // Thread-safe. Messages sent before on_open wait for it; after the end they are dropped.
  void send(std::string data, bool binary = false);

  // Starts a graceful close (close frame, wait for the server's, at most handshake_timeout,
  // then the socket is dropped). Before the connection opens, abandons the attempt
  // (on_error). Thread-safe, idempotent; on_close follows with reason "closed by client".
  void close();

 private:
  struct Impl;
  explicit WebSocketClient(std::shared_ptr<Impl> impl);
  std::shared_ptr<Impl> impl_;
};

}  // namespace xport::net
