// The REST routes as tables: each resource's file returns one table of {method, pattern,
// handler, options}, and add_routes() registers it with the one error mapper, so that every
// route answers a domain exception with the same status (docs/api.md, "Errors").
#pragma once

#include <exception>
#include <span>
#include <string_view>
#include <vector>

#include "hub/server/router.hpp"

namespace xport::hub {

class HubApp;
class Domain;
class Store;
class ObjectStore;
struct AppOptions;

// What a handler works with; references into the HubApp and HubCore, which outlive the server.
struct RouteContext {
  HubApp& app;  // authentication, links, the dispatcher
  Domain& domain;
  Store& store;
  ObjectStore& objects;
  const AppOptions& options;
};

using RouteHandler = server::Response (*)(const RouteContext& context, server::Request& request);

struct Route {
  std::string_view method;
  std::string_view pattern;
  RouteHandler handler;
  server::RouteOptions options{};
};
using RouteTable = std::vector<Route>;

// The one error mapper: the exception being handled (call it inside a catch block) as its
// HTTP answer: HttpError its own status, NotFound 404, Conflict 409, Forbidden 403,
// ObjectTooLarge 413, ConfigError and InputError 400. Anything else is rethrown (the server
// answers 500 and logs it).
server::Response error_response(std::exception_ptr error);

// Registers every route of `table` on `router`, each answering through error_response().
void add_routes(server::Router& router, const RouteContext& context, const RouteTable& table);

// The tables, one per resource (in the file named after it), and what their handlers share.
namespace detail {}
namespace routes {
using namespace detail;  // app_internal.hpp: JSON shapes and body fields
using server::HttpError;
using server::Request;
using server::Response;
using server::RouteOptions;

RouteTable account_routes(const RouteContext& context);        // /api/me, notifications
RouteTable organization_routes(const RouteContext& context);   // organisations, users, members
RouteTable project_routes(const RouteContext& context);        // projects, ontology, issues
RouteTable import_routes(const RouteContext& context);         // project import
RouteTable plugin_routes(const RouteContext& context);         // plugins
RouteTable run_routes(const RouteContext& context);            // runs, logs, downloads
RouteTable storage_routes(const RouteContext& context);        // customers' storages
RouteTable platform_routes(const RouteContext& context);       // /v2 export, links, answers
RouteTable transfer_routes(const RouteContext& context);       // /upload and /objects
RouteTable platform_read_routes(const RouteContext& context);  // /v2 reads (protocol.md §6)
RouteTable metrics_routes(const RouteContext& context);        // /metrics (Prometheus)
}  // namespace routes

}  // namespace xport::hub
