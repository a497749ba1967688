// The platform's read API (protocol.md §6): what existing export plugins ask of the
// platform beyond the export itself — the project (stages, batches, ontology), its assets
// and tasks page by page, a task and its history, the projects a key sees (the storages:
// storage_routes.cpp). Answers are {"data": {...}} with the platform's field names, so the plugins
// written for its Python SDK run unchanged. A user key sees its organisation's projects, a run
// token only its run's project: anything else is 404, like an unknown id.
#include <fmt/format.h>

#include <algorithm>
#include <boost/json.hpp>

#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/platform_query.hpp"
#include "hub/app/route_table.hpp"
#include "hub/json_text.hpp"
#include "hub/project_meta.hpp"

namespace xport::hub::routes {

namespace {

json::object data_of(json::object inner) {
  return json::object{{"data", std::move(inner)}};
}

const json::value* field(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && !v->is_null() ? v : nullptr;
}

json::value field_or(const json::object& o, std::string_view key, json::value fallback) {
  const json::value* v = field(o, key);
  return v ? *v : fallback;
}

json::array string_array(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items)
    out.emplace_back(s);
  return out;
}

json::object project_json(const Project& p) {
  json::array stages;
  for (const Stage& s : p.stages)
    stages.push_back(json::object{{"id", s.id},
                                  {"name", s.name},
                                  {"type", s.type},
                                  {"position", json::object{{"x", s.x}, {"y", s.y}}},
                                  {"consensusId", nullptr}});
  return json::object{{"_id", p.id},
                      {"name", p.name},
                      {"type", p.type},
                      {"description", ""},
                      {"organization", p.org_id},
                      {"createdAt", iso8601_utc(p.created_at)},
                      {"batches", to_json(p.batches, "_id")},
                      {"stages", std::move(stages)},
                      {"categorySchema", parse_or_empty(p.category_schema)}};
}

// One stored asset, parsed: its AAF object and its task (v3 `task`, v2 `tasks[0]`).
struct ParsedAsset {
  const AssetRow* row = nullptr;
  json::object aaf;
  json::object task;
  bool v2 = false;
};

ParsedAsset parse_asset(const AssetRow& row) {
  ParsedAsset out;
  out.row = &row;
  boost::system::error_code ec;
  json::value v = json::parse(row.json_text, ec);
  if (!ec && v.is_object()) out.aaf = std::move(v.get_object());
  if (const json::value* t = field(out.aaf, "task"); t && t->is_object()) {
    out.task = t->get_object();
  } else if (const json::value* ts = field(out.aaf, "tasks");
             ts && ts->is_array() && !ts->get_array().empty() && ts->get_array()[0].is_object()) {
    out.task = ts->get_array()[0].get_object();
    out.v2 = true;
  }
  return out;
}

std::vector<std::string> batches_of(const AssetRow& row) {
  try {
    return parse_json_string_list(row.batches_json);
  } catch (const std::exception&) {
    return {};
  }
}

// The task's status as the platform reports it: v2 carries it; a v3 task is Completed once
// in the Complete stage, else Todo.
std::string status_of(const ParsedAsset& a) {
  if (a.v2) {
    const json::value* s = field(a.task, "status");
    return s && s->is_string() ? std::string(s->get_string()) : "Todo";
  }
  return a.row->stage_id == "Complete" || a.row->stage == "Complete" ? "Completed" : "Todo";
}

json::object task_json(const Project& p, const ParsedAsset& a, bool include_answer) {
  const AssetRow& row = *a.row;
  json::object t{
      {"_id", row.task_id.empty() ? row.asset_id : row.task_id},
      {"asset", row.asset_id},
      {"externalId", row.external_id},
      {"project", p.id},
      {"stage", row.stage},
      {"stageId", row.stage_id},
      {"status", status_of(a)},
      {"batches", string_array(batch_ids(p, batches_of(row)))},
      {"completedBy", field_or(a.task, "completedBy", nullptr)},
      {"completedAt", field_or(a.task, "completedAt", nullptr)},
      {"updatedBy", field_or(a.task, "updatedBy", nullptr)},
      {"updatedAt", field_or(a.task, "updatedAt", nullptr)},
      {"assignee", field_or(a.task, "assignee", nullptr)},
      {"duration", a.v2 ? field_or(a.task, "duration(ms)", nullptr)
                        : field_or(a.task, "totalDuration", nullptr)},
      {"stageHistory", field_or(a.task, "stageHistory", json::array{})},
  };
  if (include_answer) {
    t["answer"] =
        json::object{{"tools", a.v2 ? field_or(a.task, "objects", json::array{})
                                    : field_or(a.task, "tools", json::array{})},
                     {"classifications", field_or(a.task, "classifications", json::array{})},
                     {"relations", field_or(a.task, "relations", json::array{})}};
  }
  return t;
}

json::object asset_json(const Project& p, const ParsedAsset& a) {
  const AssetRow& row = *a.row;
  json::object label_task{{"_id", row.task_id.empty() ? row.asset_id : row.task_id},
                          {"stage", row.stage},
                          {"stageId", row.stage_id},
                          {"status", status_of(a)},
                          {"stageHistory", field_or(a.task, "stageHistory", json::array{})}};
  return json::object{{"_id", row.asset_id},
                      {"externalId", row.external_id},
                      {"data", field_or(a.aaf, "asset", "")},
                      {"project", p.id},
                      {"batches", string_array(batch_ids(p, batches_of(row)))},
                      {"metadata", field_or(a.aaf, "metadata", json::object{})},
                      {"dataset", field_or(a.aaf, "dataset", json::array{})},
                      {"labelTasks", json::array{std::move(label_task)}}};
}

json::object json_param(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return {};
  boost::system::error_code ec;
  json::value parsed = json::parse(*v, ec);
  if (ec || !parsed.is_object())
    throw HttpError(400,
                    fmt::format("query parameter \"{}\" must be a JSON object, not {}", name, *v));
  return std::move(parsed.get_object());
}

// A filter value that may be a string or a list of strings.
std::vector<std::string> strings_of(const json::value& v, std::string_view what) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.emplace_back(v.get_string());
  } else if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (!e.is_string()) throw HttpError(400, fmt::format("{} must be a list of strings", what));
      out.emplace_back(e.get_string());
    }
  } else if (!v.is_null()) {
    throw HttpError(400, fmt::format("{} must be a string or a list of strings", what));
  }
  return out;
}

