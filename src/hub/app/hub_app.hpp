// The hub's application: the REST API (/api/..., docs/api.md), the platform endpoints of
// protocol.md §2 (/v2/...), uploads and signed downloads (/upload/.., /objects/..), and the
// dispatcher, wired onto a Server and a HubCore. HubProcess (hub_process.hpp) builds it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "hub/app/dispatcher.hpp"
#include "hub/app/export_warmer.hpp"
#include "hub/app/hub_metrics.hpp"
#include "hub/app/janitor.hpp"
#include "hub/app/ui_push.hpp"
#include "hub/hub_core.hpp"
#include "hub/server/server.hpp"

namespace xport::hub {

struct AppOptions {
  // Absolute base URL for links handed out ("https://hub.example.com"); empty: taken from
  // each request's Host header (http://<host>). Without a trailing slash: HubProcess, which
  // builds HubApp and UiPush, trims it once for both.
  std::string public_url;
  std::uint64_t max_upload_bytes = std::uint64_t{4} << 30;  // a plugin's result (PUT)
  std::uint64_t max_import_bytes = std::uint64_t{4} << 30;  // an import body
  DispatchOptions dispatch;
  JanitorOptions janitor;  // when generated exports are deleted
  // Each organisation's generated exports (GET /v2/export) alive at once (within the janitor's
  // `keep`): more answer 429. One export per project revision and query is written, then
  // reused for an hour, so only changing projects and new queries count.
  std::int64_t export_quota_count = 500;
  std::int64_t export_quota_bytes = std::int64_t{50} << 30;
  // After an import, write the project's default export in the background (export_warmer.hpp).
  bool warm_exports = true;
};

class HubApp {
 public:
  // Registers every route and Socket.IO handler on `server` (before server.start()); /ui
  // sockets, once their API key is checked, are registered with `ui` (the UiPush the core's
  // Domain was given as its DomainEvents). `metrics` counts what the routes do and serves
  // GET /metrics. HubProcess (hub_process.hpp) builds all of them.
  HubApp(HubCore& core, server::Server& server, UiPush& ui, HubMetrics& metrics,
         AppOptions options);
  ~HubApp();
  HubApp(const HubApp&) = delete;
  HubApp& operator=(const HubApp&) = delete;

  // After server.start(): the dispatcher's timers, and runs an earlier process left.
  void start();
  void stop();

  Dispatcher& dispatcher() { return *dispatcher_; }
  HubMetrics& metrics() { return metrics_; }
  ExportWarmer& warmer() { return *warmer_; }
  server::Server& server() { return server_; }

  // Implementation details shared by the route files.
  struct Caller {
    User user;
    std::optional<Run> run;  // set when the caller authenticated with a run token
  };
  // 401 without a valid API key or run token. A run token of a finished run is refused
  // unless allow_finished (late log lines).
  Caller authenticate(const server::Request& request, bool allow_finished = false);
  // The project a /v2 call names, as the caller may see it: a user key sees its
  // organisation's projects, a run token only its run's; anything else is NotFound.
  Project platform_project(const Caller& caller, const std::string& project_id);
  // The caller of an /api route: a user's key (a run token opens the /v2 endpoints only: 403).
  User api_user(const server::Request& request);
  std::string base_url(const server::Request& request) const;

 private:
  void add_routes();                                // the route tables of route_table.hpp
  void warm_export(const std::string& project_id);  // the ExportWarmer's work

  HubCore& core_;
  server::Server& server_;
  HubMetrics& metrics_;
  AppOptions options_;
  std::unique_ptr<Dispatcher> dispatcher_;
  std::unique_ptr<Janitor> janitor_;
  std::unique_ptr<ExportWarmer> warmer_;
};

}  // namespace xport::hub
