// Another tenant's records answer exactly like unknown ones, on every route (issue 14, item
// 2): every registered route with a path parameter is called by a stranger with the ids of
// an organisation's records, then with ids nobody has, and the two answers must be the same
// 404 with the same message (the id aside). A route added later is walked too: the test
// fails for a pattern it has no id for. The same for a member of the organisation who is not
// a member of the project, on the project's and its runs' routes.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cctype>
#include <string>
#include <vector>

#include "hub/app/hub_process.hpp"
#include "hub/hub_core.hpp"
#include "hub/project_meta.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace xport::hub {
namespace {

struct Answer {
  int status = 0;
  std::string message;
};

// A path parameter as a test fills it: the route prefix it belongs to, Acme's id, and an id
// nobody has.
struct Param {
  std::string prefix;  // "/api/projects/" for "/api/projects/{id}..."; "" for any
  std::string name;    // "{id}"
  std::string real;
  std::string unknown;
};

class TenantIsolation : public ::testing::Test {
 protected:
  TenantIsolation() {
    Domain& d = hub_.core().domain();
    Store& store = hub_.core().store();
    const User root = *d.authenticate(root_key_);
    const User ann = d.create_organization(root, {"Acme", "Ann", "ann@acme.test"}).admin.user;
    // An admin of another organisation (not the server admin, who lists organisations).
    stranger_key_ = d.create_organization(root, {"Globex", "Gus", "gus@globex.test"}).admin.api_key;
    outsider_key_ = d.add_user(ann, {"", "Olga", "olga@acme.test", "member"}).api_key;
    const Project cats = d.create_project(ann, NewProject{"Cats", "image", {}, {}, ""});
    const Plugin plugin = d.create_plugin(ann, {"Formats", "Export", "", "{}", "", 1800}).plugin;
    store.create_storage({"st-acme", ann.org_id, "Results", "S3", "http://127.0.0.1:1", "b",
                          "us-east-1", "AK", "sealed", 1});
    std::int64_t rows = 0;
    store.import_assets(cats.id, false, [&](AssetRow& row) {
      if (rows++ > 0) return false;
      row.asset_id = "asset-acme";
      row.external_id = "cat.jpg";
      row.task_id = "task-acme";
      row.json_text = R"({"assetId":"asset-acme","externalId":"cat.jpg"})";
      return true;
    });
    const hub::Run run = d.start_run(ann, {cats.id, plugin.id, {}, {}, {}});
    d.mark_failed(run.session, "for a notification");
    const std::string notification = std::to_string(d.notifications(ann).at(0).id);
    params_ = {{"/api/projects/", "{id}", cats.id, "zz-unknown"},
               {"/api/plugins/", "{id}", plugin.id, "zz-unknown"},
               {"/api/storages/", "{id}", "st-acme", "zz-unknown"},
               {"/api/users/", "{id}", ann.id, "zz-unknown"},
               {"/api/organizations/", "{id}", ann.org_id, "zz-unknown"},
               {"/api/notifications/", "{id}", notification, "999999"},
               {"/api/runs/", "{session}", run.session, "zz-unknown"},
               {"/v2/project/", "{id}", cats.id, "zz-unknown"},
               {"/v2/task/", "{id}", "task-acme", "zz-unknown"},
               {"", "{user}", ann.id, "zz-unknown"}};
  }

  // The route's path with each parameter filled in (Acme's ids, or unknown ones). Empty when
  // the pattern has a parameter the table does not know.
  std::string path(const std::string& pattern, bool unknown) const {
    std::string out = pattern;
    for (const Param& p : params_) {
      const auto at = out.find(p.name);
      if (at != std::string::npos && out.rfind(p.prefix, 0) == 0)
        out.replace(at, p.name.size(), unknown ? p.unknown : p.real);
    }
    return out.find('{') == std::string::npos ? out : "";
  }

  // The message with Acme's ids swapped for the unknown ones: whole ids only (notification
  // "1" must not change the digits of a session).
  std::string with_unknown_ids(std::string message) const {
    auto is_id_char = [](char c) {
      return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
    };
    for (const Param& p : params_) {
      for (auto at = message.find(p.real); at != std::string::npos;
           at = message.find(p.real, at + 1)) {
        const auto end = at + p.real.size();
        if ((at > 0 && is_id_char(message[at - 1])) ||
            (end < message.size() && is_id_char(message[end])))
          continue;
        message.replace(at, p.real.size(), p.unknown);
      }
    }
    return message;
  }

