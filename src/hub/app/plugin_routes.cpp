// Plugins (docs/api.md): created with a secret, listed with their online instances, their
// answer timeout changed, their secret regenerated, deleted.
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

NewPlugin new_plugin(const json::object& body) {
  NewPlugin np;
  np.name = str_field(body, "name", true);
  if (auto t = str_field(body, "type"); !t.empty()) np.type = t;
  np.description = str_field(body, "description");
  np.default_config = config_text(body, "defaultConfig").value_or("{}");
  np.rest_url = str_field(body, "restUrl");
  if (const json::value* t = body.if_contains("timeoutSeconds"); t && !t->is_null()) {
    if (!t->is_int64()) throw HttpError(400, "\"timeoutSeconds\" must be an integer");
    np.timeout_seconds = t->get_int64();
  }
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

// PATCH {"timeoutSeconds": N, "redispatchOnHubLoss": B} (either or both): how long a
// dispatched run may go unanswered; whether a run whose hub was lost is queued again.
Response patch_plugin(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  json::object body = body_object(req);
  const json::value* t = body.if_contains("timeoutSeconds");
  const json::value* r = body.if_contains("redispatchOnHubLoss");
  if ((!t && !r) || (t && !t->is_int64()) || (r && !r->is_bool()))
    throw HttpError(400,
                    "send {\"timeoutSeconds\": N} (N a whole number of seconds) and/or "
                    "{\"redispatchOnHubLoss\": true|false}");
  const std::string& id = req.params.at("id");
  Plugin p = c.domain.plugin(u, id);
  if (t) p = c.domain.set_plugin_timeout(u, id, t->get_int64());
  if (r) p = c.domain.set_plugin_redispatch(u, id, r->get_bool());
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