// /v2/project/{pid}/assets: filters={_id, externalId, batches} (the newest SDK), or the
// older _id= / externalId= parameters.
AssetFilter asset_filter(const Project& p, const Request& req) {
  AssetFilter f;
  json::object filters = json_param(req, "filters");
  for (const auto& [key, value] : filters) {
    if (key == "_id") {
      auto ids = strings_of(value, "filters._id");
      if (!ids.empty()) f.asset_id = ids.front();
    } else if (key == "externalId") {
      auto ids = strings_of(value, "filters.externalId");
      if (!ids.empty()) f.external_id = ids.front();
    } else if (key == "batches") {
      f.batches = batch_names(p, strings_of(value, "filters.batches"));
    } else {
      throw HttpError(400, fmt::format("filters.{}: this hub filters assets by _id, externalId and "
                                       "batches only",
                                       std::string(key)));
    }
  }
  if (auto id = req.query_param("_id"); id && !id->empty()) f.asset_id = *id;
  if (auto id = req.query_param("externalId"); id && !id->empty()) f.external_id = *id;
  return f;
}

// A comparison of filter={"updatedAt": {"$gte": "2024-01-01", "$lt": ...}} (ISO texts compare
// as text; `$` optional).
bool in_range(const json::value* value, const json::object& range) {
  if (!value || !value->is_string()) return false;
  const std::string_view v = value->get_string();
  for (const auto& [op_key, bound] : range) {
    std::string_view op = op_key;
    if (!op.empty() && op.front() == '$') op.remove_prefix(1);
    if (!bound.is_string()) throw HttpError(400, "filter: date bounds must be ISO texts");
    const std::string_view b = bound.get_string();
    bool ok = op == "gte"   ? v >= b
              : op == "gt"  ? v > b
              : op == "lte" ? v <= b
              : op == "lt"  ? v < b
              : op == "eq"  ? v == b
                            : false;
    if (op != "gte" && op != "gt" && op != "lte" && op != "lt" && op != "eq")
      throw HttpError(400, fmt::format("filter: unknown comparison \"{}\"", std::string(op_key)));
    if (!ok) return false;
  }
  return true;
}

