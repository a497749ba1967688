// Helpers shared by the route files: error mapping, JSON bodies, records as JSON.
#pragma once

#include <boost/json.hpp>
#include <map>
#include <string>

#include "hub/domain.hpp"
#include "hub/json_text.hpp"
#include "hub/object_store.hpp"
#include "hub/server/router.hpp"
#include "xport/errors.hpp"

namespace xport::hub::detail {

namespace json = boost::json;

// 200 with `{"<key>": [to_json(row), ...]}`: the shape of the REST API's listings.
template <class Rows, class ToJson>
server::Response listing(std::string_view key, const Rows& rows, ToJson&& to_json) {
  json::array list;
  list.reserve(rows.size());
  for (const auto& row : rows)
    list.push_back(to_json(row));
  return server::Response::json(200, json::object{{key, std::move(list)}});
}

inline json::object body_object(const server::Request& req) {
  if (req.body.empty()) return {};
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec);
  if (ec) throw server::HttpError(400, "the request body is not JSON: " + ec.message());
  if (!v.is_object()) throw server::HttpError(400, "the request body must be a JSON object");
  return std::move(v.get_object());
}

inline std::string str_field(const json::object& o, std::string_view key, bool required = false) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) {
    if (required) throw server::HttpError(400, "\"" + std::string(key) + "\" is required");
    return {};
  }
  if (!v->is_string())
    throw server::HttpError(400, "\"" + std::string(key) + "\" must be a string");
  return std::string(v->get_string());
}

inline std::vector<std::string> str_list(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return out;
  if (!v->is_array()) throw server::HttpError(400, "\"" + std::string(key) + "\" must be a list");
  for (const auto& e : v->get_array()) {
    if (!e.is_string())
      throw server::HttpError(400, "\"" + std::string(key) + "\" must be a list of strings");
    out.emplace_back(e.get_string());
  }
  return out;
}

// A link of the Domain made absolute: relative ones ("/objects/...", "/runs/...") are the
// hub's own and get its public URL; absolute ones (presigned into S3) are left as they are.
inline std::string absolute_link(const std::string& base, const std::string& link) {
  return !link.empty() && link.front() == '/' ? base + link : link;
}

inline json::value opt_time(const std::optional<std::int64_t>& t) {
  return t ? json::value(*t) : json::value(nullptr);
}

inline json::array to_json_list(const std::vector<std::string>& items) {
  json::array a;
  for (const auto& s : items)
    a.emplace_back(s);
  return a;
}

inline json::array to_json(const std::vector<Stage>& stages) {
  json::array out;
  for (const Stage& s : stages)
    out.push_back(json::object{{"id", s.id},
                               {"name", s.name},
                               {"type", s.type},
                               {"position", json::object{{"x", s.x}, {"y", s.y}}}});
  return out;
}

// Batches as the REST API shows them ({id, name}); the /v2 API says _id (platform_read).
inline json::array to_json(const std::vector<Batch>& batches, const char* id_key = "id") {
  json::array out;
  for (const Batch& b : batches)
    out.push_back(json::object{{id_key, b.id}, {"name", b.name}});
  return out;
}

inline json::value parse_or_empty(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(json::object_kind) : v;
}

inline json::object to_json(const Project& p) {
  return {{"id", p.id},
          {"orgId", p.org_id},
          {"name", p.name},
          {"type", p.type},
          {"stages", to_json(p.stages)},
          {"batches", to_json(p.batches)},
          {"categorySchema", parse_or_empty(p.category_schema)},
          {"createdAt", p.created_at}};
}

inline json::object to_json(const Plugin& p) {
  return {{"id", p.id},
          {"orgId", p.org_id},
          {"name", p.name},
          {"type", p.type},
          {"description", p.description},
          {"defaultConfig", p.default_config},
          {"restUrl", p.rest_url},
          {"timeoutSeconds", p.timeout_seconds},
          {"redispatchOnHubLoss", p.redispatch_on_hub_loss},
          {"instanceConcurrency", p.instance_concurrency},
          {"createdAt", p.created_at}};
}

