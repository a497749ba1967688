// The REST API's project extras (docs/api.md): the ontology (categorySchema) and issues.
#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"

namespace xport::hub {

using namespace detail;
using server::HttpError;
using server::Request;
using server::Response;
using server::RouteOptions;

namespace {

std::int64_t page_value(const Request& req, std::string_view name, std::int64_t fallback,
                        std::int64_t max) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return fallback;
  try {
    std::size_t used = 0;
    long long n = std::stoll(*v, &used);
    if (used != v->size() || n < 1 || n > max) throw std::invalid_argument("range");
    return n;
  } catch (const std::exception&) {
    throw HttpError(400, "query parameter " + std::string(name) +
                             " must be a whole number from 1 to " + std::to_string(max));
  }
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

}  // namespace

void HubApp::add_project_routes() {
  server::Router& r = server_.router();
  Domain& d = core_.domain();
  Store& store = core_.store();
  auto api_user = [this](const Request& req) {
    Caller c = authenticate(req);
    if (c.run) throw HttpError(403, "a run token only opens the /v2 endpoints of its run");
    return c.user;
  };

  // The ontology: GET answers the categorySchema, PUT replaces it (org admins).
  r.get("/api/projects/{id}/schema", guarded([api_user, &d](Request& req) {
          Project p = d.project(api_user(req), req.params.at("id"));
          return Response::json(200, parse_or_empty(p.category_schema));
        }));
  r.put("/api/projects/{id}/schema", guarded([api_user, &d](Request& req) {
          Project p = d.set_category_schema(api_user(req), req.params.at("id"), req.body);
          return Response::json(200, parse_or_empty(p.category_schema));
        }));

  // Issues: listed in the platform's shape, filed one at a time, or imported from the
  // platform's issue export (a JSON list, up to 64 MiB).
  r.get("/api/projects/{id}/issues", guarded([api_user, &d, &store](Request& req) {
          Project p = d.project(api_user(req), req.params.at("id"));
          const std::int64_t limit = page_value(req, "limit", 100, 1000);
          const std::int64_t page = page_value(req, "page", 1, std::int64_t{1} << 40);
          std::int64_t total = 0;
          json::array list;
          for (const IssueRow& row : store.list_issues(p.id, (page - 1) * limit, limit, &total))
            list.push_back(parse_or_empty(row.json_text));
          return Response::json(200, json::object{{"issues", std::move(list)}, {"total", total}});
        }));
  r.post("/api/projects/{id}/issues", guarded([api_user, &d](Request& req) {
           User u = api_user(req);
           std::string issue = d.create_issue(u, req.params.at("id"), new_issue(body_object(req)));
           return Response::json(201, parse_or_empty(issue));
         }));
  RouteOptions import_options;
  import_options.max_body = std::uint64_t{64} << 20;
  import_options.blocking = true;
  r.post("/api/projects/{id}/issues/import", guarded([api_user, &d](Request& req) {
           User u = api_user(req);
           const std::int64_t n = d.import_issues(u, req.params.at("id"), req.body);
           return Response::json(200, json::object{{"imported", n}});
         }),
         import_options);
}

}  // namespace xport::hub
