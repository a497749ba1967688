// How a run reaches a plugin and how its answers come back: one PluginTransport per way of
// reaching plugins (Socket.IO instances: socketio_transport.hpp; REST connectors:
// rest_transport.hpp). Transports hold no routing state and make no database calls of their
// own: they report to TransportEvents (the dispatcher), which decides.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "hub/store.hpp"

namespace xport::hub::dispatch {

// What transports report; the dispatcher implements it (any thread).
class TransportEvents {
 public:
  virtual ~TransportEvents() = default;
  // An instance named its plugin and secret (the Socket.IO `heartbeat`, also the periodic
  // ones); the dispatcher checks them.
  struct HeartbeatVerdict {
    std::optional<std::string> refused;  // why, for the ack; nullopt: accepted
    bool disconnect = false;             // the socket has guessed enough
  };
  virtual HeartbeatVerdict on_heartbeat(const std::string& instance, const std::string& remote,
                                        const std::string& plugin_id,
                                        const std::string& secret) = 0;
  // The instance's connection is gone.
  virtual void on_instance_lost(const std::string& instance, const std::string& reason) = 0;
  // The plugin `instance` is an online instance of ("" before a valid heartbeat).
  virtual std::string instance_plugin(const std::string& instance) const = 0;
  // A run's answer or log line from plugin `plugin_id`: an error message when refused.
  virtual std::optional<std::string> on_answer(const std::string& plugin_id,
                                               const boost::json::object& body) = 0;
  virtual std::optional<std::string> on_log(const std::string& plugin_id,
                                            const boost::json::object& body) = 0;
  virtual std::optional<std::string> on_progress(const std::string& plugin_id,
                                                 const boost::json::object& body) = 0;
  // A delivery that lasts as long as its run (POST {url}/plugin) ended: error is empty when
  // the plugin accepted it.
  virtual void on_delivery_ended(const std::string& session, const std::string& error) = 0;
};

// One run on its way to a plugin.
struct Delivery {
  std::string session;
  std::string instance;  // the instance chosen (Socket.IO); empty for a REST connector
  Plugin plugin;
  boost::json::object data;              // the `plugin` event's data (run_messages.hpp)
  std::chrono::milliseconds timeout{0};  // how long the plugin may take to answer
};

class PluginTransport {
 public:
  virtual ~PluginTransport() = default;
  // Registers what it reports to `events`: before the server starts.
  virtual void install(TransportEvents& events) = 0;
  // Sends the run. False: it could not go out (the instance has gone).
  virtual bool deliver(Delivery delivery) = 0;
  // Closes an instance's connection (its plugin was deleted or its secret changed); its loss
  // is reported as usual.
  virtual void disconnect(const std::string& instance) = 0;
  // Nothing is reported to the events once this returns.
  virtual void stop() = 0;
};

}  // namespace xport::hub::dispatch
