// Runs (docs/api.md): started on a project with a plugin, listed, followed (logs), cancelled,
// and downloaded once they succeeded.
#include <algorithm>

#include "hub/app/api_params.hpp"
#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/route_table.hpp"

namespace xport::hub::routes {

namespace {

// As GET /api/runs/{session} shows a run (app_internal.hpp: also the /ui `run` event).
json::object run_json(const RouteContext& c, const Request& req, const Run& run,
                      RunNames* names = nullptr) {
  return run_to_json(c.domain, run, c.app.base_url(req), names);
}

Response start_run(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  json::object body = body_object(req);
  StartRun s;
  s.project_id = str_field(body, "project", true);
  s.plugin_id = str_field(body, "plugin", true);
  s.config_json = config_text(body, "config");
  if (auto st = str_field(body, "stage"); !st.empty()) s.stage = st;
  s.batches = str_list(body, "batches");
  Run run = c.domain.start_run(u, s);
  c.app.dispatcher().submit(run);
  if (auto now = c.store.get_run(run.session)) run = *now;
  return Response::json(201, run_json(c, req, run));
}

RunQuery run_query(const RouteContext& c, const Request& req, const User& u) {
  RunQuery q;
  if (auto p = req.query_param("project"); p && !p->empty()) {
    c.domain.project(u, *p);  // 404 for a project the caller cannot see
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
  return q;
}

Response list_runs(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  RunNames names(c.domain);
  return listing("runs", c.store.list_runs(run_query(c, req, u)),
                 [&](const Run& run) { return run_json(c, req, run, &names); });
}

Response get_run(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  return Response::json(200, run_json(c, req, c.domain.run(u, req.params.at("session"))));
}

Response run_logs(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  Run run = c.domain.run(u, req.params.at("session"));
  json::array list;
  for (const RunLog& l :
       c.store.list_logs(run.session, int_param(req, "after", 0),
                         std::clamp<std::int64_t>(int_param(req, "limit", 1000), 1, 10000)))
    list.push_back(to_json(l));
  return Response::json(200, json::object{{"session", run.session}, {"logs", std::move(list)}});
}

Response cancel_run(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  const std::string session = req.params.at("session");
  if (!c.domain.cancel(u, session)) {
    Run run = c.domain.run(u, session);
    throw HttpError(409, "run " + session + " is already " + std::string(to_string(run.state)));
  }
  c.app.dispatcher().forget(session);
  return Response::json(200, run_json(c, req, c.domain.run(u, session)));
}

Response download_run(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  Run run = c.domain.run(u, req.params.at("session"));
  if (run.state != RunState::succeeded)
    throw HttpError(409, "run " + run.session + " is " + std::string(to_string(run.state)) +
                             (run.message.empty() ? "" : ": " + run.message) +
                             "; there is nothing to download");
  const std::string url = detail::absolute_link(c.app.base_url(req), c.domain.download_link(run));
  if (flag_param(req, "redirect")) {
    Response res = Response::json(302, json::object{{"url", url}});
    res.headers.emplace_back("Location", url);
    return res;
  }
  return Response::json(200, json::object{{"session", run.session}, {"url", url}});
}

}  // namespace

RouteTable run_routes(const RouteContext&) {
  return {
      {"POST", "/api/runs", start_run},
      {"GET", "/api/runs", list_runs},
      {"GET", "/api/runs/{session}", get_run},
      {"GET", "/api/runs/{session}/logs", run_logs},
      {"POST", "/api/runs/{session}/cancel", cancel_run},
      {"GET", "/api/runs/{session}/download", download_run},
  };
}

}  // namespace xport::hub::routes
