// The REST API of docs/api.md: projects (and import), plugins, runs, notifications.
#include <fmt/format.h>

#include <charconv>

#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/importer.hpp"
#include "hub/json_text.hpp"
#include "hub/project_meta.hpp"

namespace xport::hub {

using namespace detail;
using server::HttpError;
using server::Request;
using server::Response;
using server::RouteOptions;

namespace {

std::int64_t int_param(const Request& req, std::string_view name, std::int64_t fallback) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return fallback;
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size())
    throw HttpError(400, fmt::format("query parameter {} must be an integer", name));
  return out;
}

bool bool_param(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  return v && (*v == "true" || *v == "1" || *v == "yes");
}

// Config JSON arrives as text (what the user typed) or, for scripts, as a JSON object.
std::optional<std::string> config_text(const json::object& body, std::string_view key) {
  auto* v = body.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_object()) return json::serialize(*v);
  throw HttpError(400, "\"" + std::string(key) + "\" must be the Config JSON text (a string)");
}

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

}  // namespace

void HubApp::add_rest_routes() {
  server::Router& r = server_.router();
  Domain& d = core_.domain();
  Store& store = core_.store();

  // Run tokens are for the platform endpoints only.
  auto api_user = [this](const Request& req) {
    Caller c = authenticate(req);
    if (c.run) throw HttpError(403, "a run token only opens the /v2 endpoints of its run");
    return c.user;
  };

  auto run_json = [this, &d](const Request& req, const Run& run) {
    return run_to_json(d, run, base_url(req));  // app_internal.hpp: also the /ui `run` event
  };

  r.get("/api/me",
        guarded([api_user](Request& req) { return Response::json(200, to_json(api_user(req))); }));

  // Projects -------------------------------------------------------------------------------
  r.post("/api/projects", guarded([api_user, &d, &store](Request& req) {
           User u = api_user(req);
           json::object body = body_object(req);
           Project p = d.create_project(u, new_project(body));
           json::object o = to_json(p);
           o["assets"] = store.count_assets(p.id);
           return Response::json(201, o);
         }));
  r.get("/api/projects", guarded([api_user, &store](Request& req) {
          User u = api_user(req);
          json::array list;
          for (const Project& p : store.list_projects(u.org_id)) {
            json::object o = to_json(p);
            o["assets"] = store.count_assets(p.id);
            list.push_back(std::move(o));
          }
          return Response::json(200, json::object{{"projects", std::move(list)}});
        }));
  r.get("/api/projects/{id}", guarded([api_user, &d, &store](Request& req) {
          User u = api_user(req);
          Project p = d.project(u, req.params.at("id"));
          json::object o = to_json(p);
          o["assets"] = store.count_assets(p.id);
          return Response::json(200, o);
        }));

  // Import: the body (NDJSON, a JSON array, or a zip whose first entry is either) is streamed
  // to a file and imported by import_exports (hub/importer.hpp), the code `xport hub import`
  // runs: all or nothing in one transaction (or, with partial=true, the good assets kept);
  // the answer lists the problems with their lines, naming the upload as "<body>" or as the
  // file name the client gave (?name=, or Content-Disposition's filename) — never the
  // temporary file.
  RouteOptions import_options;
  import_options.max_body = options_.max_import_bytes;
  import_options.body_to_file = true;
  import_options.blocking = true;  // parses and stores the whole upload
  r.post("/api/projects/{id}/import", guarded([api_user, &d, &store](Request& req) {
           User u = api_user(req);
           Project p = d.project(u, req.params.at("id"));
           if (req.body_file.empty() || req.body_size == 0)
             throw HttpError(400, "the import body is empty: send an NDJSON, JSON or zip export");
           ImportOptions io;
           io.replace = bool_param(req, "replace");
           io.partial = bool_param(req, "partial");
           ImportResult result = import_exports(
               store, p.id, {ImportSource{req.body_file.string(), upload_name(req)}}, io);
           json::array errors;
           for (const ImportProblem& e : result.problems)
             errors.push_back(json::object{{"source", e.source},
                                           {"line", e.line},
                                           {"asset", e.asset},
                                           {"path", e.path},
                                           {"reason", e.reason},
                                           {"text", e.text}});
           if (!result.committed) {
             const bool only_conflicts = result.conflict_count == result.problem_count;
             const ImportProblem& first = result.problems.front();
             std::string message =
                 only_conflicts && result.problem_count == 1
                     ? fmt::format("line {}: {}; nothing was imported", first.line, first.reason)
                     : fmt::format("{} problem{} in the export; nothing was imported",
                                   result.problem_count, result.problem_count == 1 ? "" : "s");
             return Response::json(only_conflicts ? 409 : 400,
                                   json::object{{"message", std::move(message)},
                                                {"errorCount", result.problem_count},
                                                {"errors", std::move(errors)}});
           }
           json::array warnings;
           for (const std::string& w : result.warnings)
             warnings.emplace_back(w);
           return Response::json(200,
                                 json::object{{"projectId", p.id},
                                              {"imported", result.imported},
                                              {"assets", store.count_assets(p.id)},
                                              {"repeatedExternalIds", result.repeated_external_ids},
                                              {"warnings", std::move(warnings)},
                                              {"replaced", io.replace},
                                              {"partial", io.partial},
                                              {"errorCount", result.problem_count},
                                              {"errors", std::move(errors)}});
         }),
         import_options);

  // Plugins --------------------------------------------------------------------------------
  auto plugin_json = [this](const Plugin& p) {
    json::object o = to_json(p);
    o["onlineInstances"] = dispatcher_->online_instances(p);
    o["connector"] = p.rest_url.empty() ? "ws" : "rest";
    return o;
  };
  r.post("/api/plugins", guarded([api_user, &d, plugin_json](Request& req) {
           User u = api_user(req);
           json::object body = body_object(req);
           NewPlugin np;
           np.name = str_field(body, "name", true);
           if (auto t = str_field(body, "type"); !t.empty()) np.type = t;
           np.description = str_field(body, "description");
           np.default_config = config_text(body, "defaultConfig").value_or("{}");
           np.rest_url = str_field(body, "restUrl");
           if (const json::value* t = body.if_contains("timeoutSeconds"); t && !t->is_null()) {
             if (!t->is_int64()) throw HttpError(400, "\"timeoutSeconds\" must be an integer");
             np.timeout_seconds = t->get_int64();
           }
           CreatedPlugin created = d.create_plugin(u, np);
           json::object o = plugin_json(created.plugin);
           o["secret"] = created.secret;
           return Response::json(201, o);
         }));
  r.get("/api/plugins", guarded([api_user, &store, plugin_json](Request& req) {
          User u = api_user(req);
          json::array list;
          for (const Plugin& p : store.list_plugins(u.org_id))
            list.push_back(plugin_json(p));
          return Response::json(200, json::object{{"plugins", std::move(list)}});
        }));
  r.get("/api/plugins/{id}", guarded([api_user, &d, plugin_json](Request& req) {
          User u = api_user(req);
          Plugin p = d.plugin(u, req.params.at("id"));
          json::object o = plugin_json(p);
          if (u.role == "admin" && u.org_id == p.org_id) o["secret"] = d.reveal_secret(u, p.id);
          return Response::json(200, o);
        }));
  // PATCH /api/plugins/{id} {"timeoutSeconds": N}: how long a dispatched run may go unanswered.
  r.add("PATCH", "/api/plugins/{id}", guarded([api_user, &d, plugin_json](Request& req) {
          User u = api_user(req);
          json::object body = body_object(req);
          const json::value* t = body.if_contains("timeoutSeconds");
          if (!t || !t->is_int64())
            throw HttpError(400, "send {\"timeoutSeconds\": N}, N a whole number of seconds");
          return Response::json(
              200, plugin_json(d.set_plugin_timeout(u, req.params.at("id"), t->get_int64())));
        }));
  r.post("/api/plugins/{id}/secret", guarded([this, api_user, &d](Request& req) {
           User u = api_user(req);
           const std::string id = req.params.at("id");
           std::string secret = d.regenerate_secret(u, id);
           // Instances that logged in with the old secret must log in again.
           dispatcher_->drop_plugin(id, false);
           return Response::json(200, json::object{{"id", id}, {"secret", secret}});
         }));
  r.del("/api/plugins/{id}", guarded([this, api_user, &d](Request& req) {
          User u = api_user(req);
          const std::string id = req.params.at("id");
          d.delete_plugin(u, id);
          dispatcher_->drop_plugin(id, true);
          return Response::json(200, json::object{{"id", id}, {"deleted", true}});
        }));

  // Runs -----------------------------------------------------------------------------------
  r.post("/api/runs", guarded([this, api_user, &d, run_json](Request& req) {
           User u = api_user(req);
           json::object body = body_object(req);
           StartRun s;
           s.project_id = str_field(body, "project", true);
           s.plugin_id = str_field(body, "plugin", true);
           s.config_json = config_text(body, "config");
           if (auto st = str_field(body, "stage"); !st.empty()) s.stage = st;
           s.batches = str_list(body, "batches");
           Run run = d.start_run(u, s);
           dispatcher_->submit(run);
           if (auto now = d.store().get_run(run.session)) run = *now;
           return Response::json(201, run_json(req, run));
         }));
  r.get("/api/runs", guarded([api_user, &d, &store, run_json](Request& req) {
          User u = api_user(req);
          RunQuery q;
          if (auto p = req.query_param("project"); p && !p->empty()) {
            d.project(u, *p);
            q.project_id = *p;
          } else {
            q.user_id = u.id;
          }
          if (auto p = req.query_param("plugin"); p && !p->empty()) q.plugin_id = *p;
          if (auto s = req.query_param("state"); s && !s->empty()) {
            try {
              q.states.push_back(run_state_from_string(*s));
            } catch (const std::invalid_argument&) {
              throw HttpError(400, "unknown run state \"" + *s + "\"");
            }
          }
          q.limit = std::clamp<std::int64_t>(int_param(req, "limit", 100), 1, 1000);
          json::array list;
          for (const Run& run : store.list_runs(q))
            list.push_back(run_json(req, run));
          return Response::json(200, json::object{{"runs", std::move(list)}});
        }));
  r.get("/api/runs/{session}", guarded([api_user, &d, run_json](Request& req) {
          User u = api_user(req);
          return Response::json(200, run_json(req, d.run(u, req.params.at("session"))));
        }));
  r.get("/api/runs/{session}/logs", guarded([api_user, &d, &store](Request& req) {
          User u = api_user(req);
          Run run = d.run(u, req.params.at("session"));
          json::array list;
          for (const RunLog& l :
               store.list_logs(run.session, int_param(req, "after", 0),
                               std::clamp<std::int64_t>(int_param(req, "limit", 1000), 1, 10000)))
            list.push_back(to_json(l));
          return Response::json(200,
                                json::object{{"session", run.session}, {"logs", std::move(list)}});
        }));
  r.post("/api/runs/{session}/cancel", guarded([this, api_user, &d, run_json](Request& req) {
           User u = api_user(req);
           const std::string session = req.params.at("session");
           if (!d.cancel(u, session)) {
             Run run = d.run(u, session);
             throw HttpError(409,
                             "run " + session + " is already " + std::string(to_string(run.state)));
           }
           dispatcher_->forget(session);
           return Response::json(200, run_json(req, d.run(u, session)));
         }));
  r.get("/api/runs/{session}/download", guarded([this, api_user, &d](Request& req) {
          User u = api_user(req);
          Run run = d.run(u, req.params.at("session"));
          if (run.state != RunState::succeeded)
            throw HttpError(409, "run " + run.session + " is " + std::string(to_string(run.state)) +
                                     (run.message.empty() ? "" : ": " + run.message) +
                                     "; there is nothing to download");
          const std::string url = base_url(req) + d.download_link(run);
          if (bool_param(req, "redirect")) {
            Response res = Response::json(302, json::object{{"url", url}});
            res.headers.emplace_back("Location", url);
            return res;
          }
          return Response::json(200, json::object{{"session", run.session}, {"url", url}});
        }));

  // Notifications --------------------------------------------------------------------------
  r.get("/api/notifications", guarded([this, api_user, &d](Request& req) {
          User u = api_user(req);
          const std::string base = base_url(req);
          json::array list;
          for (const Notification& n :
               d.notifications(u, bool_param(req, "unread"),
                               std::clamp<std::int64_t>(int_param(req, "limit", 100), 1, 1000))) {
            list.push_back(json::object{{"id", n.id},
                                        {"session", n.session},
                                        {"kind", n.kind},
                                        {"text", n.text},
                                        {"link", n.link},
                                        {"url", base + n.link},
                                        {"read", n.read},
                                        {"createdAt", n.created_at}});
          }
          return Response::json(200, json::object{{"notifications", std::move(list)}});
        }));
  r.post("/api/notifications/read-all", guarded([api_user, &d](Request& req) {
           User u = api_user(req);
           return Response::json(200, json::object{{"marked", d.mark_all_read(u)}});
         }));
  r.post("/api/notifications/{id}/read", guarded([api_user, &d](Request& req) {
           User u = api_user(req);
           std::int64_t id = 0;
           const std::string& text = req.params.at("id");
           auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
           if (ec != std::errc() || end != text.data() + text.size())
             throw HttpError(404, "no notification " + text);
           if (!d.mark_read(u, id)) throw HttpError(404, "no notification " + text);
           return Response::json(200, json::object{{"id", id}, {"read", true}});
         }));
}

}  // namespace xport::hub
