// The one accept loop of xport's HTTP servers (the hub's front and, through HttpServer, the
// SDK's REST connector). Internal to the servers, with Asio in its interface like
// tls_stream.hpp: a caller that brings its own connection code (the hub's session: TLS
// detection, WebSocket upgrades, streamed bodies) plugs it in here.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

namespace xport::net {

struct AcceptOptions {
  // Connections served at once; 0: no bound. At the bound, new connections wait in the
  // listen backlog until one ends.
  std::size_t max_connections = 0;
  // How long to wait after an accept error that would repeat at once (out of descriptors or
  // kernel memory), and between checks while at max_connections.
  std::chrono::milliseconds backoff{50};
  // Told why a connection ended on an exception (the connection ends, the server goes on).
  std::function<void(std::string_view)> log_error;
  // Where the loop counts the connections it serves (a server waits for them to end when it
  // stops); null: a counter of its own.
  std::shared_ptr<std::atomic<std::size_t>> open;
};

// One connection, from its accepted socket to its end; runs on a strand of its own.
using ConnectionHandler = std::function<boost::asio::awaitable<void>(boost::asio::ip::tcp::socket)>;

// Accepts connections until the acceptor is closed (then returns), starting `handler` for
// each. Accept errors never end the loop: a reset before accept is skipped, resource
// exhaustion is backed off instead of spun on.
boost::asio::awaitable<void> accept_loop(boost::asio::ip::tcp::acceptor& acceptor,
                                         ConnectionHandler handler, AcceptOptions options);

// The text logged for an exception that ended a connection.
std::string connection_error_text(std::exception_ptr error);

}  // namespace xport::net
