// The apps the official Engine.IO and Socket.IO server test suites expect (protocol.md §5,
// docs/testing.md "Conformance"), served by the hub's own Server with no store behind it:
// `xport hub --conformance`. They exercise exactly the code the hub's plugins and UI talk to.
#pragma once

#include <cstdint>
#include <string>

#include "hub/server/server.hpp"
#include "hub/server/socketio_server.hpp"

namespace xport::hub {

// The suites' configuration: pingInterval 300 ms, pingTimeout 200 ms, maxPayload 1,000,000,
// connectTimeout 1 s, Socket.IO at /socket.io/ and the Engine.IO echo at /engine.io/.
server::ServerOptions conformance_server_options(std::string host, std::uint16_t port);

// The Socket.IO suite's app, as its README writes it for the reference server: on "/" and
// "/custom", a new socket is sent `auth` with its CONNECT payload ({} when none); on "/",
// `message` is answered with `message-back` and the same arguments, binary ones included, and
// `message-with-ack` is acked with its arguments.
void serve_conformance_app(server::SocketIoServer& sio);

}  // namespace xport::hub
