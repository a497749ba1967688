// Plugins as Socket.IO instances on namespace /plugin (protocol.md §1): `heartbeat {id,
// secret}` makes a socket an instance, runs go out as the `plugin` event, `log`, `progress`
// and `response` events come back, a disconnect loses the instance.
#pragma once

#include <optional>
#include <string>

#include "hub/app/dispatch/plugin_transport.hpp"
#include "hub/server/socketio_server.hpp"

namespace xport::hub::dispatch {

class SocketIoTransport final : public PluginTransport {
 public:
  explicit SocketIoTransport(server::SocketIoServer& sio) : sio_(sio) {}

  void install(TransportEvents& events) override;
  bool deliver(Delivery delivery) override;
  void disconnect(const std::string& instance) override;
  void stop() override {}  // the server's handlers stop with the server

 private:
  using RunEventHandler = std::optional<std::string> (TransportEvents::*)(
      const std::string& plugin_id, const boost::json::object& body);
  void on_run_event(TransportEvents& events, const char* event, const char* what, bool advisory,
                    std::string no_object, RunEventHandler handle);

  server::SocketIoServer& sio_;
};

}  // namespace xport::hub::dispatch
