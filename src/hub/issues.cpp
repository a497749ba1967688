// Issues: a reviewer's remarks on assets, kept in the shape of the platform's issue export
// (protocol.md §6, exportV3 type=issue) so that plugins reading them run unchanged.
#include <boost/json.hpp>
#include <cstdio>

#include "hub/credentials.hpp"
#include "hub/domain.hpp"
#include "hub/json_text.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace json = boost::json;

namespace {

const json::string* string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? &v->get_string() : nullptr;
}

// The asset an imported issue is about: asset._id / assetId as given, else the project's
// only asset with the issue's asset.externalId ("" when none or several match).
std::string asset_of(Store& store, const std::string& project_id, const json::object& issue) {
  const json::value* asset = issue.if_contains("asset");
  if (const json::string* id = string_at(issue, "assetId")) return std::string(*id);
  if (!asset || !asset->is_object()) return {};
  if (const json::string* id = string_at(asset->get_object(), "_id")) return std::string(*id);
  const json::string* external = string_at(asset->get_object(), "externalId");
  if (!external) return {};
  AssetFilter filter;
  filter.external_id = std::string(*external);
  std::int64_t total = 0;
  auto rows = store.list_assets(project_id, filter, 0, 1, &total);
  return total == 1 ? rows.front().asset_id : std::string();
}

}  // namespace

std::int64_t Domain::import_issues(const User& user, const std::string& project_id,
                                   const std::string& json_list) {
  const Project p = managed_project(user, project_id);
  boost::system::error_code ec;
  json::value parsed = json::parse(json_list, ec);
  if (ec) throw ConfigError("the issue export is not JSON: " + ec.message());
  if (!parsed.is_array()) throw ConfigError("the issue export must be a JSON list of issues");
  std::vector<IssueRow> rows;
  std::size_t i = 0;
  for (json::value& v : parsed.get_array()) {
    const std::string where = "issue " + std::to_string(i++);
    if (!v.is_object()) throw ConfigError(where + ": not a JSON object");
    json::object& o = v.get_object();
    if (const json::value* id = o.if_contains("_id"); id && !id->is_string())
      throw ConfigError(where + ": _id must be a string");
    if (const json::value* c = o.if_contains("content"); c && !c->is_string() && !c->is_null())
      throw ConfigError(where + ": content must be a string");
    if (!o.contains("_id")) o["_id"] = new_id();  // the platform always has one
    IssueRow row;
    row.project_id = p.id;
    row.id = std::string(o.at("_id").get_string());
    row.asset_id = asset_of(store_, p.id, o);
    row.json_text = json::serialize(o);
    row.created_at = now_ms();
    rows.push_back(std::move(row));
  }
  return store_.add_issues(p.id, rows);
}

std::string Domain::create_issue(const User& user, const std::string& project_id,
                                 const NewIssue& issue) {
  const Project p = project(user, project_id);
  if (issue.content.empty()) throw ConfigError("an issue needs content");
  if (issue.asset_id.empty()) throw ConfigError("an issue needs the assetId it is about");
  AssetFilter filter;
  filter.asset_id = issue.asset_id;
  auto assets = store_.list_assets(p.id, filter, 0, 1, nullptr);
  if (assets.empty()) throw NotFound("project " + p.name + " has no asset " + issue.asset_id);
  const AssetRow& asset = assets.front();

  boost::system::error_code ec;
  json::value batches = json::parse(asset.batches_json, ec);
  const std::int64_t now = now_ms();
  json::object o{
      {"_id", new_id()},
      {"asset", json::object{{"_id", asset.asset_id},
                             {"externalId", asset.external_id},
                             {"batches", ec ? json::value(json::array{}) : batches}}},
      {"labelTask", asset.task_id},
      {"stage", asset.stage},
      {"stageId", asset.stage_id},
      {"createdBy", user.email},
      {"createdAt", iso8601_utc(now)},
      {"status", issue.status.empty() ? "Open" : issue.status},
      {"errorType", issue.error_type},
      {"errorCode", issue.error_code},
      {"content", issue.content},
      {"comments", json::array{}},
      {"objectId", issue.object_id},
  };
  if (issue.page) {
    o["page"] = *issue.page;
    o["pageEnd"] = *issue.page;
  }
  // The platform writes the position as text, "[x, y]" (plugins parse it).
  if (issue.position) {
    char text[96];
    std::snprintf(text, sizeof text, "[%g, %g]", issue.position->first, issue.position->second);
    o["position"] = text;
  }
  IssueRow row{p.id, std::string(o.at("_id").get_string()), asset.asset_id, json::serialize(o),
               now};
  store_.add_issues(p.id, {row});
  return row.json_text;
}

}  // namespace xport::hub