// What /v2/project/{pid}/tasks filters on: filter=<JSON> first (the newest SDK), the older
// status[eq] / stage / batches where filter does not set that field.
struct TaskQuery {
  AssetFilter rows;                                          // stage and batches, done by the store
  std::vector<std::string> statuses;                         // empty = any
  std::vector<std::string> assignees;                        // completedBy / updatedBy / assignee
  std::vector<std::pair<std::string, json::object>> ranges;  // date field → bounds
};

TaskQuery task_query(const Project& p, const Request& req) {
  TaskQuery q;
  json::object filter = json_param(req, "filter");
  std::vector<std::string> stages, batches;
  bool stage_set = false, batches_set = false, status_set = false;
  for (const auto& [key, value] : filter) {
    if (key == "status") {
      q.statuses = strings_of(value, "filter.status");
      status_set = true;
    } else if (key == "stage" || key == "stageId") {
      stages = strings_of(value, "filter.stage");
      stage_set = true;
    } else if (key == "batches" || key == "batch") {
      batches = strings_of(value, "filter.batches");
      batches_set = true;
    } else if (key == "assignee" || key == "completedBy") {
      q.assignees = strings_of(value, "filter.assignee");
    } else if (value.is_object()) {
      q.ranges.emplace_back(std::string(key), value.get_object());
    } else {
      throw HttpError(400, fmt::format("filter.{}: this hub filters tasks by status, stage, "
                                       "batches, assignee and date ranges",
                                       std::string(key)));
    }
  }
  if (!status_set)
    if (auto s = req.query_param("status[eq]"); s && !s->empty()) q.statuses = {*s};
  if (!stage_set) stages = list_param(req, "stage");
  if (!batches_set) batches = list_param(req, "batches");
  add_stage_filter(p, stages, q.rows);
  q.rows.batches = batch_names(p, batches);
  return q;
}

