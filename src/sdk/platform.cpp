// xport::Platform: each call is one GET shaped as the newest Python SDK sends it (§6.1).
#include "xport/platform.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

#include "sdk/platform_records.hpp"
#include "sdk/platform_session.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport {
namespace json = boost::json;
using sdk::list_field;
using sdk::read_list;

namespace {

constexpr bool kJsonContentType = true;  // project and task GETs (§6.1)

json::array json_list(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items)
    a.emplace_back(s);
  return a;
}

void check_paging(int page, int limit, const std::string& endpoint) {
  if (page < 1 || limit < 1)
    throw PlatformError(endpoint, 0,
                        "page and limit must be at least 1 (page " + std::to_string(page) +
                            ", limit " + std::to_string(limit) + ")");
}

// A default-constructed Platform has no session: say so instead of crashing.
const sdk::PlatformSession& bound(const std::shared_ptr<const sdk::PlatformSession>& s) {
  if (!s)
    throw PlatformError("this xport::Platform is not bound to a platform (no host, no apiKey)");
  return *s;
}

std::string path_segment(const std::string& id) {
  return net::percent_encode(id);  // an id with "/" or "?" must stay one segment
}

}  // namespace

Platform::Platform() = default;

Platform::Platform(std::string host, std::string api_key, std::string project_id,
                   PlatformOptions options)
    : session_(std::make_shared<const sdk::PlatformSession>(std::move(host), std::move(api_key),
                                                            std::move(project_id), options)) {}

const std::string& Platform::host() const {
  return bound(session_).host();
}
const std::string& Platform::project_id() const {
  return bound(session_).project_id();
}

Project Platform::project() const {
  return project(bound(session_).project_id());
}

Project Platform::project(const std::string& id) const {
  const std::string path = "/v2/project/" + path_segment(id);
  json::object data = bound(session_).get_data(path, {}, kJsonContentType);
  return sdk::project_from(sdk::object_field(data, "project", "GET " + path));
}

Page<ProjectSummary> Platform::list_projects(int page, int limit) const {
  const std::string path = "/v2/listProjects";
  check_paging(page, limit, "GET " + path);
  json::object data = bound(session_).get_data(
      path, {{"page", std::to_string(page)}, {"limit", std::to_string(limit)}}, kJsonContentType);
  return {read_list<ProjectSummary>(list_field(data, "projects", "GET " + path),
                                    sdk::project_summary_from, "data.projects", "GET " + path),
          sdk::total_field(data, "GET " + path), page, limit};
}

Page<Asset> Platform::assets(int page, int limit, const AssetFilters& filters) const {
  const sdk::PlatformSession& s = bound(session_);
  const std::string path = "/v2/project/" + path_segment(s.project_id()) + "/assets";
  check_paging(page, limit, "GET " + path);
  json::object f;  // always sent, `{}` when empty, as the SDK does
  if (!filters.asset_id.empty()) f["_id"] = filters.asset_id;
  if (!filters.external_id.empty()) f["externalId"] = filters.external_id;
  if (!filters.batches.empty()) f["batches"] = json_list(filters.batches);
  json::object data = s.get_data(path,
                                 {{"page", std::to_string(page)},
                                  {"limit", std::to_string(limit)},
                                  {"filters", json::serialize(f)}},
                                 kJsonContentType);
  return {read_list<Asset>(list_field(data, "assets", "GET " + path), sdk::asset_from,
                           "data.assets", "GET " + path),
          sdk::total_field(data, "GET " + path), page, limit};
}

void Platform::for_each_asset(const std::function<void(const Asset&)>& each,
                              const AssetFilters& filters, int page_size) const {
  // Pages until `total` are seen, as the Python plugins loop. A short page does not end it
  // (a platform may cap `limit`, and then pages by its own limit); an empty one does, so a
  // total that shrinks under the loop never makes it spin.
  std::int64_t seen = 0;
  for (int page = 1;; ++page) {
    Page<Asset> p = assets(page, page_size, filters);
    for (const Asset& a : p.items)
      each(a);
    seen += static_cast<std::int64_t>(p.items.size());
    if (seen >= p.total || p.items.empty()) return;
  }
}

std::vector<Asset> Platform::all_assets(const AssetFilters& filters, int page_size) const {
  std::vector<Asset> out;
  for_each_asset([&out](const Asset& a) { out.push_back(a); }, filters, page_size);
  return out;
}

Page<Task> Platform::tasks(int page, int limit, const TaskFilters& filters) const {
  const sdk::PlatformSession& s = bound(session_);
  const std::string path = "/v2/project/" + path_segment(s.project_id()) + "/tasks";
  check_paging(page, limit, "GET " + path);
  net::QueryParams query{
      {"page", std::to_string(page)}, {"limit", std::to_string(limit)}, {"includeAnswer", "false"}};
  json::object f;
  if (!filters.status.empty()) f["status"] = filters.status;
  if (!filters.stage.empty()) f["stage"] = filters.stage;
  if (!filters.batches.empty()) f["batches"] = json_list(filters.batches);
  if (!f.empty()) query.emplace_back("filter", json::serialize(f));
  json::object data = s.get_data(path, query, kJsonContentType);
  return {read_list<Task>(list_field(data, "tasks", "GET " + path), sdk::task_from, "data.tasks",
                          "GET " + path),
          sdk::total_field(data, "GET " + path), page, limit};
}

