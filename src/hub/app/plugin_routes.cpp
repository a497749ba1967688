// Plugins (docs/api.md): created with a secret, listed with their online instances, their
// settings changed (answer timeout, runs per instance, redispatch), their secret
// regenerated, deleted.
#include <fmt/format.h>

#include "hub/app/api_params.hpp"
#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/route_table.hpp"

namespace xport::hub::routes {

namespace {

json::object plugin_json(const RouteContext& c, const Plugin& p) {
  json::object o = to_json(p);
  o["onlineInstances"] = c.app.dispatcher().online_instances(p);
  o["connector"] = p.rest_url.empty() ? "ws" : "rest";
  return o;
}

// An optional integer field: nothing when absent or null, 400 when not an integer.
std::optional<std::int64_t> int_field(const json::object& body, const char* name) {
  const json::value* v = body.if_contains(name);
  if (!v || v->is_null()) return std::nullopt;
  if (!v->is_int64()) throw HttpError(400, fmt::format("\"{}\" must be an integer", name));
  return v->get_int64();
}

NewPlugin new_plugin(const json::object& body) {
  NewPlugin np;
  np.name = str_field(body, "name", true);
  if (auto t = str_field(body, "type"); !t.empty()) np.type = t;
  np.description = str_field(body, "description");
  np.default_config = config_text(body, "defaultConfig").value_or("{}");
  np.rest_url = str_field(body, "restUrl");
  np.timeout_seconds = int_field(body, "timeoutSeconds").value_or(np.timeout_seconds);
  np.instance_concurrency =
      int_field(body, "instanceConcurrency").value_or(np.instance_concurrency);
  return np;
}

Response create_plugin(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  CreatedPlugin created = c.domain.create_plugin(u, new_plugin(body_object(req)));
  json::object o = plugin_json(c, created.plugin);
  o["secret"] = created.secret;
  return Response::json(201, o);
}

Response list_plugins(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  if (!c.domain.may_use_plugins(u))
    throw HttpError(403, "only organization admins and project managers may use plugins");
  return listing("plugins", c.store.list_plugins(u.org_id),
                 [&](const Plugin& p) { return plugin_json(c, p); });
}

Response get_plugin(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  Plugin p = c.domain.plugin(u, req.params.at("id"));
  json::object o = plugin_json(c, p);
  if (u.role == "admin" && u.org_id == p.org_id) o["secret"] = c.domain.reveal_secret(u, p.id);
  return Response::json(200, o);
}

// PATCH {"timeoutSeconds": N, "redispatchOnHubLoss": B, "instanceConcurrency": C} (any of
// them): how long a dispatched run may go unanswered; whether a run whose hub was lost is
// queued again; how many runs each instance takes at a time (0: no limit).
Response patch_plugin(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  json::object body = body_object(req);
  PluginSettingsChange change;
  change.timeout_seconds = int_field(body, "timeoutSeconds");
  change.instance_concurrency = int_field(body, "instanceConcurrency");
  if (const json::value* r = body.if_contains("redispatchOnHubLoss")) {
    if (!r->is_bool()) throw HttpError(400, "\"redispatchOnHubLoss\" must be true or false");
    change.redispatch_on_hub_loss = r->get_bool();
  }
  if (!change.timeout_seconds && !change.instance_concurrency && !change.redispatch_on_hub_loss)
    throw HttpError(400,
                    "send any of {\"timeoutSeconds\": N (seconds), \"redispatchOnHubLoss\": "
                    "true|false, \"instanceConcurrency\": N (runs per instance, 0: no limit)}");
  const Plugin p = c.domain.change_plugin_settings(u, req.params.at("id"), change);
  // Runs waiting for a free place may go now.
  c.app.dispatcher().settings_changed(p.id);
  return Response::json(200, plugin_json(c, p));
}

Response regenerate_secret(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  const std::string id = req.params.at("id");
  std::string secret = c.domain.regenerate_secret(u, id);
  // Instances that logged in with the old secret must log in again.
  c.app.dispatcher().drop_plugin(id, false);
  return Response::json(200, json::object{{"id", id}, {"secret", secret}});
}

Response delete_plugin(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  const std::string id = req.params.at("id");
  c.domain.delete_plugin(u, id);
  c.app.dispatcher().drop_plugin(id, true);
  return Response::json(200, json::object{{"id", id}, {"deleted", true}});
}

}  // namespace

RouteTable plugin_routes(const RouteContext&) {
  return {
      {"POST", "/api/plugins", create_plugin},
      {"GET", "/api/plugins", list_plugins},
      {"GET", "/api/plugins/{id}", get_plugin},
      {"PATCH", "/api/plugins/{id}", patch_plugin},
      {"POST", "/api/plugins/{id}/secret", regenerate_secret},
      {"DELETE", "/api/plugins/{id}", delete_plugin},
  };
}

}  // namespace xport::hub::routes
