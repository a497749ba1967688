// GET /metrics (docs/deploy.md, "Metrics"): the hub's metrics in Prometheus' text format, for
// the people who run it. Run counts span every organisation, so the page is a server admin's:
// Prometheus sends the key as `authorization: {credentials: KEY}` (header
// "Authorization: Bearer KEY"); the header "apikey" works too.
#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/hub_metrics.hpp"
#include "hub/app/route_table.hpp"

namespace xport::hub::routes {

namespace {

// The API key of the request: "Authorization: Bearer KEY", else the header "apikey".
std::string api_key_of(const Request& req) {
  if (auto auth = req.header("authorization")) {
    constexpr std::string_view bearer = "Bearer ";
    if (auth->size() > bearer.size() && auth->compare(0, bearer.size(), bearer) == 0)
      return auth->substr(bearer.size());
  }
  return req.header("apikey").value_or("");
}

Response metrics(const RouteContext& c, Request& req) {
  const std::string key = api_key_of(req);
  if (key.empty())
    throw HttpError(401, "send a server admin's API key (\"Authorization: Bearer KEY\")");
  const auto user = c.domain.authenticate(key);
  if (!user) throw HttpError(401, "invalid API key");
  if (!user->server_admin) throw HttpError(403, "only the server admin may read /metrics");
  MetricsSample sample;
  sample.runs_by_state = c.store.count_runs_by_state();
  sample.plugin_instances = c.app.dispatcher().instance_total();
  sample.engine_sessions = c.app.server().sio().session_count();
  sample.resident_bytes = resident_bytes();
  return Response::text(200, c.app.metrics().text(sample),
                        "text/plain; version=0.0.4; charset=utf-8");
}

}  // namespace

RouteTable metrics_routes(const RouteContext&) {
  return {{"GET", "/metrics", metrics}};
}

}  // namespace xport::hub::routes
