// The platform endpoints of protocol.md §2 (/v2/...), the upload PUT and signed downloads.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <system_error>

#include "hub/app/app_internal.hpp"
#include "hub/app/export_writer.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/links.hpp"
#include "hub/app/platform_query.hpp"
#include "hub/credentials.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::hub {

namespace fs = std::filesystem;
using namespace detail;
using server::HttpError;
using server::Request;
using server::Response;
using server::RouteOptions;

namespace {

constexpr std::int64_t kExportLinkSeconds = 24 * 3600;
constexpr std::int64_t kUploadLinkSeconds = 24 * 3600;
constexpr std::int64_t kDownloadLinkSeconds = 7 * 24 * 3600;

std::string required_param(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty())
    throw HttpError(400, fmt::format("query parameter \"{}\" is required", name));
  return *v;
}

// protocol.md: a non-empty storageId sends the result to the customer's own bucket. This hub
// has no storage integrations yet; saying so beats storing the result where nobody looks.
void refuse_storage_integration(const Request& req) {
  if (auto id = req.query_param("storageId"); id && !id->empty())
    throw HttpError(400, fmt::format("storageId \"{}\": this hub has no storage integrations "
                                     "(customer buckets); leave storage_id and bucket empty "
                                     "to keep the result on the hub",
                                     *id));
}

json::object data_reply(std::string_view field, const std::string& value) {
  return json::object{{"data", json::object{{field, value}}}};
}

std::string content_type_of(std::string_view key) {
  auto ends = [&](std::string_view ext) {
    return key.size() >= ext.size() && key.substr(key.size() - ext.size()) == ext;
  };
  if (ends(".zip")) return "application/zip";
  if (ends(".json")) return "application/json";
  if (ends(".ndjson")) return "application/x-ndjson";
  return "application/octet-stream";
}

}  // namespace

