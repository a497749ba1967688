// What xport::Platform puts on the wire, read back from the aiohttp test server's /platform
// echo (tests/support/http_test_server.py): paths, query strings byte for byte, and headers,
// as the newest Python SDK sends them (protocol.md §6.1).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "support/net_test_server.hpp"
#include "xport/platform.hpp"

namespace xport {
namespace {

namespace json = boost::json;

class PlatformRequests : public test::SharedTestServerTest {
 protected:
  static Platform platform(const std::string& project = "p1") {
    return Platform(server_->url("http", "/platform"), "k1", project);
  }
  // The echo a record carries in its `json`.
  static json::object echo(const std::string& record_json) {
    return json::parse(record_json).as_object();
  }
  static std::string header(const json::object& echo, const char* name) {
    const json::object& h = echo.at("headers").as_object();
    return h.contains(name) ? std::string(h.at(name).as_string()) : "(absent)";
  }
};

TEST_F(PlatformRequests, ProjectAndTaskGetsCarryTheKeyAndAJsonContentType) {
  json::object p = echo(platform().project().json);
  EXPECT_EQ(p["path"], "/platform/v2/project/p1");
  EXPECT_EQ(p["query_string"], "");
  EXPECT_EQ(header(p, "apikey"), "k1");
  EXPECT_EQ(header(p, "Content-Type"), "application/json");
  EXPECT_EQ(echo(platform().project("a/b").json)["raw_path"], "/platform/v2/project/a%2Fb");

  json::object t = echo(platform().task("t1").json);
  EXPECT_EQ(t["path"], "/platform/v2/task/t1");
  EXPECT_EQ(t["query_string"], "includeAnswer=False");
  EXPECT_EQ(header(t, "Content-Type"), "application/json");
  json::object h = echo(platform().task_history("t1").at(0).json);
  EXPECT_EQ(h["path"], "/platform/v2/task/t1/history");
  EXPECT_EQ(h["query_string"], "");
  json::object l = echo(platform().list_projects(3, 7).items.at(0).json);
  EXPECT_EQ(l["path"], "/platform/v2/listProjects");
  EXPECT_EQ(l["query_string"], "page=3&limit=7");
}

TEST_F(PlatformRequests, AssetsAlwaysSendFiltersAsPercentEncodedJson) {
  Page<Asset> none = platform().assets();
  EXPECT_EQ(none.total, 1);
  json::object a = echo(none.items.at(0).json);
  EXPECT_EQ(a["path"], "/platform/v2/project/p1/assets");
  // raw_path: the request target as sent (query_string is decoded).
  EXPECT_EQ(a["raw_path"], "/platform/v2/project/p1/assets?page=1&limit=10&filters=%7B%7D");
  EXPECT_EQ(header(a, "Content-Type"), "application/json");

  a = echo(platform().assets(2, 50, {"a1", "x y", {"b1"}}).items.at(0).json);
  EXPECT_EQ(
      a["raw_path"],
      "/platform/v2/project/p1/"
      "assets?page=2&limit=50&filters=%7B%22_id%22%3A%22a1%22%2C%22externalId%22%3A%22x%20y%22%2C"
      "%22batches%22%3A%5B%22b1%22%5D%7D");
  EXPECT_EQ(a["query"].as_object()["filters"],
            R"({"_id":"a1","externalId":"x y","batches":["b1"]})");
}

TEST_F(PlatformRequests, TasksSendIncludeAnswerAndAFilterOnlyWhenThereIsOne) {
  json::object t = echo(platform().tasks().items.at(0).json);
  EXPECT_EQ(t["path"], "/platform/v2/project/p1/tasks");
  EXPECT_EQ(t["query_string"], "page=1&limit=10&includeAnswer=false");
  t = echo(platform().tasks(1, 5, {"TODO", "r2", {}}).items.at(0).json);
  EXPECT_EQ(t["query"].as_object()["filter"], R"({"status":"TODO","stage":"r2"})");
}

TEST_F(PlatformRequests, StoragesSendTheKeyOnly) {
  json::object s = echo(platform().storages().at(0).json);
  EXPECT_EQ(s["path"], "/platform/v2/storages");
  EXPECT_EQ(s["query_string"], "");
  EXPECT_EQ(header(s, "apikey"), "k1");
  EXPECT_EQ(header(s, "Content-Type"), "(absent)");
  auto one = platform().storage("s9");
  ASSERT_TRUE(one.has_value());
  EXPECT_EQ(one->id, "s9");
  EXPECT_EQ(echo(one->json)["query_string"], "_id=s9");
}

TEST_F(PlatformRequests, IssuesAskForTheIssueExportWithoutAStage) {
  std::vector<Issue> issues = platform().issues();
  ASSERT_EQ(issues.size(), 1u);
  json::object e = echo(issues[0].content);  // the export request, carried through the zip
  EXPECT_EQ(e["path"], "/platform/v2/export");
  EXPECT_EQ(e["query"], json::parse(R"({"sendEmail":"false","includeMetadata":"true",
      "includeHistory":"true","doNotNotify":"true","format":"json","type":"issue",
      "includeOnlyKeyFrames":"false","includeIdleBlurDurations":"false",
      "taskTypes":"[\"default\"]","project":"p1"})"));
  EXPECT_EQ(header(e, "apikey"), "k1");
  EXPECT_EQ(header(e, "Content-Type"), "(absent)");
}

TEST_F(PlatformRequests, AnErrorCarriesTheEndpointStatusAndMessage) {
  Platform wrong(server_->url("http", "/nowhere"), "k1", "p1");
  try {
    wrong.project();
    ADD_FAILURE() << "no PlatformError";
  } catch (const PlatformError& e) {
    EXPECT_EQ(e.endpoint(), "GET /v2/project/p1");
    EXPECT_EQ(e.status(), 404);
    EXPECT_EQ(e.message(), "404: Not Found");
    EXPECT_STREQ(e.what(), "GET /v2/project/p1 answered 404: 404: Not Found");
  }
  // For one storage, a 404 is the answer "there is none".
  EXPECT_FALSE(wrong.storage("s1").has_value());
}

}  // namespace
}  // namespace xport
