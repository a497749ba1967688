#include "hub/app/hub_app.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "hub/app/app_internal.hpp"
#include "hub/app/links.hpp"
#include "hub/app/local_dispatcher.hpp"
#include "hub/app/own_host.hpp"
#include "hub/app/project_export.hpp"
#include "hub/app/route_table.hpp"
#include "hub/server/router.hpp"

namespace xport::hub {

HubApp::HubApp(HubCore& core, server::Server& server, UiPush& ui, HubMetrics& metrics,
               AppOptions options)
    : core_(core), server_(server), metrics_(metrics), options_(std::move(options)) {
  dispatcher_ = std::make_unique<LocalDispatcher>(core_.domain(), core_.objects(), server_.sio(),
                                                  core_.cluster(), options_.dispatch);
  dispatcher_->install();
  warmer_ = std::make_unique<ExportWarmer>([this](const std::string& id) { warm_export(id); });
  add_routes();

  server::SocketIoServer& sio = server_.sio();
  sio.on_connect("/ui", [this, &ui](const server::SocketInfo& s) -> std::optional<std::string> {
    const boost::json::object* auth = s.auth.if_object();
    const boost::json::value* key = auth ? auth->if_contains("apikey") : nullptr;
    if (!key || !key->is_string()) return "send {\"apikey\": KEY} as the auth payload";
    auto user = core_.domain().authenticate(std::string(key->get_string()));
    if (!user) return "invalid API key";
    ui.connected(s.id, user->id, user->org_id);
    return std::nullopt;
  });
  sio.on_disconnect(
      "/ui", [&ui](const server::SocketInfo& s, const std::string&) { ui.disconnected(s.id); });
}

void HubApp::add_routes() {
  const RouteContext context{*this, core_.domain(), core_.store(), core_.objects(), options_};
  server::Router& router = server_.router();
  for (RouteTable (*table)(const RouteContext&) :
       {routes::account_routes, routes::organization_routes, routes::project_routes,
        routes::import_routes, routes::plugin_routes, routes::storage_routes, routes::run_routes,
        routes::platform_routes, routes::transfer_routes, routes::platform_read_routes,
        routes::metrics_routes})
    hub::add_routes(router, context, table(context));
}

HubApp::~HubApp() {
  stop();
}

void HubApp::start() {
  dispatcher_->start();
  // Once per cluster: on the leader (a hub alone always is).
  janitor_ = std::make_unique<Janitor>(
      core_.objects(), options_.janitor, [this] { return core_.cluster().leader(); },
      &core_.store());
  janitor_->start();
  if (options_.warm_exports) warmer_->start();
}

void HubApp::stop() {
  warmer_->stop();
  if (janitor_) janitor_->stop();
  dispatcher_->stop();
}

void HubApp::warm_export(const std::string& project_id) {
  Store& store = core_.store();
  const auto project = store.get_project(project_id);
  if (!project || store.count_assets(project_id) == 0) return;
  const ProjectExport made = project_export(store, core_.objects(), options_, metrics_,
                                            core_.domain().now_ms(), *project, ExportQuery{});
  if (!made.snapshot.reused)
    spdlog::info("project {}: export of revision {} written for the next run ({} assets, {} bytes)",
                 project_id, project->revision, made.outcome.assets, made.snapshot.bytes);
}

HubApp::Caller HubApp::authenticate(const server::Request& request, bool allow_finished) {
  auto key = request.header("apikey");
  if (!key || key->empty()) throw server::HttpError(401, "missing API key (header \"apikey\")");
  Domain& d = core_.domain();
  if (key->rfind(kRunTokenPrefix, 0) == 0) {
    auto session = verify_run_token(d.signer(), *key, d.now_ms() / 1000);
    if (!session) throw server::HttpError(401, "invalid or expired run token");
    auto run = d.store().get_run(*session);
    if (!run) throw server::HttpError(401, "the run of this token no longer exists");
    if (is_finished(run->state) && !allow_finished)
      throw server::HttpError(401, "run " + run->session + " is already " +
                                       std::string(to_string(run->state)) +
                                       "; its token is no longer valid");
    auto user = d.store().get_user(run->user_id);
    if (!user) throw server::HttpError(401, "the user of this run no longer exists");
    return Caller{*user, *run};
  }
  auto user = d.authenticate(*key);
  if (!user) throw server::HttpError(401, "invalid API key");
  return Caller{*user, std::nullopt};
}

Project HubApp::platform_project(const Caller& caller, const std::string& project_id) {
  Project p = core_.domain().project(caller.user, project_id);
  if (caller.run && caller.run->project_id != p.id) throw NotFound("no project " + project_id);
  return p;
}

User HubApp::api_user(const server::Request& request) {
  Caller c = authenticate(request);
  if (c.run) throw server::HttpError(403, "a run token only opens the /v2 endpoints of its run");
  return c.user;
}

std::string HubApp::base_url(const server::Request& request) const {
  if (!options_.public_url.empty()) return options_.public_url;
  // The request's Host only when it names this machine and port (own_host.hpp).
  std::string host = request.header("host").value_or("");
  const auto named = split_host_header(host);
  const std::uint16_t default_port = server_.options().tls ? 443 : 80;
  const std::uint16_t port = named && named->port ? named->port : default_port;
  if (!named || port != server_.port() || !names_this_machine(named->host))
    host = listen_authority(server_.options().host, server_.port());
  // The scheme is the server's: behind TLS, links must be https:// (no proxy headers are
  // trusted here; a proxy in front sets --public-url).
  return (server_.options().tls ? "https://" : "http://") + host;
}

}  // namespace xport::hub
