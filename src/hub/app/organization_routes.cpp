// Organisations, their users and projects' members (docs/api.md, "Organizations and users").
// API keys appear in an answer once, when they are made; never in a listing.
#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/route_table.hpp"

namespace xport::hub::routes {

namespace {

json::object issued_json(const IssuedKey& issued) {
  json::object o = to_json(issued.user);
  o["apiKey"] = issued.api_key;
  return o;
}

Response create_organization(const RouteContext& c, Request& req) {
  const User u = c.app.api_user(req);
  const json::object body = body_object(req);
  NewOrganization request{str_field(body, "name", true), {}, {}};
  if (auto* admin = body.if_contains("admin"); admin && admin->is_object()) {
    request.admin_name = str_field(admin->get_object(), "name", true);
    request.admin_email = str_field(admin->get_object(), "email", true);
  } else {
    throw HttpError(400, "\"admin\" is required: {\"name\", \"email\"} of its first admin");
  }
  const CreatedOrganization created = c.domain.create_organization(u, request);
  return Response::json(201, json::object{{"organization", to_json(created.organization)},
                                          {"admin", issued_json(created.admin)}});
}

Response list_organizations(const RouteContext& c, Request& req) {
  return listing("organizations", c.domain.organizations(c.app.api_user(req)),
                 [](const Organization& o) { return to_json(o); });
}

Response get_organization(const RouteContext& c, Request& req) {
  const User u = c.app.api_user(req);
  return Response::json(200, to_json(c.domain.organization(u, req.params.at("id"))));
}

Response list_users(const RouteContext& c, Request& req) {
  return listing("users", c.domain.users(c.app.api_user(req)),
                 [](const User& u) { return to_json(u); });
}

Response add_user(const RouteContext& c, Request& req) {
  const User u = c.app.api_user(req);
  const json::object body = body_object(req);
  NewUser request{u.org_id, str_field(body, "name", true), str_field(body, "email", true),
                  str_field(body, "role")};
  if (request.role.empty()) request.role = "member";
  return Response::json(201, issued_json(c.domain.add_user(u, request)));
}

Response get_user(const RouteContext& c, Request& req) {
  const User u = c.app.api_user(req);
  return Response::json(200, to_json(c.domain.user(u, req.params.at("id"))));
}

Response remove_user(const RouteContext& c, Request& req) {
  const User u = c.app.api_user(req);
  const std::string id = req.params.at("id");
  c.domain.remove_user(u, id);
  return Response::json(200, json::object{{"id", id}, {"removed", true}});
}

Response rotate_key(const RouteContext& c, Request& req) {
  const User u = c.app.api_user(req);
  const std::string id = req.params.at("id");
  return Response::json(200, json::object{{"id", id}, {"apiKey", c.domain.rotate_api_key(u, id)}});
}

json::object member_json(const RouteContext& c, const User& caller, const ProjectMember& m) {
  json::object o{{"projectId", m.project_id},
                 {"userId", m.user_id},
                 {"role", m.role},
                 {"addedAt", m.added_at}};
  // Names for the UI's table; a member removed meanwhile has none to show.
  try {
    const User u = c.domain.user(caller, m.user_id);
    o["name"] = u.name;
    o["email"] = u.email;
  } catch (const NotFound&) {
  }
  return o;
}

Response list_members(const RouteContext& c, Request& req) {
  const User u = c.app.api_user(req);
  return listing("members", c.domain.members(u, req.params.at("id")),
                 [&](const ProjectMember& m) { return member_json(c, u, m); });
}

// POST /api/projects/{id}/members {userId | email, role}: adds or changes a member.
Response set_member(const RouteContext& c, Request& req) {
  const User u = c.app.api_user(req);
  const json::object body = body_object(req);
  std::string user_id = str_field(body, "userId");
  if (user_id.empty()) {
    const std::string email = str_field(body, "email");
    if (email.empty()) throw HttpError(400, "\"userId\" or \"email\" is required");
    for (const User& other : c.domain.users(u))
      if (other.email == email) user_id = other.id;
    if (user_id.empty()) throw NotFound("no user with email " + email + " in your organization");
  }
  const ProjectMember m =
      c.domain.set_member(u, req.params.at("id"), user_id, str_field(body, "role", true));
  return Response::json(200, member_json(c, u, m));
}

Response remove_member(const RouteContext& c, Request& req) {
  const User u = c.app.api_user(req);
  c.domain.remove_member(u, req.params.at("id"), req.params.at("user"));
  return Response::json(200, json::object{{"userId", req.params.at("user")}, {"removed", true}});
}

}  // namespace

RouteTable organization_routes(const RouteContext&) {
  return {
      {"GET", "/api/organizations", list_organizations},
      {"POST", "/api/organizations", create_organization},
      {"GET", "/api/organizations/{id}", get_organization},
      {"GET", "/api/users", list_users},
      {"POST", "/api/users", add_user},
      {"GET", "/api/users/{id}", get_user},
      {"DELETE", "/api/users/{id}", remove_user},
      {"POST", "/api/users/{id}/rotate-key", rotate_key},
      {"GET", "/api/projects/{id}/members", list_members},
      {"POST", "/api/projects/{id}/members", set_member},
      {"DELETE", "/api/projects/{id}/members/{user}", remove_member},
  };
}

}  // namespace xport::hub::routes
