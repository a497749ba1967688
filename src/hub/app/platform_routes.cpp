// The platform endpoints of protocol.md §2 (/v2/...): the export, the upload and download
// links, and the REST transport's answers and log lines.
#include <fmt/format.h>

#include <chrono>
#include <limits>

#include "hub/app/app_internal.hpp"
#include "hub/app/export_snapshots.hpp"
#include "hub/app/export_writer.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/links.hpp"
#include "hub/app/platform_query.hpp"
#include "hub/app/project_export.hpp"
#include "hub/app/route_table.hpp"
#include "hub/app/storage_links.hpp"
#include "hub/credentials.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::hub::routes {

namespace {

constexpr std::int64_t kExportLinkSeconds = 24 * 3600;
constexpr std::int64_t kUploadLinkSeconds = 24 * 3600;
constexpr std::int64_t kDownloadLinkSeconds = 7 * 24 * 3600;
// The longest an export request waits for the same export being written after an import.
constexpr std::chrono::seconds kWarmWait{60};

std::string required_param(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty())
    throw HttpError(400, fmt::format("query parameter \"{}\" is required", name));
  return *v;
}

// protocol.md: a non-empty storageId sends the result to the customer's own bucket (one of
// the caller's organisation's storages; another's answers like an unknown one).
std::optional<Storage> requested_storage(const RouteContext& c, const HubApp::Caller& caller,
                                         const Request& req) {
  auto id = req.query_param("storageId");
  if (!id || id->empty() || *id == "None" || *id == "null") return std::nullopt;
  return c.domain.storage(caller.user, *id);
}

json::object data_reply(std::string_view field, const std::string& value) {
  return json::object{{"data", json::object{{field, value}}}};
}

ExportQuery export_query(const Project& p, const Request& req) {
  ExportQuery q;
  q.format = req.query_param("format").value_or("ndjson");
  if (q.format.empty()) q.format = "ndjson";
  if (q.format != "ndjson" && q.format != "json")
    throw HttpError(400, "format must be ndjson or json, not \"" + q.format + "\"");
  // type: task (the default; exportV3 sends the text None when unset) or issue.
  q.type = req.query_param("type").value_or("task");
  if (q.type.empty() || q.type == "None" || q.type == "null") q.type = "task";
  if (q.type != "task" && q.type != "issue")
    throw HttpError(400, "type must be task or issue, not \"" + q.type + "\"");
  // taskTypes (the newest SDK: ["default"]): this hub keeps the default tasks only.
  for (const std::string& t : list_param(req, "taskTypes"))
    if (t != "default")
      throw HttpError(400, "taskTypes: this hub exports default tasks only, not \"" + t + "\"");
  add_stage_filter(p, list_param(req, "stage"), q.filter);
  q.filter.batches = batch_names(p, list_param(req, "batches"));
  // The newest SDK says includeOnlyKeyFrames, the protocol's first text includeKeyFramesOnly.
  q.filter.key_frames_only = bool_param(req, "includeOnlyKeyFrames").value_or(false) ||
                             bool_param(req, "includeKeyFramesOnly").value_or(false);
  return q;
}

// GET /v2/export: the project's AAF export as a zip whose first entry is the NDJSON (or
// JSON array) export, written to the object store row by row, answered with a signed link.
// The same query of the same project revision within the hour gets the zip already written
// (export_snapshots.hpp).
Response export_project(const RouteContext& c, Request& req) {
  HubApp::Caller caller = c.app.authenticate(req);
  Project p = c.app.platform_project(caller, required_param(req, "project"));
  const ExportQuery q = export_query(p, req);
  // An import may have this export being written in the background: take that one.
  if (spec_text(q) == spec_text(ExportQuery{})) c.app.warmer().wait_for(p.id, kWarmWait);
  ProjectExport made;
  try {
    made = project_export(c.store, c.objects, c.options, c.app.metrics(), c.domain.now_ms(), p, q);
  } catch (const QuotaExceeded& e) {
    throw HttpError(429, e.what());
  }
  const SnapshotResult& snapshot = made.snapshot;
  const ExportOutcome& outcome = made.outcome;
  const std::string url =
      absolute_link(c.app.base_url(req), c.domain.object_link(snapshot.key, kExportLinkSeconds));
  if (caller.run && snapshot.reused)
    c.domain.append_log(
        caller.run->session, "INFO",
        fmt::format("hub: {} export of {} reused: revision {} of the project, "
                    "generated {} s ago ({} bytes)",
                    q.type, p.name, p.revision, (c.domain.now_ms() - snapshot.created_at) / 1000,
                    snapshot.bytes));
  else if (caller.run)
    c.domain.append_log(
        caller.run->session, "INFO",
        fmt::format("hub: {} export of {} generated ({} {}{})", q.type, p.name, outcome.assets,
                    q.type == "issue" ? "issues" : "assets",
                    q.filter.key_frames_only
                        ? fmt::format(", key frames only: {} interpolated entries left out",
                                      outcome.dropped_entries)
                        : ""));
  return Response::json(200, data_reply("exportPath", url));
}

