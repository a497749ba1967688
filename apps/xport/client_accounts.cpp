// The account operations of `xport client` (client_accounts.hpp). A key the hub makes is
// printed once, on a line of its own, so that scripts can take it with `tail -1`.
#include "client_accounts.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include "net/url.hpp"

namespace xport::cli::accounts {

namespace {

namespace json = boost::json;
using client::ApiClient;
using client::str;

template <class Human>
int answer(const ClientArgs& a, const json::value& v, Human human) {
  if (a.json)
    fmt::print("{}\n", json::serialize(v));
  else
    human(v.as_object());
  return 0;
}

std::string user_path(const std::string& id, const std::string& rest = {}) {
  return "/api/users/" + net::percent_encode(id) + rest;
}

std::string members_path(const ClientArgs& a, const std::string& rest = {}) {
  return "/api/projects/" + net::percent_encode(a.project) + "/members" + rest;
}

void print_user_row(const json::object& u) {
  fmt::print("{}  {:<8} {:<24} {}{}\n", str(u, "id"), str(u, "role"), str(u, "email"),
             str(u, "name"),
             u.contains("serverAdmin") && u.at("serverAdmin") == true ? "  (server admin)" : "");
}

}  // namespace

int org_create(const ApiClient& api, const ClientArgs& a) {
  json::object body{{"name", a.name},
                    {"admin", json::object{{"name", a.admin_name}, {"email", a.admin_email}}}};
  return answer(a, api.post("/api/organizations", body), [](const json::object& o) {
    const auto& org = o.at("organization").as_object();
    const auto& admin = o.at("admin").as_object();
    fmt::print("organization {} created: {}\n", str(org, "id"), str(org, "name"));
    fmt::print("its admin {} <{}>, API key (shown once):\n{}\n", str(admin, "name"),
               str(admin, "email"), str(admin, "apiKey"));
  });
}

int org_list(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.get("/api/organizations"), [](const json::object& o) {
    for (const auto& org : o.at("organizations").as_array())
      fmt::print("{}  {}\n", str(org.as_object(), "id"), str(org.as_object(), "name"));
  });
}

int user_add(const ApiClient& api, const ClientArgs& a) {
  json::object body{{"name", a.name}, {"email", a.email}, {"role", a.role}};
  return answer(a, api.post("/api/users", body), [](const json::object& u) {
    fmt::print("user {} added: {} <{}>, {}; API key (shown once):\n{}\n", str(u, "id"),
               str(u, "name"), str(u, "email"), str(u, "role"), str(u, "apiKey"));
  });
}

int user_list(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.get("/api/users"), [](const json::object& o) {
    for (const auto& u : o.at("users").as_array())
      print_user_row(u.as_object());
  });
}

int user_remove(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.call("DELETE", user_path(a.user)), [&](const json::object&) {
    fmt::print("user {} removed; their key no longer works\n", a.user);
  });
}

int user_rotate_key(const ApiClient& api, const ClientArgs& a) {
  // Without an id: the caller's own key (GET /api/me says whose it is).
  std::string id = a.user;
  if (id.empty()) id = str(api.get("/api/me").as_object(), "id");
  return answer(
      a, api.post(user_path(id, "/rotate-key"), json::object{}), [&](const json::object& o) {
        fmt::print("user {}: new API key (shown once; the old one stopped working):\n{}\n", id,
                   str(o, "apiKey"));
      });
}

int member_set(const ApiClient& api, const ClientArgs& a) {
  json::object body{{"role", a.role}};
  // An email or an id: whichever the user typed.
  body[a.user.find('@') != std::string::npos ? "email" : "userId"] = a.user;
  return answer(a, api.post(members_path(a), body), [&](const json::object& m) {
    fmt::print("{} <{}>: {} of project {}\n", str(m, "name"), str(m, "email"), str(m, "role"),
               a.project);
  });
}

int member_list(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.get(members_path(a)), [](const json::object& o) {
    const auto& members = o.at("members").as_array();
    if (members.empty()) fmt::print("no members (organization admins manage every project)\n");
    for (const auto& m : members)
      fmt::print("{}  {:<9} {:<24} {}\n", str(m.as_object(), "userId"), str(m.as_object(), "role"),
                 str(m.as_object(), "email"), str(m.as_object(), "name"));
  });
}

int member_remove(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.call("DELETE", members_path(a, "/" + net::percent_encode(a.user))),
                [&](const json::object&) {
                  fmt::print("user {} is no longer a member of project {}\n", a.user, a.project);
                });
}

void org_create_options(CLI::App& c, ClientArgs& a) {
  c.add_option("NAME", a.name, "The organization's name")->required();
  c.add_option("--admin-email", a.admin_email, "Its first admin's email")->required();
  c.add_option("--admin-name", a.admin_name, "Its first admin's name")->capture_default_str();
}

void user_add_options(CLI::App& c, ClientArgs& a) {
  c.add_option("NAME", a.name, "The user's name")->required();
  c.add_option("--email", a.email, "The user's email")->required();
  a.role = "member";
  c.add_option("--role", a.role, "admin or member")
      ->check(CLI::IsMember({"admin", "member"}))
      ->capture_default_str();
}

void user_arg(CLI::App& c, ClientArgs& a) {
  c.add_option("ID", a.user, "User id")->required();
}

void user_rotate_key_options(CLI::App& c, ClientArgs& a) {
  c.add_option("ID", a.user, "User id (default: yourself)");
}

void member_set_options(CLI::App& c, ClientArgs& a) {
  c.add_option("PROJECT", a.project, "Project id")->required();
  c.add_option("USER", a.user, "User id or email")->required();
  c.add_option("--role", a.role, "manager, annotator or reviewer")
      ->check(CLI::IsMember({"manager", "annotator", "reviewer"}))
      ->required();
}

void member_remove_options(CLI::App& c, ClientArgs& a) {
  c.add_option("PROJECT", a.project, "Project id")->required();
  c.add_option("USER", a.user, "User id")->required();
}

}  // namespace xport::cli::accounts