// A storage as its organisation sees it: never its secret key.
inline json::object to_json(const Storage& s) {
  return {{"id", s.id},
          {"name", s.name},
          {"provider", s.provider},
          {"endpoint", s.endpoint},
          {"bucket", s.bucket},
          {"region", s.region},
          {"accessKey", s.access_key},
          {"createdAt", s.created_at}};
}

inline json::object to_json(const User& u) {
  return {{"id", u.id},
          {"orgId", u.org_id},
          {"name", u.name},
          {"email", u.email},
          {"role", u.role},
          {"serverAdmin", u.server_admin},
          {"createdAt", u.created_at}};
}

inline json::object to_json(const Organization& o) {
  return {{"id", o.id}, {"name", o.name}, {"createdAt", o.created_at}};
}

inline json::object to_json(const RunLog& l) {
  return {{"seq", l.seq}, {"level", l.level}, {"msg", l.msg}, {"at", l.at}};
}

// A JSON text the hub stored itself (a run's progress, its report): null when empty or, for a
// row damaged by hand, when it does not parse.
inline json::value stored_json(const std::string& text) {
  if (text.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  return ec ? json::value(nullptr) : v;
}

// The names a run shows (its plugin's, its project's; null once deleted), read once per
// plugin and project for a whole listing instead of twice per run.
class RunNames {
 public:
  explicit RunNames(Domain& d) : d_(d) {}
  json::value plugin(const std::string& id) {
    return lookup(plugins_, id, [&] {
      auto p = d_.store().get_plugin(id);
      return p ? json::value(p->name) : json::value(nullptr);
    });
  }
  json::value project(const std::string& id) {
    return lookup(projects_, id, [&] {
      auto p = d_.store().get_project(id);
      return p ? json::value(p->name) : json::value(nullptr);
    });
  }

 private:
  template <class Read>
  static json::value lookup(std::map<std::string, json::value>& cache, const std::string& id,
                            Read read) {
    auto it = cache.find(id);
    if (it == cache.end()) it = cache.emplace(id, read()).first;
    return it->second;
  }
  Domain& d_;
  std::map<std::string, json::value> plugins_;
  std::map<std::string, json::value> projects_;
};

// A run as the API shows it (GET /api/runs/{session}, the /ui event `run`). `base` is
// prepended to the download link of a succeeded run (empty: the link stays relative).
inline json::object run_to_json(Domain& d, const Run& run, const std::string& base,
                                RunNames* names = nullptr) {
  json::object o{{"session", run.session},
                 {"projectId", run.project_id},
                 {"pluginId", run.plugin_id},
                 {"userId", run.user_id},
                 {"configJSON", run.config_json},
                 {"stage", run.stage ? json::value(*run.stage) : json::value(nullptr)},
                 {"batches", to_json_list(parse_json_string_list(run.batches_json))},
                 {"state", to_string(run.state)},
                 {"message", run.message},
                 {"createdAt", run.created_at},
                 {"dispatchedAt", opt_time(run.dispatched_at)},
                 {"dispatchedBy", run.dispatched_by},
                 {"finishedAt", opt_time(run.finished_at)},
                 // dispatch/run_progress.hpp; the report only when the run is read alone
                 {"progress", stored_json(run.progress_json)},
                 {"report", stored_json(run.report_json)}};
  // Names for people and scripts reading a run alone (a deleted plugin has none).
  RunNames own(d);
  RunNames& n = names ? *names : own;
  o["pluginName"] = n.plugin(run.plugin_id);
  o["projectName"] = n.project(run.project_id);
  if (run.finished_at)
    o["durationMs"] = *run.finished_at - run.created_at;
  else
    o["durationMs"] = nullptr;
  if (run.state == RunState::succeeded && !run.result_object.empty()) {
    try {
      o["downloadUrl"] = absolute_link(base, d.download_link(run));
    } catch (const std::exception& e) {
      // A result in a storage removed since: the run is still shown, with why there is no link.
      o["downloadError"] = e.what();
    }
  }
  return o;
}

}  // namespace xport::hub::detail