void HubApp::add_platform_routes() {
  server::Router& r = server_.router();
  Domain& d = core_.domain();
  Store& store = core_.store();
  LocalObjectStore& objects = core_.objects();

  // The project a /v2 call names, checked against the caller (a run token: its run's only).
  auto project_for = [this](const Caller& c, const std::string& project_id) {
    return platform_project(c, project_id);
  };

  // GET /v2/export: the project's AAF export as a zip whose first entry is the NDJSON (or
  // JSON array) export, written to the object store row by row, answered with a signed link.
  auto export_handler = guarded([this, &d, &store, &objects, project_for](Request& req) {
    Caller c = authenticate(req);
    Project p = project_for(c, required_param(req, "project"));
    std::string format = req.query_param("format").value_or("ndjson");
    if (format.empty()) format = "ndjson";
    if (format != "ndjson" && format != "json")
      throw HttpError(400, "format must be ndjson or json, not \"" + format + "\"");
    // type: task (the default; exportV3 sends the text None when unset) or issue.
    std::string type = req.query_param("type").value_or("task");
    if (type.empty() || type == "None" || type == "null") type = "task";
    if (type != "task" && type != "issue")
      throw HttpError(400, "type must be task or issue, not \"" + type + "\"");
    // taskTypes (the newest SDK: ["default"]): this hub keeps the default tasks only.
    for (const std::string& t : list_param(req, "taskTypes"))
      if (t != "default")
        throw HttpError(400, "taskTypes: this hub exports default tasks only, not \"" + t + "\"");
    AssetFilter filter;
    add_stage_filter(p, list_param(req, "stage"), filter);
    filter.batches = batch_names(p, list_param(req, "batches"));
    // The newest SDK says includeOnlyKeyFrames, the protocol's first text includeKeyFramesOnly.
    filter.key_frames_only = bool_param(req, "includeOnlyKeyFrames").value_or(false) ||
                             bool_param(req, "includeKeyFramesOnly").value_or(false);

    const std::string key = "exports/" + p.id + "/" + new_id() + ".zip";
    const fs::path path = objects.path_of(key);
    fs::create_directories(path.parent_path());
    std::unique_ptr<ByteSink> sink = open_file_sink(path.string());
    ExportSpec spec;
    spec.project_id = p.id;
    spec.entry_name =
        p.id + (type == "issue" ? "-issues" : "") + (format == "json" ? ".json" : ".ndjson");
    spec.json_array = format == "json";
    spec.filter = filter;
    const ExportOutcome outcome =
        type == "issue" ? write_issue_export(store, spec, *sink) : write_export(store, spec, *sink);
    const std::int64_t expires = d.now_ms() / 1000 + kExportLinkSeconds;
    const std::string url = base_url(req) + "/objects/" + key + "?" + d.signer().make(key, expires);
    if (c.run)
      d.append_log(
          c.run->session, "INFO",
          fmt::format("hub: {} export of {} generated ({} {}{})", type, p.name, outcome.assets,
                      type == "issue" ? "issues" : "assets",
                      filter.key_frames_only
                          ? fmt::format(", key frames only: {} interpolated entries left out",
                                        outcome.dropped_entries)
                          : ""));
    return Response::json(200, data_reply("exportPath", url));
  });
  RouteOptions export_options;
  export_options.blocking = true;  // seconds of rows for a big project
  r.get("/v2/export", export_handler, export_options);
  r.get("/v2/exportV3", export_handler, export_options);

  // GET /v2/getUploadUrl: a signed PUT link on this hub for one result file.
  r.get("/v2/getUploadUrl", guarded([this, &d, project_for](Request& req) {
          Caller c = authenticate(req);
          refuse_storage_integration(req);
          std::string name = req.query_param("name").value_or("");
          std::string project_id = req.query_param("project").value_or("");
          // SDK <= 1.3: name=<projectId>/exports/<file>, and no project.
          if (const auto slash = name.find("/exports/");
              project_id.empty() && slash != std::string::npos) {
            project_id = name.substr(0, slash);
            name = name.substr(slash + 9);
          }
          if (project_id.empty())
            throw HttpError(400,
                            "query parameter \"project\" is required (or a name of the form "
                            "<projectId>/exports/<file>, as SDK 1.3 and older send)");
          Project p = project_for(c, project_id);
          name = safe_segment(name, "export.zip");
          const std::string key = "uploads/" + p.id + "/" + new_id() + "/" + name;
          const std::int64_t expires = d.now_ms() / 1000 + kUploadLinkSeconds;
          return Response::json(
              200, data_reply("uploadUrl", base_url(req) + "/upload/" + key + "?" +
                                               make_upload_query(d.signer(), key, expires)));
        }));

  // GET /v2/getSignedUrl?name=<upload URL>: the download link of that upload (it may not be
  // uploaded yet: the SDKs ask before the PUT).
  r.get("/v2/getSignedUrl", guarded([this, &d, project_for](Request& req) {
          Caller c = authenticate(req);
          refuse_storage_integration(req);
          // The SDKs send the upload URL unencoded: its own ?expires=..&sig=.. spill into our
          // query, so the value runs on to the next parameter of ours.
          const std::string name =
              spilled_param(req, "name", {"project", "type", "storageId"}).value_or("");
          if (name.empty()) throw HttpError(400, "query parameter \"name\" is required");
          auto key = object_key_from_url(name);
          if (!key || key->rfind("uploads/", 0) != 0)
            throw HttpError(400, "name must be an upload URL given by /v2/getUploadUrl");
          const std::string project_id = key->substr(8, key->find('/', 8) - 8);
          if (auto p = req.query_param("project"); p && !p->empty() && *p != project_id)
            throw HttpError(400, "the upload URL belongs to project " + project_id);
          project_for(c, project_id);
          const std::int64_t expires = d.now_ms() / 1000 + kDownloadLinkSeconds;
          return Response::json(200,
                                data_reply("signedUrl", base_url(req) + "/objects/" + *key + "?" +
                                                            d.signer().make(*key, expires)));
        }));

  // PUT /upload/<key>?expires&sig: the result, streamed to a file, then moved into the object
  // store atomically. Over the size limit: 413 and nothing stored.
  RouteOptions upload_options;
  upload_options.max_body = options_.max_upload_bytes;
  upload_options.body_to_file = true;
  r.put("/upload/{rest...}", guarded([&d, &objects](Request& req) {
          const std::string key = req.params.at("rest");
          try {
            ObjectStore::check_key(key);
          } catch (const InputError&) {
            throw HttpError(400, "not an upload link of this hub");
          }
          const UrlCheck check =
              verify_upload(d.signer(), key, req.query_param("expires").value_or(""),
                            req.query_param("sig").value_or(""), d.now_ms() / 1000);
          if (check != UrlCheck::ok)
            throw HttpError(403, check == UrlCheck::expired ? "this upload link has expired"
                                                            : "this upload link is not valid");
          const fs::path dest = objects.path_of(key);
          fs::create_directories(dest.parent_path());
          std::error_code ec;
          if (!req.body_file.empty()) fs::rename(req.body_file, dest, ec);
          if (req.body_file.empty() || ec) {
            // Another file system (or no body file): copy through the object store.
            auto writer = objects.create(key, std::uint64_t{1} << 62);
            if (!req.body_file.empty()) {
              std::ifstream in(req.body_file, std::ios::binary);
              std::vector<char> buf(1 << 20);
              while (in) {
                in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
                if (in.gcount() > 0)
                  writer->write(buf.data(), static_cast<std::size_t>(in.gcount()));
              }
            } else if (!req.body.empty()) {
              writer->write(req.body.data(), req.body.size());
            }
            writer->commit();
          }
          return Response::json(200, json::object{{"key", key}, {"size", req.body_size}});
        }),
        upload_options);

  // GET /objects/<key>?expires&sig: a signed download (403 when tampered or expired).
  r.get("/objects/{rest...}", guarded([&d, &objects](Request& req) {
          const std::string key = req.params.at("rest");
          const UrlCheck check =
              d.signer().verify(key, req.query_param("expires").value_or(""),
                                req.query_param("sig").value_or(""), d.now_ms() / 1000);
          if (check != UrlCheck::ok)
            throw HttpError(403, check == UrlCheck::expired ? "this download link has expired"
                                                            : "this download link is not valid");
          if (!objects.exists(key)) throw HttpError(404, "this file no longer exists");
          std::string name = key.substr(key.rfind('/') + 1);
          return Response::send_file(objects.path_of(key), content_type_of(key), name);
        }));

  // REST transport answers: authenticated with the run's token.
  auto run_of = [this](const Request& req, const json::object& body, bool allow_finished) {
    Caller c = authenticate(req, allow_finished);
    if (!c.run) throw HttpError(403, "send the run's apiKey (the one the plugin event carried)");
    const std::string session = str_field(body, "session");
    if (!session.empty() && session != c.run->session)
      throw HttpError(403, "this apiKey belongs to run " + c.run->session + ", not " + session);
    return *c.run;
  };
  r.post("/v2/pluginResponse", guarded([this, run_of](Request& req) {
           json::object body = body_object(req);
           Run run = run_of(req, body, false);
           body["session"] = run.session;
           if (auto error = dispatcher_->handle_response(run.plugin_id, body))
             throw HttpError(409, *error);
           return Response::json(200, json::object{{"status", "ok"}});
         }));
  r.post("/v2/pluginLog", guarded([this, run_of](Request& req) {
           json::object body = body_object(req);
           Run run = run_of(req, body, true);
           body["session"] = run.session;
           if (auto error = dispatcher_->handle_log(run.plugin_id, body))
             throw HttpError(409, *error);
           return Response::json(200, json::object{{"status", "ok"}});
         }));
}

}  // namespace xport::hub