// GET /v2/getUploadUrl: a signed PUT link for one result file, on this hub or presigned into
// the customer's storage the storageId names (bucket: the plugin's, else the storage's).
Response upload_url(const RouteContext& c, Request& req) {
  HubApp::Caller caller = c.app.authenticate(req);
  const std::optional<Storage> storage = requested_storage(c, caller, req);
  std::string name = req.query_param("name").value_or("");
  std::string project_id = req.query_param("project").value_or("");
  // SDK <= 1.3: name=<projectId>/exports/<file>, and no project.
  if (const auto slash = name.find("/exports/"); project_id.empty() && slash != std::string::npos) {
    project_id = name.substr(0, slash);
    name = name.substr(slash + 9);
  }
  if (project_id.empty())
    throw HttpError(400,
                    "query parameter \"project\" is required (or a name of the form "
                    "<projectId>/exports/<file>, as SDK 1.3 and older send)");
  Project p = c.app.platform_project(caller, project_id);
  if (storage)
    return Response::json(
        200, data_reply("uploadUrl", storage_upload_url(c.domain, *storage, p.id, name,
                                                        req.query_param("bucket").value_or(""),
                                                        std::chrono::seconds(kUploadLinkSeconds))));
  name = safe_segment(name, "export.zip");
  // Asked with a run's token: the link is that run's (its key names the session), and only
  // that run may be answered with it.
  const std::string run_part = caller.run ? caller.run->session + "/" : "";
  const std::string key = "uploads/" + p.id + "/" + run_part + new_id() + "/" + name;
  // Straight into the object store when it signs links (S3), else through the hub.
  if (auto direct = c.objects.presign_put(key, std::chrono::seconds(kUploadLinkSeconds)))
    return Response::json(200, data_reply("uploadUrl", *direct));
  const std::int64_t expires = c.domain.now_ms() / 1000 + kUploadLinkSeconds;
  return Response::json(
      200, data_reply("uploadUrl", c.app.base_url(req) + "/upload/" + key + "?" +
                                       make_upload_query(c.domain.signer(), key, expires)));
}

// GET /v2/getSignedUrl?name=<upload URL>: the download link of that upload (it may not be
// uploaded yet: the SDKs ask before the PUT).
Response signed_url(const RouteContext& c, Request& req) {
  HubApp::Caller caller = c.app.authenticate(req);
  // The SDKs send the upload URL unencoded: its own ?expires=..&sig=.. (or X-Amz-...) spill
  // into our query, so the value runs on to the next parameter of ours.
  const std::string name =
      spilled_param(req, "name", {"project", "type", "storageId", "bucket"}).value_or("");
  if (name.empty()) throw HttpError(400, "query parameter \"name\" is required");
  if (const std::optional<Storage> storage = requested_storage(c, caller, req)) {
    const std::string project_id =
        req.query_param("project").value_or(caller.run ? caller.run->project_id : "");
    if (project_id.empty()) throw HttpError(400, "query parameter \"project\" is required");
    const Project p = c.app.platform_project(caller, project_id);
    return Response::json(
        200,
        data_reply("signedUrl", storage_download_url(c.domain, *storage, p.id, name,
                                                     std::chrono::seconds(kDownloadLinkSeconds))));
  }
  auto key = hub_object_key(c.objects, name);
  if (!key || key->rfind("uploads/", 0) != 0)
    throw HttpError(400, "name must be an upload URL given by /v2/getUploadUrl");
  const std::string project_id = key->substr(8, key->find('/', 8) - 8);
  if (auto p = req.query_param("project"); p && !p->empty() && *p != project_id)
    throw HttpError(400, "the upload URL belongs to project " + project_id);
  c.app.platform_project(caller, project_id);
  return Response::json(
      200,
      data_reply("signedUrl", absolute_link(c.app.base_url(req),
                                            c.domain.object_link(*key, kDownloadLinkSeconds))));
}

// REST transport answers are authenticated with the run's token.
Run run_of(const RouteContext& c, const Request& req, const json::object& body,
           bool allow_finished) {
  HubApp::Caller caller = c.app.authenticate(req, allow_finished);
  if (!caller.run) throw HttpError(403, "send the run's apiKey (the one the plugin event carried)");
  const std::string session = str_field(body, "session");
  if (!session.empty() && session != caller.run->session)
    throw HttpError(403, "this apiKey belongs to run " + caller.run->session + ", not " + session);
  return *caller.run;
}

// POST /v2/pluginResponse, /v2/pluginLog, /v2/pluginProgress: the body goes to the dispatcher
// as the Socket.IO event's would, for the run the token names; a refusal is a 409 with why.
using PluginMessage = std::optional<std::string> (Dispatcher::*)(const std::string& plugin_id,
                                                                 const json::object& body);
Response plugin_message(const RouteContext& c, Request& req, bool allow_finished,
                        PluginMessage handle) {
  json::object body = body_object(req);
  Run run = run_of(c, req, body, allow_finished);
  body["session"] = run.session;
  if (auto error = (c.app.dispatcher().*handle)(run.plugin_id, body)) throw HttpError(409, *error);
  return Response::json(200, json::object{{"status", "ok"}});
}

Response plugin_response(const RouteContext& c, Request& req) {
  return plugin_message(c, req, false, &Dispatcher::handle_response);
}

Response plugin_log(const RouteContext& c, Request& req) {
  // Late lines of a finished run are the dispatcher's to judge (a minute of grace).
  return plugin_message(c, req, true, &Dispatcher::handle_log);
}

Response plugin_progress(const RouteContext& c, Request& req) {
  return plugin_message(c, req, false, &Dispatcher::handle_progress);
}

}  // namespace

RouteTable platform_routes(const RouteContext&) {
  RouteOptions export_options;
  export_options.blocking = true;  // seconds of rows for a big project
  return {
      {"GET", "/v2/export", export_project, export_options},
      {"GET", "/v2/exportV3", export_project, export_options},
      {"GET", "/v2/getUploadUrl", upload_url},
      {"GET", "/v2/getSignedUrl", signed_url},
      {"POST", "/v2/pluginResponse", plugin_response},
      {"POST", "/v2/pluginLog", plugin_log},
      {"POST", "/v2/pluginProgress", plugin_progress},
  };
}

}  // namespace xport::hub::routes