bool task_passes(const TaskQuery& q, const json::object& task) {
  auto text = [&](std::string_view key) {
    const json::value* v = field(task, key);
    return v && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  if (!q.statuses.empty() &&
      std::find(q.statuses.begin(), q.statuses.end(), text("status")) == q.statuses.end())
    return false;
  if (!q.assignees.empty()) {
    bool any = false;
    for (const char* k : {"assignee", "completedBy", "updatedBy"})
      any = any || std::find(q.assignees.begin(), q.assignees.end(), text(k)) != q.assignees.end();
    if (!any) return false;
  }
  for (const auto& [key, range] : q.ranges)
    if (!in_range(field(task, key), range)) return false;
  return true;
}

// sort=field or sort=-field (descending), on a task's top-level field.
void sort_tasks(std::vector<json::object>& tasks, const std::string& sort) {
  if (sort.empty()) return;
  const bool descending = sort.front() == '-';
  const std::string key = descending ? sort.substr(1) : sort;
  auto text = [&](const json::object& t) {
    const json::value* v = field(t, key);
    if (!v) return std::string();
    return v->is_string() ? std::string(v->get_string()) : json::serialize(*v);
  };
  std::stable_sort(tasks.begin(), tasks.end(), [&](const json::object& a, const json::object& b) {
    return descending ? text(b) < text(a) : text(a) < text(b);
  });
}

// fields=a,b,c: only these (and _id).
json::object only_fields(json::object task, const std::string& fields) {
  if (fields.empty()) return task;
  json::object out{{"_id", task["_id"]}};
  std::size_t start = 0;
  while (start <= fields.size()) {
    std::size_t comma = fields.find(',', start);
    std::string name =
        fields.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!name.empty())
      if (const json::value* v = task.if_contains(name)) out[name] = *v;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

Response get_project(const RouteContext& c, Request& req) {
  Project p = c.app.platform_project(c.app.authenticate(req), req.params.at("id"));
  return Response::json(200, data_of(json::object{{"project", project_json(p)}}));
}

Response list_assets(const RouteContext& c, Request& req) {
  Project p = c.app.platform_project(c.app.authenticate(req), req.params.at("id"));
  const Page page = page_params(req, 10, 1000);
  std::int64_t total = 0;
  auto rows = c.store.list_assets(p.id, asset_filter(p, req), page.offset(), page.limit, &total);
  json::array assets;
  for (const AssetRow& row : rows)
    assets.push_back(asset_json(p, parse_asset(row)));
  return Response::json(200, data_of(json::object{{"assets", std::move(assets)},
                                                  {"total", total},
                                                  {"page", page.page},
                                                  {"limit", page.limit}}));
}

// The page of the tasks passing `q`: sorted first when asked (all matching tasks are then
// kept), else only the page's tasks are kept while counting.
std::vector<json::object> matching_tasks(const RouteContext& c, const Project& p,
                                         const TaskQuery& q, const Page& page, bool answer,
                                         const std::string& sort, std::int64_t& total) {
  std::vector<json::object> matching;
  c.store.for_each_asset(p.id, q.rows, [&](const AssetRow& row) {
    json::object task = task_json(p, parse_asset(row), answer);
    if (!task_passes(q, task)) return;
    ++total;
    if (!sort.empty() || (total > page.offset() && total <= page.offset() + page.limit))
      matching.push_back(std::move(task));
  });
  if (sort.empty()) return matching;
  sort_tasks(matching, sort);
  const auto from = std::min<std::int64_t>(page.offset(), matching.size());
  const auto to = std::min<std::int64_t>(from + page.limit, matching.size());
  return std::vector<json::object>(matching.begin() + from, matching.begin() + to);
}

// Tasks are the assets' tasks: the store narrows by stage and batches, the rest (status,
// assignee, dates, sort) is applied here while paging.
Response list_tasks(const RouteContext& c, Request& req) {
  Project p = c.app.platform_project(c.app.authenticate(req), req.params.at("id"));
  const Page page = page_params(req, 10, 1000);
  const TaskQuery q = task_query(p, req);
  const std::string fields = req.query_param("fields").value_or("");
  const bool answer = !fields.empty() || bool_param(req, "includeAnswer").value_or(false);
  std::int64_t total = 0;
  json::array tasks;
  for (auto& t : matching_tasks(c, p, q, page, answer, req.query_param("sort").value_or(""), total))
    tasks.push_back(only_fields(std::move(t), fields));
  return Response::json(200, data_of(json::object{{"tasks", std::move(tasks)},
                                                  {"total", total},
                                                  {"page", page.page},
                                                  {"limit", page.limit}}));
}

std::pair<Project, AssetRow> task_for(const RouteContext& c, const Request& req) {
  HubApp::Caller caller = c.app.authenticate(req);
  const std::string& id = req.params.at("id");
  auto row = c.store.find_task(id);
  if (!row) throw NotFound("no task " + id);
  try {
    Project p = c.app.platform_project(caller, row->project_id);
    return std::pair{std::move(p), std::move(*row)};
  } catch (const NotFound&) {
    // A task of a project the caller may not see answers like an unknown task, not with
    // its project's id (tenant_isolation_test).
    throw NotFound("no task " + id);
  }
}

Response get_task(const RouteContext& c, Request& req) {
  auto [p, row] = task_for(c, req);
  const bool answer = bool_param(req, "includeAnswer").value_or(true);
  return Response::json(200,
                        data_of(json::object{{"task", task_json(p, parse_asset(row), answer)}}));
}

Response task_history(const RouteContext& c, Request& req) {
  auto [p, row] = task_for(c, req);
  ParsedAsset a = parse_asset(row);
  return Response::json(
      200, data_of(json::object{{"taskHistory", field_or(a.task, "stageHistory", json::array{})}}));
}

Response list_projects(const RouteContext& c, Request& req) {
  HubApp::Caller caller = c.app.authenticate(req);
  const Page page = page_params(req, 10, 1000);
  std::vector<Project> projects = c.domain.projects(caller.user);
  if (caller.run)
    std::erase_if(projects, [&](const Project& p) { return p.id != caller.run->project_id; });
  json::array list;
  for (std::size_t i = page.offset();
       i < projects.size() && list.size() < static_cast<std::size_t>(page.limit); ++i)
    list.push_back(project_json(projects[i]));
  return Response::json(200, data_of(json::object{{"projects", std::move(list)},
                                                  {"total", projects.size()},
                                                  {"page", page.page},
                                                  {"limit", page.limit}}));
}

}  // namespace

RouteTable platform_read_routes(const RouteContext&) {
  server::RouteOptions tasks_options;
  tasks_options.blocking = true;  // reads every asset of the project
  return {
      {"GET", "/v2/project/{id}", get_project},
      {"GET", "/v2/project/{id}/assets", list_assets},
      {"GET", "/v2/project/{id}/tasks", list_tasks, tasks_options},
      {"GET", "/v2/task/{id}", get_task},
      {"GET", "/v2/task/{id}/history", task_history},
      {"GET", "/v2/listProjects", list_projects},
  };
}

}  // namespace xport::hub::routes
