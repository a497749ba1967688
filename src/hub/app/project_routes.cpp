// Projects (docs/api.md): created with their workflow, batches and ontology, listed, shown;
// the ontology (categorySchema) replaced; issues listed, filed and imported.
#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/platform_query.hpp"
#include "hub/app/route_table.hpp"
#include "hub/project_meta.hpp"

namespace xport::hub::routes {

namespace {

// POST /api/projects: stages as names or {name, type}; batches as names; categorySchema as
// an object (or its JSON text).
NewProject new_project(const json::object& body) {
  NewProject np;
  np.name = str_field(body, "name", true);
  if (auto t = str_field(body, "type"); !t.empty()) np.type = t;
  if (const json::value* stages = body.if_contains("stages"); stages && !stages->is_null()) {
    if (!stages->is_array()) throw HttpError(400, "\"stages\" must be a list");
    for (const json::value& s : stages->get_array()) {
      if (s.is_string()) {
        np.stages.push_back(declared_stage(std::string(s.get_string()), ""));
      } else if (s.is_object()) {
        np.stages.push_back(declared_stage(str_field(s.get_object(), "name", true),
                                           str_field(s.get_object(), "type")));
      } else {
        throw HttpError(400, "a stage is a name or {\"name\", \"type\"}");
      }
    }
  }
  np.batches = str_list(body, "batches");
  if (const json::value* schema = body.if_contains("categorySchema"); schema && !schema->is_null())
    np.category_schema =
        schema->is_string() ? std::string(schema->get_string()) : json::serialize(*schema);
  return np;
}

NewIssue new_issue(const json::object& body) {
  NewIssue issue;
  issue.asset_id = str_field(body, "assetId", true);
  issue.content = str_field(body, "content", true);
  if (auto s = str_field(body, "status"); !s.empty()) issue.status = s;
  issue.error_type = str_field(body, "errorType");
  issue.error_code = str_field(body, "errorCode");
  issue.object_id = str_field(body, "objectId");
  if (const json::value* page = body.if_contains("page"); page && !page->is_null()) {
    if (!page->is_int64()) throw HttpError(400, "\"page\" must be a whole number");
    issue.page = static_cast<int>(page->get_int64());
  }
  if (const json::value* pos = body.if_contains("position"); pos && !pos->is_null()) {
    const json::array* xy = pos->if_array();
    if (!xy || xy->size() != 2 || !(*xy)[0].is_number() || !(*xy)[1].is_number())
      throw HttpError(400, "\"position\" must be [x, y]");
    issue.position = std::pair{(*xy)[0].to_number<double>(), (*xy)[1].to_number<double>()};
  }
  return issue;
}

// `canManage`: whether the caller may run exports, import and change settings (the UI shows
// Settings -> Plugins only then).
json::object project_json(const RouteContext& c, const User& caller, const Project& p) {
  json::object o = to_json(p);
  o["assets"] = c.store.count_assets(p.id);
  o["canManage"] = c.domain.may_manage(caller, p);
  return o;
}

Response create_project(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  Project p = c.domain.create_project(u, new_project(body_object(req)));
  return Response::json(201, project_json(c, u, p));
}

Response list_projects(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  return listing("projects", c.domain.projects(u),
                 [&](const Project& p) { return project_json(c, u, p); });
}

Response get_project(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  return Response::json(200, project_json(c, u, c.domain.project(u, req.params.at("id"))));
}

// The ontology: GET answers the categorySchema, PUT replaces it (org admins).
Response get_schema(const RouteContext& c, Request& req) {
  Project p = c.domain.project(c.app.api_user(req), req.params.at("id"));
  return Response::json(200, parse_or_empty(p.category_schema));
}

Response put_schema(const RouteContext& c, Request& req) {
  Project p = c.domain.set_category_schema(c.app.api_user(req), req.params.at("id"), req.body);
  return Response::json(200, parse_or_empty(p.category_schema));
}

// Issues: listed in the platform's shape, filed one at a time, or imported from the
// platform's issue export (a JSON list, up to 64 MiB).
Response list_issues(const RouteContext& c, Request& req) {
  Project p = c.domain.project(c.app.api_user(req), req.params.at("id"));
  const Page page = page_params(req, 100, 1000);
  std::int64_t total = 0;
  json::array list;
  for (const IssueRow& row : c.store.list_issues(p.id, page.offset(), page.limit, &total))
    list.push_back(parse_or_empty(row.json_text));
  return Response::json(200, json::object{{"issues", std::move(list)}, {"total", total}});
}

Response create_issue(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  std::string issue = c.domain.create_issue(u, req.params.at("id"), new_issue(body_object(req)));
  return Response::json(201, parse_or_empty(issue));
}

Response import_issues(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  const std::int64_t n = c.domain.import_issues(u, req.params.at("id"), req.body);
  return Response::json(200, json::object{{"imported", n}});
}

}  // namespace

RouteTable project_routes(const RouteContext&) {
  RouteOptions issue_import;
  issue_import.max_body = std::uint64_t{64} << 20;
  issue_import.blocking = true;
  return {
      {"POST", "/api/projects", create_project},
      {"GET", "/api/projects", list_projects},
      {"GET", "/api/projects/{id}", get_project},
      {"GET", "/api/projects/{id}/schema", get_schema},
      {"PUT", "/api/projects/{id}/schema", put_schema},
      {"GET", "/api/projects/{id}/issues", list_issues},
      {"POST", "/api/projects/{id}/issues", create_issue},
      {"POST", "/api/projects/{id}/issues/import", import_issues, issue_import},
  };
}

}  // namespace xport::hub::routes
