// The caller's own resources (docs/api.md): who they are, and their notifications; and the
// hub's health, for load balancers.
#include <algorithm>
#include <charconv>

#include "hub/app/api_params.hpp"
#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/route_table.hpp"

namespace xport::hub::routes {

namespace {

Response me(const RouteContext& c, Request& req) {
  const User u = c.app.api_user(req);
  json::object o = to_json(u);
  // What the UI shows: the Organization page's admin tools, Settings -> Plugins.
  o["canUsePlugins"] = c.domain.may_use_plugins(u);
  return Response::json(200, std::move(o));
}

Response list_notifications(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  const std::string base = c.app.base_url(req);
  json::array list;
  for (const Notification& n :
       c.domain.notifications(u, flag_param(req, "unread"),
                              std::clamp<std::int64_t>(int_param(req, "limit", 100), 1, 1000))) {
    list.push_back(json::object{{"id", n.id},
                                {"session", n.session},
                                {"kind", n.kind},
                                {"text", n.text},
                                {"link", n.link},
                                {"url", detail::absolute_link(base, n.link)},
                                {"read", n.read},
                                {"createdAt", n.created_at}});
  }
  return Response::json(200, json::object{{"notifications", std::move(list)}});
}

Response mark_all_read(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  return Response::json(200, json::object{{"marked", c.domain.mark_all_read(u)}});
}

Response mark_read(const RouteContext& c, Request& req) {
  User u = c.app.api_user(req);
  std::int64_t id = 0;
  const std::string& text = req.params.at("id");
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || end != text.data() + text.size())
    throw HttpError(404, "no notification " + text);
  if (!c.domain.mark_read(u, id)) throw HttpError(404, "no notification " + text);
  return Response::json(200, json::object{{"id", id}, {"read", true}});
}

// GET /healthz, for load balancers and supervisors: 200 when this hub serves and its database
// answers, 503 (with the reason) when the database does not. No key needed; says nothing else.
Response healthz(const RouteContext& c, Request&) {
  try {
    c.store.count_users();
  } catch (const std::exception& e) {
    return Response::json(503, json::object{{"status", "unavailable"}, {"message", e.what()}});
  }
  return Response::json(200, json::object{{"status", "ok"}});
}

}  // namespace

RouteTable account_routes(const RouteContext&) {
  return {
      {"GET", "/healthz", healthz},
      {"GET", "/api/me", me},
      {"GET", "/api/notifications", list_notifications},
      {"POST", "/api/notifications/read-all", mark_all_read},
      {"POST", "/api/notifications/{id}/read", mark_read},
  };
}

}  // namespace xport::hub::routes
