// What every Engine.IO session of a server shares (internal): the options, the handlers of
// SocketIoServer, the session table (sid → session) and the socket registry.
#pragma once

#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>

#include "hub/server/engine_session.hpp"
#include "hub/server/socketio_server.hpp"
#include "sio/server_session.hpp"

namespace xport::hub::server {

struct SioCore : std::enable_shared_from_this<SioCore> {
  struct Namespace {
    ConnectHandler on_connect;
    std::map<std::string, EventHandler> events;
    std::map<std::string, BinaryEventHandler> binary_events;
    std::function<void(const SocketInfo&, const std::string&, boost::json::array, Ack)> any;
    ConnectionHandler on_connection;
    DisconnectHandler on_disconnect;
  };
  struct SocketEntry {
    SocketInfo info;
    std::weak_ptr<EngineSession> session;
  };

  SioCore(boost::asio::io_context& ioc, sio::ServerOptions opts) : io(ioc), options(opts) {}

  boost::asio::io_context& io;
  sio::ServerOptions options;
  std::map<std::string, Namespace> namespaces;  // written before start only

  mutable std::mutex mutex;
  std::map<std::string, std::shared_ptr<EngineSession>> sessions;
  std::map<std::string, SocketEntry> sockets;
  std::mt19937_64 rng{std::random_device{}()};

  std::string random_id();  // 20 URL-safe characters (caller needs no lock)
  std::shared_ptr<EngineSession> create_session(const std::string& remote, bool echo = false);
  std::shared_ptr<EngineSession> find_session(const std::string& sid) const;
  void remove_session(const std::string& sid);

  // Called by sessions on their strand.
  sio::ConnectResult connect(const std::shared_ptr<EngineSession>& session, const std::string& nsp,
                             const boost::json::value& auth);
  void event(const std::shared_ptr<EngineSession>& session, const std::string& socket_id,
             const std::string& name, boost::json::array args, std::vector<std::string> attachments,
             std::optional<std::uint64_t> ack_id);
  void socket_left(const std::string& socket_id, const std::string& reason);

  // Shutdown: close every session; after the io_context stopped, release them.
  void close_all(const std::string& reason);
  void release_all();
};

struct SocketIoServer::Impl {
  std::shared_ptr<SioCore> core;
};

}  // namespace xport::hub::server
