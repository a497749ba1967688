// Plugins behind the newest SDK's REST connector (Plugin::rest_url, protocol.md §6.1): a run
// is `POST {rest_url}/plugin` with header `Secret`, answered only once the run is done; the
// plugin is online while `GET {rest_url}/heartbeat` answers 2xx. Its answers and log lines
// come through the hub's /v2 endpoints, not through this transport.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "hub/app/dispatch/plugin_transport.hpp"
#include "hub/app/dispatch/routing.hpp"

namespace xport::hub::dispatch {

class RestConnectorTransport final : public PluginTransport {
 public:
  // secret_of: the plugin's secret (sealed in the store). run_in_background: runs a probe
  // later on a thread of the dispatcher's (probes must not hold up the caller).
  RestConnectorTransport(std::function<std::string(const Plugin&)> secret_of,
                         std::function<void(std::function<void()>)> run_in_background);

  void install(TransportEvents& events) override;
  // Starts the POST on a thread of its own; its end is reported by on_delivery_ended.
  bool deliver(Delivery delivery) override;
  void disconnect(const std::string&) override {}  // it holds no connection
  void stop() override;

  // 1 while the last GET {url}/heartbeat answered 2xx, else 0; asks for a new probe when the
  // last one is older than 15 s (3 s while the plugin is down, so it shows up quickly).
  std::size_t online(const Plugin& plugin, Clock::time_point now);

 private:
  struct Probe {
    std::string url;  // probed address (a changed URL is probed again)
    bool ok = false;
    Clock::time_point checked;
    bool in_flight = false;
  };
  static constexpr std::chrono::seconds kProbeMaxAge{15};
  void probe(const Plugin& plugin);

  // The REST-call threads' way back: events is cleared by stop(), so a late answer never
  // reaches a destroyed dispatcher.
  struct Calls {
    std::mutex mutex;
    TransportEvents* events = nullptr;
  };
  std::shared_ptr<Calls> calls_ = std::make_shared<Calls>();
  std::function<std::string(const Plugin&)> secret_of_;
  std::function<void(std::function<void()>)> run_in_background_;
  std::mutex probes_mutex_;
  std::map<std::string, Probe> probes_;  // plugin id → last /heartbeat probe
};

}  // namespace xport::hub::dispatch
