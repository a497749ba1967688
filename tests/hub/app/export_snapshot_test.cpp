// GET /v2/export writes one zip per project revision and query, reuses it while the project
// does not change, and refuses (429) an organisation at its quota of live exports (issue 14,
// item 4; issue 15, item 1). In process: the routes are called through the router.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <string>

#include "hub/app/hub_process.hpp"
#include "hub/hub_core.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace xport::hub {
namespace {

class ExportSnapshots : public ::testing::Test {
 protected:
  ExportSnapshots() {
    const User admin = *hub_.core().domain().authenticate(key_);
    cats_ = hub_.core().domain().create_project(admin, NewProject{"Cats", "image", {}, {}, ""});
    dogs_ = hub_.core().domain().create_project(admin, NewProject{"Dogs", "image", {}, {}, ""});
    import(cats_.id, "a1");
  }

  void import(const std::string& project, const std::string& asset) {
    bool done = false;
    hub_.core().store().import_assets(project, false, [&](AssetRow& row) {
      if (done) return false;
      done = true;
      row.asset_id = asset;
      row.external_id = asset + ".jpg";
      row.json_text = R"({"assetId":")" + asset + R"(","externalId":")" + asset + R"(.jpg"})";
      return true;
    });
  }

  // GET /v2/export?project=..[&format=..]: the status, and the object key its link names
  // (or the error's body).
  std::pair<int, std::string> exported(const std::string& project, const std::string& format = {}) {
    auto m = hub_.server().router().match("GET", "/v2/export");
    server::Request req;
    req.method = "GET";
    req.path = "/v2/export";
    req.target = "/v2/export?project=" + project + (format.empty() ? "" : "&format=" + format);
    req.query.emplace("project", project);
    if (!format.empty()) req.query.emplace("format", format);
    req.params = m.params;
    req.headers.emplace_back("apikey", key_);
    server::Response res = m.route->handler(req);
    if (res.status != 200) return {res.status, res.body};
    const std::string url(boost::json::parse(res.body).at("data").at("exportPath").as_string());
    const auto at = url.find("/objects/") + 9;
    return {200, url.substr(at, url.find('?') - at)};
  }

  test::TempDir dir_;
  HubProcess hub_{[this] {
    HubProcessOptions o;
    o.data_dir = dir_.path();
    o.database.url = test::hub_database(dir_.path());
    o.app.export_quota_count = 3;
    return o;
  }()};
  std::string key_ = hub_.core().domain().bootstrap(dir_.path()).value().api_key;
  Project cats_, dogs_;
};

TEST_F(ExportSnapshots, TheSameQueryOfTheSameRevisionGetsTheSameZip) {
  const auto first = exported(cats_.id);
  ASSERT_EQ(first.first, 200) << first.second;
  EXPECT_EQ(exported(cats_.id), first);
  EXPECT_TRUE(hub_.core().objects().exists(first.second));
  // Another query is another export.
  const auto json = exported(cats_.id, "json");
  ASSERT_EQ(json.first, 200) << json.second;
  EXPECT_NE(json.second, first.second);
  // The project changes: a new zip, which has the new asset.
  import(cats_.id, "a2");
  const auto after = exported(cats_.id);
  ASSERT_EQ(after.first, 200);
  EXPECT_NE(after.second, first.second);
  EXPECT_EQ(exported(cats_.id), after);
}

TEST_F(ExportSnapshots, AnOrganizationAtItsQuotaGets429AndReusesWhatItHas) {
  ASSERT_EQ(exported(cats_.id).first, 200);
  ASSERT_EQ(exported(cats_.id, "json").first, 200);
  ASSERT_EQ(exported(dogs_.id).first, 200);
  const auto refused = exported(dogs_.id, "json");
  EXPECT_EQ(refused.first, 429);
  EXPECT_NE(refused.second.find("3 generated exports"), std::string::npos) << refused.second;
  EXPECT_NE(refused.second.find("quota is 3 exports"), std::string::npos) << refused.second;
  // What was generated is still handed out.
  EXPECT_EQ(exported(cats_.id).first, 200);
}

}  // namespace
}  // namespace xport::hub