  Answer call(const server::Router::Route& route, const std::string& path, const std::string& key) {
    auto m = hub_.server().router().match(route.method, path);
    EXPECT_EQ(m.status, 200) << route.method << " " << path;
    if (m.status != 200) return {};
    server::Request req;
    req.method = route.method;
    req.path = path;
    req.target = path;
    req.params = m.params;
    req.headers.emplace_back("apikey", key);
    req.body = body_for(route);
    server::Response res = m.route->handler(req);
    Answer a{res.status, ""};
    boost::system::error_code ec;
    auto v = boost::json::parse(res.body, ec);
    if (!ec && v.is_object() && v.as_object().contains("message"))
      a.message = std::string(v.as_object().at("message").as_string());
    return a;
  }

  // A body each writing route accepts, so that what answers is the lookup, not validation.
  static std::string body_for(const server::Router::Route& route) {
    const std::string& p = route.pattern;
    if (p.find("/members") != std::string::npos)
      return R"({"email":"olga@acme.test","role":"annotator"})";
    if (p.find("/issues/import") != std::string::npos) return "[]";
    if (p.find("/issues") != std::string::npos) return R"({"assetId":"asset-acme","content":"x"})";
    if (route.method == "PATCH") return R"({"timeoutSeconds":60})";
    return "{}";
  }

  // Every route with a path parameter that `selected` picks: the answer with Acme's ids must
  // be the 404 an unknown id gets, word for word once the ids are swapped. Returns how many.
  int expect_like_unknown(const std::string& key, bool (*selected)(const std::string&)) {
    int walked = 0;
    for (const server::Router::Route* route : hub_.server().router().routes()) {
      const std::string& pattern = route->pattern;
      if (pattern.find('{') == std::string::npos || !selected(pattern)) continue;
      const std::string real = path(pattern, false);
      if (real.empty()) {
        ADD_FAILURE() << pattern << ": the test has no id for this route's parameter";
        continue;
      }
      const Answer mine = call(*route, real, key);
      const Answer unknown = call(*route, path(pattern, true), key);
      EXPECT_EQ(mine.status, 404) << route->method << " " << real << ": " << mine.message;
      EXPECT_EQ(unknown.status, 404) << route->method << " " << pattern << ": " << unknown.message;
      EXPECT_EQ(with_unknown_ids(mine.message), unknown.message) << route->method << " " << pattern;
      ++walked;
    }
    return walked;
  }

  test::TempDir dir_;
  HubProcess hub_{[this] {
    HubProcessOptions o;
    o.data_dir = dir_.path();
    o.database.url = test::hub_database(dir_.path());
    return o;
  }()};
  std::string root_key_ = hub_.core().domain().bootstrap(dir_.path()).value().api_key;
  std::string stranger_key_;
  std::string outsider_key_;
  std::vector<Param> params_;
};

bool api_or_platform_record(const std::string& pattern) {
  // /objects and /upload are opened by signatures, not keys (signed_url_test, transfer tests).
  return pattern.rfind("/objects/", 0) != 0 && pattern.rfind("/upload/", 0) != 0;
}

bool project_scoped(const std::string& pattern) {
  for (const char* prefix : {"/api/projects/", "/api/runs/", "/v2/project/", "/v2/task/"})
    if (pattern.rfind(prefix, 0) == 0) return true;
  return false;
}

TEST_F(TenantIsolation, AnotherOrganizationsIdsAnswerLikeUnknownOnesOnEveryRoute) {
  EXPECT_GE(expect_like_unknown(stranger_key_, api_or_platform_record), 30);  // today's routes
}

TEST_F(TenantIsolation, ANonMemberSeesNothingOfTheProjectOnItsRoutes) {
  EXPECT_GE(expect_like_unknown(outsider_key_, project_scoped), 19);  // today's routes
}

}  // namespace
}  // namespace xport::hub
