// The REST connector (protocol.md §4, CONNECTOR=REST): the plugin serves HTTP instead of
// connecting out. `POST /plugin` (body: the run's data) and `GET /heartbeat` ("ok"), both
// requiring the header `Secret: <plugin secret>` (else 401); answers and logs go back with
// `POST /v2/pluginResponse` and `POST /v2/pluginLog`, with the run's apiKey.
#pragma once

#include <memory>
#include <string>

#include "sdk/connector.hpp"
#include "sdk/platform_api.hpp"
#include "xport/plugin.hpp"

namespace xport::sdk {

class RestConnector final : public Connector {
 public:
  RestConnector(std::string secret, const PluginOptions& options, std::shared_ptr<PlatformApi> api);
  ~RestConnector() override;

  void start(RunHandler on_run) override;
  void send_response(boost::json::object body) override;
  void send_log(boost::json::object body) override;
  void send_progress(boost::json::object body) override;
  void stop_accepting() override;
  bool shutdown(std::chrono::steady_clock::time_point deadline) override;

  // The port actually listened on (options.port, or the one the OS chose for 0).
  std::uint16_t port() const;

  struct Impl;

 private:
  std::shared_ptr<Impl> impl_;
};

}  // namespace xport::sdk
