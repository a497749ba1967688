// POST /api/projects/{id}/import: the body (NDJSON, a JSON array, or a zip whose first entry
// is either) is streamed to a file and imported by import_exports (hub/importer.hpp), the
// code `xport hub import` runs: all or nothing in one transaction (or, with partial=true, the
// good assets kept); the answer lists the problems with their lines, naming the upload as
// "<body>" or as the file name the client gave (?name=, or Content-Disposition's filename) —
// never the temporary file.
#include <fmt/format.h>

#include "hub/app/api_params.hpp"
#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/route_table.hpp"
#include "hub/importer.hpp"

namespace xport::hub::routes {

namespace {

// How import messages name the body: the client's file name (?name=, or the filename of a
// Content-Disposition header), reduced to its last path component, or "<body>".
std::string upload_name(const Request& req) {
  std::string name = req.query_param("name").value_or("");
  if (name.empty()) {
    if (auto cd = req.header("Content-Disposition")) {
      if (auto at = cd->find("filename=\""); at != std::string::npos) {
        auto start = at + 10;
        name = cd->substr(start, cd->find('"', start) - start);
      } else if (at = cd->find("filename="); at != std::string::npos) {
        name = cd->substr(at + 9, cd->find(';', at) - at - 9);
      }
    }
  }
  if (auto slash = name.find_last_of("/\\"); slash != std::string::npos) name.erase(0, slash + 1);
  std::string out;
  for (char c : name)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  if (out.size() > 200) out.resize(200);
  if (out.empty() || out == "." || out == "..") return "<body>";
  return out;
}

json::array problems_json(const ImportResult& result) {
  json::array errors;
  for (const ImportProblem& e : result.problems)
    errors.push_back(json::object{{"source", e.source},
                                  {"line", e.line},
                                  {"asset", e.asset},
                                  {"path", e.path},
                                  {"reason", e.reason},
                                  {"text", e.text}});
  return errors;
}

// Nothing imported: 409 when conflicts were the only problems, else 400.
Response refused(const ImportResult& result) {
  const bool only_conflicts = result.conflict_count == result.problem_count;
  const ImportProblem& first = result.problems.front();
  std::string message =
      only_conflicts && result.problem_count == 1
          ? fmt::format("line {}: {}; nothing was imported", first.line, first.reason)
          : fmt::format("{} problem{} in the export; nothing was imported", result.problem_count,
                        result.problem_count == 1 ? "" : "s");
  return Response::json(only_conflicts ? 409 : 400,
                        json::object{{"message", std::move(message)},
                                     {"errorCount", result.problem_count},
                                     {"errors", problems_json(result)}});
}

Response import_project(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  Project p = c.domain.managed_project(u, req.params.at("id"));
  if (req.body_file.empty() || req.body_size == 0)
    throw HttpError(400, "the import body is empty: send an NDJSON, JSON or zip export");
  ImportOptions io;
  io.replace = flag_param(req, "replace");
  io.partial = flag_param(req, "partial");
  ImportResult result =
      import_exports(c.store, p.id, {ImportSource{req.body_file.string(), upload_name(req)}}, io);
  if (!result.committed) return refused(result);
  if (result.imported > 0) c.app.warmer().warm(p.id);  // the next run's export
  json::array warnings;
  for (const std::string& w : result.warnings)
    warnings.emplace_back(w);
  return Response::json(200, json::object{{"projectId", p.id},
                                          {"imported", result.imported},
                                          {"assets", c.store.count_assets(p.id)},
                                          {"repeatedExternalIds", result.repeated_external_ids},
                                          {"warnings", std::move(warnings)},
                                          {"replaced", io.replace},
                                          {"partial", io.partial},
                                          {"errorCount", result.problem_count},
                                          {"errors", problems_json(result)}});
}

}  // namespace

RouteTable import_routes(const RouteContext& c) {
  RouteOptions import_options;
  import_options.max_body = c.options.max_import_bytes;
  import_options.body_to_file = true;
  import_options.blocking = true;  // parses and stores the whole upload
  return {{"POST", "/api/projects/{id}/import", import_project, import_options}};
}

}  // namespace xport::hub::routes