Task Platform::task(const std::string& id) const {
  const std::string path = "/v2/task/" + path_segment(id);
  json::object data =
      bound(session_).get_data(path, {{"includeAnswer", "False"}}, kJsonContentType);
  return sdk::task_from(sdk::object_field(data, "task", "GET " + path));
}

std::vector<StageHistoryEntry> Platform::task_history(const std::string& id) const {
  const std::string path = "/v2/task/" + path_segment(id) + "/history";
  json::object data = bound(session_).get_data(path, {}, kJsonContentType);
  return read_list<StageHistoryEntry>(list_field(data, "taskHistory", "GET " + path),
                                      sdk::history_entry_from, "data.taskHistory", "GET " + path);
}

std::vector<Storage> Platform::storages() const {
  json::object data = bound(session_).get_data("/v2/storages", {}, !kJsonContentType);
  return read_list<Storage>(list_field(data, "storages", "GET /v2/storages"), sdk::storage_from,
                            "data.storages", "GET /v2/storages");
}

std::optional<Storage> Platform::storage(const std::string& id) const {
  json::object data;
  try {
    data = bound(session_).get_data("/v2/storages", {{"_id", id}}, !kJsonContentType);
  } catch (const PlatformError& e) {
    if (e.status() == 404) return std::nullopt;  // "no storage <id>": an answer, not a failure
    throw;
  }
  auto list = read_list<Storage>(list_field(data, "storages", "GET /v2/storages"),
                                 sdk::storage_from, "data.storages", "GET /v2/storages");
  // Only the one asked for: a platform that ignored `_id` must not pass another one off.
  auto it = std::find_if(list.begin(), list.end(), [&](const Storage& s) { return s.id == id; });
  if (it == list.end()) return std::nullopt;
  return *it;
}

std::vector<Issue> Platform::issues() const {
  const sdk::PlatformSession& s = bound(session_);
  const std::string endpoint = "GET /v2/export";
  // The newest SDK's export query with type=issue and no stage (§6.1).
  json::object data = s.get_data("/v2/export",
                                 {{"sendEmail", "false"},
                                  {"includeMetadata", "true"},
                                  {"includeHistory", "true"},
                                  {"doNotNotify", "true"},
                                  {"format", "json"},
                                  {"type", "issue"},
                                  {"includeOnlyKeyFrames", "false"},
                                  {"includeIdleBlurDurations", "false"},
                                  {"taskTypes", R"(["default"])"},
                                  {"project", s.project_id()}},
                                 !kJsonContentType);
  const json::value* link = data.if_contains("exportPath");
  if (!link || !link->is_string() || link->get_string().empty())
    throw PlatformError(endpoint, 200, "the reply has no data.exportPath");
  const std::string where = "GET <the issue export's exportPath>";
  const std::string zip = s.download(std::string(link->get_string()), where);
  std::string text;
  try {
    auto entry = zip::open_first_entry(std::make_unique<MemorySource>(zip, "the issue export"));
    std::string buffer(1 << 16, '\0');
    while (std::size_t n = entry->read(buffer.data(), buffer.size()))
      text.append(buffer, 0, n);
  } catch (const std::exception& e) {
    throw PlatformError(where, 200, std::string("not a zip with the issues: ") + e.what());
  }
  boost::system::error_code ec;
  json::value issues = json::parse(text, ec);
  if (ec || !issues.is_array())
    throw PlatformError(where, 200, "the zip's first entry is not a JSON list of issues");
  return read_list<Issue>(issues.get_array(), sdk::issue_from, "the issue list", where);
}

// Project's helpers ------------------------------------------------------------------------

const Stage* Project::stage(std::string_view id_or_name) const {
  for (const Stage& s : stages)
    if (s.id == id_or_name) return &s;
  for (const Stage& s : stages)
    if (s.name == id_or_name) return &s;
  return nullptr;
}

std::vector<Stage> Project::stages_in_order() const {
  auto x_of = [this](const Stage& s) {
    if (s.position.x == 0 && !s.consensusId.empty())
      if (const Stage* c = stage(s.consensusId)) return c->position.x;
    return s.position.x;
  };
  std::vector<Stage> out = stages;
  std::stable_sort(out.begin(), out.end(), [&](const Stage& a, const Stage& b) {
    return x_of(a) != x_of(b) ? x_of(a) < x_of(b) : a.name < b.name;
  });
  return out;
}

}  // namespace xport
