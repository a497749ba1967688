#include "hub/app/conformance_app.hpp"

#include <boost/json/object.hpp>
#include <chrono>
#include <utility>
#include <vector>

namespace xport::hub {

using server::SocketInfo;

server::ServerOptions conformance_server_options(std::string host, std::uint16_t port) {
  server::ServerOptions o;
  o.host = std::move(host);
  o.port = port;
  o.sio.ping_interval_ms = 300;
  o.sio.ping_timeout_ms = 200;
  o.sio.max_payload = 1000000;
  o.sio.connect_timeout = std::chrono::milliseconds(1000);
  o.sio_path = "/socket.io/";
  o.engine_echo_path = "/engine.io/";
  return o;
}

void serve_conformance_app(server::SocketIoServer& sio) {
  for (const char* nsp : {"/", "/custom"}) {
    sio.on_connection(nsp, [&sio](const SocketInfo& socket) {
      // The reference server's handshake.auth is {} when the client sent no payload.
      boost::json::value auth = socket.auth.is_null() ? boost::json::object{} : socket.auth;
      sio.emit(socket.id, socket.nsp, "auth", boost::json::array{std::move(auth)});
    });
  }
  sio.on_event("/", "message", [&sio](const SocketInfo& socket, boost::json::array args, auto) {
    sio.emit(socket.id, socket.nsp, "message-back", std::move(args));
  });
  sio.on_binary_event("/", "message",
                      [&sio](const SocketInfo& socket, boost::json::array args,
                             std::vector<std::string> attachments, auto) {
                        sio.emit(socket.id, socket.nsp, "message-back", std::move(args), nullptr,
                                 std::move(attachments));
                      });
  sio.on_event("/", "message-with-ack",
               [](const SocketInfo&, boost::json::array args, server::Ack ack) {
                 if (ack) ack(std::move(args));
               });
  sio.on_binary_event("/", "message-with-ack",
                      [](const SocketInfo&, boost::json::array args,
                         std::vector<std::string> attachments, server::BinaryAck ack) {
                        if (ack) ack(std::move(args), std::move(attachments));
                      });
}

}  // namespace xport::hub
