// The hub's network front: one HTTP/1.1 server (Boost.Beast underneath, none of it here) on
// an io_context run by a small thread pool, serving
//   - the REST routes of a Router (bodies limited per route, streamed to files on request,
//     file responses streamed from disk),
//   - the Socket.IO endpoint (default /socket.io/, Engine.IO v4 over websocket and
//     long-polling, with the upgrade from polling to websocket),
//   - static files from a directory (the web UI) for GET/HEAD paths no route matched.
//
// Shape (as Beast's chat-multi example): listener → http_session (reads requests, routes,
// polling, static files, or hands the socket to) → websocket_session; the Engine.IO sessions
// (engine_session) and the Socket.IO registry (SioCore) are the shared state.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "hub/server/router.hpp"
#include "hub/server/socketio_server.hpp"
#include "sio/server_session.hpp"

namespace xport::hub::server {

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see Server::port())
  std::size_t threads = 2;    // network threads running the io_context
  // Engine.IO/Socket.IO: pingInterval, pingTimeout, maxPayload (also the polling POST limit),
  // connectTimeout.
  sio::ServerOptions sio{};
  std::string sio_path = "/socket.io/";
  // Served for GET/HEAD requests no route matched; unset: none.
  std::optional<std::filesystem::path> static_dir;
  // Where bodies of body_to_file routes are written (default: the system temp directory).
  std::filesystem::path upload_dir;
  // Longest wait for a request's header or the next bytes of its body/response.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  std::size_t max_header_bytes = 16 * 1024;
  std::string server_name = "xport-hub";
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();  // stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Configure both before start().
  Router& router();
  SocketIoServer& sio();

  // Binds and listens, then starts the threads. Throws std::runtime_error when the address
  // cannot be bound.
  void start();
  // The bound port (after start()).
  std::uint16_t port() const;
  // Stops accepting, closes every Engine.IO session (bounded wait), stops the threads.
  // Idempotent.
  void stop();

  const ServerOptions& options() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xport::hub::server
