// The hub's network front: one HTTP/1.1 server (Boost.Beast underneath, none of it here) on
// an io_context run by a small thread pool, serving
//   - the REST routes of a Router (bodies limited per route, streamed to files on request,
//     file responses streamed from disk),
//   - the Socket.IO endpoint (default /socket.io/, Engine.IO v4 over websocket and
//     long-polling, with the upgrade from polling to websocket),
//   - static files from a directory (the web UI) for GET/HEAD paths no route matched.
// With ServerOptions::tls set, every connection is TLS (1.2+) instead: the same sessions run
// over an SSL stream (they are templates on the stream type), wss:// included.
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
#include <utility>
#include <vector>

#include "hub/server/router.hpp"
#include "hub/server/socketio_server.hpp"
#include "sio/server_session.hpp"

namespace xport::hub::server {

// TLS for the server: a certificate chain and its private key, both PEM files.
struct ServerTls {
  std::filesystem::path cert_file;  // leaf first, then intermediates
  std::filesystem::path key_file;   // unencrypted (there is nobody to type a passphrase)
  // Longest wait for a client's TLS handshake (TLS detection included): a connection that
  // opens and says nothing must not hold its slot for the whole idle_timeout.
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};
};

// Loads and checks the chain and key as the server will (the key must match the leaf).
// Throws xport::IoError when a file cannot be read and xport::ConfigError when OpenSSL refuses
// its contents, naming the file and OpenSSL's reason. Server's constructor calls it; commands
// call it first to fail before they touch anything else.
void check_tls_files(const ServerTls& tls);

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0: any free port (see Server::port())
  std::size_t threads = 2;    // network threads running the io_context
  std::size_t workers = 2;    // threads for RouteOptions::blocking handlers
  // Engine.IO/Socket.IO: pingInterval, pingTimeout, maxPayload (also the polling POST limit),
  // connectTimeout.
  sio::ServerOptions sio{};
  std::string sio_path = "/socket.io/";
  // Set: an Engine.IO endpoint at this path too, speaking no Socket.IO and sending every
  // message back, text or binary (the app the Engine.IO test suite expects: xport hub
  // --conformance). Its sessions are unknown on sio_path and the other way round.
  std::string engine_echo_path;
  // Served for GET/HEAD requests no route matched; unset: none.
  std::optional<std::filesystem::path> static_dir;
  // Where bodies of body_to_file routes are written (default: the system temp directory).
  std::filesystem::path upload_dir;
  // Longest wait for a request's header or the next bytes of its body/response.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  // The overall cap on a transfer (a request body, a response): once `slow_transfer_grace`
  // has passed, it must have averaged `min_transfer_rate` bytes/s, so N bytes get at most
  // grace + N / rate. The idle timeout alone lets a peer trickle a byte a minute forever and
  // hold a connection (and a file) for as long as it likes. 0: no cap.
  std::uint64_t min_transfer_rate = 16 * 1024;
  std::chrono::milliseconds slow_transfer_grace{std::chrono::seconds(60)};
  std::size_t max_header_bytes = 16 * 1024;
  // The server's own directories (its data dir, its temporary directory...) as error answers
  // show them: an absolute path of one of them in an error's message (a database or file
  // error passed on as it was raised) becomes its name here, e.g. "<data dir>/hub.db". The
  // paths of the machine are nobody's business but its operator's.
  std::vector<std::pair<std::filesystem::path, std::string>> private_paths;
  std::string server_name = "xport-hub";
  // Set: HTTPS and wss only (plain HTTP requests get a 400 saying so, then the connection
  // is closed).
  std::optional<ServerTls> tls;
};

class Server {
 public:
  // Throws what check_tls_files throws when options.tls is set and unusable.
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
