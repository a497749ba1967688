// The hub's Socket.IO server (protocol.md §5): namespaces with connect/event/disconnect
// handlers, emits to a socket from any thread, and the registry of connected sockets. The
// Engine.IO sessions underneath (websocket or long-polling, upgrades) belong to the Server;
// the hub only sees sockets: one per client and namespace, each with a unique id.
//
// Handlers run on the network thread of the socket's session, one at a time per session (so
// the events of one client arrive in order): they must not block for long. They may call
// emit/disconnect freely. Register every handler before Server::start().
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xport::hub::server {

// The response header of an Engine.IO polling handshake that repeats the new session's id,
// for load balancers that pin a session's requests to the hub holding it (docs/deploy.md).
inline constexpr std::string_view kSidHeader = "X-Xport-Sid";

struct SocketInfo {
  std::string id;           // the socket id (the "sid" of the CONNECT answer); unique
  std::string nsp;          // "/plugin"
  std::string session;      // the Engine.IO session id
  std::string remote;       // peer address "ip:port" of the connection that opened the session
  boost::json::value auth;  // the CONNECT payload: an object, or null when none was sent
};

// Answers a client's event (sends an ACK). Empty when the client asked for no answer.
// Callable from any thread, at most once.
using Ack = std::function<void(boost::json::array args)>;
// Answers a client's binary event: attachments for the {"_placeholder":true,"num":N} objects
// in `args` make it a BINARY_ACK.
using BinaryAck =
    std::function<void(boost::json::array args, std::vector<std::string> attachments)>;
// The client's ACK to one of our emits, or nullopt when it can no longer come (the socket is
// gone). Runs on the socket's network thread.
using AckCallback = std::function<void(std::optional<boost::json::array> args)>;

// Returns nullopt to accept the socket, or the error message sent as CONNECT_ERROR.
using ConnectHandler = std::function<std::optional<std::string>(const SocketInfo& socket)>;
// An event: its arguments (after the name) and the ack. Binary arguments keep their
// {"_placeholder":true,"num":N} objects; their bytes are in `attachments`.
using EventHandler =
    std::function<void(const SocketInfo& socket, boost::json::array args, Ack ack)>;
using BinaryEventHandler = std::function<void(const SocketInfo& socket, boost::json::array args,
                                              std::vector<std::string> attachments, BinaryAck ack)>;
// A socket was accepted (after the ConnectHandler, if any): what the reference server calls
// the "connection" event. Emits to it go out after the CONNECT answer.
using ConnectionHandler = std::function<void(const SocketInfo& socket)>;
// The socket left: client disconnect, server disconnect, transport close, ping timeout...
using DisconnectHandler = std::function<void(const SocketInfo& socket, const std::string& reason)>;

class SocketIoServer {
 public:
  struct Impl;
  explicit SocketIoServer(std::shared_ptr<Impl> impl);
  ~SocketIoServer();
  SocketIoServer(const SocketIoServer&) = delete;
  SocketIoServer& operator=(const SocketIoServer&) = delete;

  // Each call also opens the namespace: CONNECTs to namespaces nobody registered are refused
  // with "Invalid namespace" (as the reference server); "/" is always open.
  void on_connect(const std::string& nsp, ConnectHandler handler);
  void on_event(const std::string& nsp, const std::string& event, EventHandler handler);
  // For events carrying binary attachments (takes precedence over on_event for them).
  void on_binary_event(const std::string& nsp, const std::string& event,
                       BinaryEventHandler handler);
  // Events with no handler of their own.
  void on_any_event(const std::string& nsp,
                    std::function<void(const SocketInfo&, const std::string& event,
                                       boost::json::array args, Ack ack)>
                        handler);
  void on_connection(const std::string& nsp, ConnectionHandler handler);
  void on_disconnect(const std::string& nsp, DisconnectHandler handler);

  // Emits `event` to socket `socket_id` on `nsp`. Thread-safe; returns false when no such
  // socket is connected (the event is then dropped; `ack` is not called). The emit is queued
  // to the socket's session; if the socket leaves before it goes out, `ack` gets nullopt.
  bool emit(const std::string& socket_id, const std::string& nsp, std::string event,
            boost::json::array args, AckCallback ack = nullptr,
            std::vector<std::string> attachments = {});
  // Emits to every socket of `nsp`; returns how many were addressed.
  std::size_t broadcast(const std::string& nsp, const std::string& event,
                        const boost::json::array& args);
  // Disconnects one socket (DISCONNECT packet, then its disconnect handler). Thread-safe.
  bool disconnect(const std::string& socket_id);

  // The registry. Thread-safe snapshots.
  std::optional<SocketInfo> socket(const std::string& socket_id) const;
  std::vector<SocketInfo> sockets(const std::string& nsp) const;  // "" for all namespaces
  std::size_t session_count() const;  // Engine.IO sessions, joined or not

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace xport::hub::server
