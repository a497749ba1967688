// Customers' own storages (docs/api.md): registered by an org admin (checked first), listed
// without secrets, removed; and GET /v2/storages, the platform's listing for plugins
// (protocol.md §6: `data.storages[]._id/.name/.provider/.bucket`).
#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/route_table.hpp"

namespace xport::hub::routes {

namespace {

NewStorage new_storage(const json::object& body) {
  NewStorage s;
  s.name = str_field(body, "name", true);
  s.endpoint = str_field(body, "endpoint", true);
  s.bucket = str_field(body, "bucket", true);
  if (auto r = str_field(body, "region"); !r.empty()) s.region = r;
  s.access_key = str_field(body, "accessKey", true);
  s.secret_key = str_field(body, "secretKey", true);
  return s;
}

Response create_storage(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  return Response::json(201, to_json(c.domain.create_storage(u, new_storage(body_object(req)))));
}

Response list_storages(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  return listing("storages", c.domain.storages(u), [](const Storage& s) { return to_json(s); });
}

Response get_storage(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  return Response::json(200, to_json(c.domain.storage(u, req.params.at("id"))));
}

Response delete_storage(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  const std::string id = req.params.at("id");
  c.domain.delete_storage(u, id);
  return Response::json(200, json::object{{"id", id}, {"deleted", true}});
}

// GET /v2/storages[?_id=]: what a plugin may name as ExportResponse's storage_id.
Response platform_storages(const RouteContext& c, Request& req) {
  HubApp::Caller caller = c.app.authenticate(req);
  const std::string only = req.query_param("_id").value_or("");
  json::array list;
  for (const Storage& s : c.domain.storages(caller.user)) {
    if (!only.empty() && s.id != only) continue;
    list.push_back(json::object{{"_id", s.id},
                                {"name", s.name},
                                {"provider", s.provider},
                                {"bucket", s.bucket},
                                {"region", s.region},
                                {"endpoint", s.endpoint},
                                {"createdAt", s.created_at}});
  }
  if (!only.empty() && list.empty())
    throw NotFound("no storage " + only + " is registered for this organization");
  return Response::json(200, json::object{{"data", json::object{{"storages", std::move(list)}}}});
}

}  // namespace

RouteTable storage_routes(const RouteContext&) {
  RouteOptions checked;
  checked.blocking = true;  // storage add talks to the storage (seconds, at worst)
  return {
      {"GET", "/api/storages", list_storages},
      {"POST", "/api/storages", create_storage, checked},
      {"GET", "/api/storages/{id}", get_storage},
      {"DELETE", "/api/storages/{id}", delete_storage},
      {"GET", "/v2/storages", platform_storages},
  };
}

}  // namespace xport::hub::routes
