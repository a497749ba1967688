// The platform's read API and the SDK quirks (protocol.md §6, §6.1) against `xport hub` on
// 127.0.0.1: a project declared with stages and batches, an export imported that mixes v2
// and v3 rows, two assets sharing an external id, unicode, stage histories, batches and odd
// number spellings; then every /v2 call the platform's plugins make, with the parameters
// the SDK generations really send, and the round trip import → /v2/export.
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "background_process.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "test_database.hpp"
#include "zip_entries.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

// The export: each line exactly as it must come back.
// clang-format off
const std::vector<std::string> kLines = {
    R"aaf({"asset":"https://x.test/a/dup.png","assetId":"as-1","externalId":"dup.png","metadata":{"width":640,"height":480},"batches":["Night"],"task":{"taskId":"t-1","stage":"Label","stageId":"st-label","updatedAt":"2024-01-02T00:00:00.000Z","tools":[{"bounding-box":{"x":1.50,"y":2,"width":3,"height":4},"objectId":"o1","schemaId":"sc-car","title":"Car","classifications":[{"schemaId":"sc-col","title":"Colour","tool":"radio","answer":"Red"}]}],"classifications":[],"relations":[],"stageHistory":[{"stage":"Start","stageId":"Start","completedAt":"2024-01-01T00:00:00.000Z","completedBy":"ann@x.test","duration":1000,"tools":[],"classifications":[],"relations":[]}]}})aaf",
    R"aaf({"asset":"https://x.test/b/dup.png","assetId":"as-2","externalId":"dup.png","metadata":{"width":1e3,"height":480},"batches":["Day","Night"],"task":{"taskId":"t-2","stage":"Complete","stageId":"Complete","updatedAt":"2024-01-05T00:00:00.000Z","tools":[],"classifications":[{"schemaId":"sc-weather","title":"Weather","tool":"checkbox","answer":["Sunny","Dry"]}],"relations":[],"stageHistory":[{"stage":"Start","stageId":"Start","completedAt":"2024-01-01T00:00:00.000Z","completedBy":"ann@x.test","duration":1000,"tools":[],"classifications":[],"relations":[]},{"stage":"Label","stageId":"st-label","completedAt":"2024-01-03T00:00:00.000Z","completedBy":"bob@x.test","duration":2000.50,"tools":[],"classifications":[],"relations":[]},{"stage":"Review","stageId":"st-review","completedAt":"2024-01-04T00:00:00.000Z","completedBy":"rui@x.test","duration":300,"reviewStatus":"Accepted","tools":[],"classifications":[],"relations":[]}]}})aaf",
    R"aaf({"asset":"https://x.test/c/u.jpg","externalId":"ünïcødé €.jpg","metadata":{},"batches":[],"tasks":[{"taskId":"t-3","status":"Completed","completedBy":"carl@x.test","completedAt":"2024-01-06T00:00:00.000Z","duration(ms)":5,"objects":[],"classifications":[],"relations":[]}]})aaf",
    R"aaf({"asset":"https://x.test/d.png","dataId":"data-4","externalId":"d.png","batches":null,"task":{"taskId":"t-4","stage":"Complete","stageId":"Complete","tools":[],"classifications":[],"relations":[],"stageHistory":[]}})aaf",
};
// clang-format on

const char* kIssues = R"([
  {"_id":"is-1","asset":{"externalId":"d.png","batches":[]},"labelTask":"t-4","stage":"Complete",
   "stageId":"Complete","createdBy":"rui@x.test","createdAt":"2024-01-07T00:00:00.000Z","page":0,
   "pageEnd":0,"status":"Open","errorType":"Wrong class","errorCode":"E1","content":"not a car",
   "comments":[{"createdBy":"ann@x.test","content":"fixing"}],"position":"[10, 20]","objectId":"o1"},
  {"_id":"is-2","asset":{"externalId":"dup.png"},"status":"Resolved","content":"which one?"}
])";

// A generated export of `n` assets: v2 and v3 rows in turn, every 7th asset named like the one
// before it (another folder, its own assetId), unicode names, stage histories, batches,
// multi-page assets with tools on their pages, numbers spelled as exporters spell them.
std::vector<std::string> generated_export(int n) {
  std::vector<std::string> lines;
  std::string previous_name;
  for (int i = 0; i < n; ++i) {
    const std::string k = std::to_string(i);
    std::string name =
        i % 7 == 6 ? previous_name : "frame_" + k + (i % 5 == 0 ? "_ç🚗.png" : ".png");
    previous_name = name;
    const std::string url = "https://x.test/f" + std::to_string(i % 3) + "/" + name;
    const std::string batches = i % 4 == 0   ? R"g(["Night"])g"
                                : i % 4 == 1 ? R"g(["Day","Night"])g"
                                             : "[]";
    if (i % 2 == 0) {
      lines.push_back(
          R"g({"asset":")g" + url + R"g(","assetId":"gen-)g" + k + R"g(","externalId":")g" + name +
          R"g(","dataset":["https://x.test/p1.png","https://x.test/p2.png"],)g" +
          R"g("metadata":{"width":1.92e3,"height":1080},"batches":)g" + batches +
          R"g(,"task":{"taskId":"gt-)g" + k +
          R"g(","stage":"Complete","stageId":"Complete","tools":[{"bounding-box":{"x":)g" + k +
          R"g(.250,"y":0,"width":10,"height":-5},"objectId":"o)g" + k +
          R"g(","schemaId":"sc-car","title":"Car","page":1,"classifications":[]}],)g" +
          R"g("classifications":[],"relations":[],"stageHistory":[{"stage":"Label",)g" +
          R"g("stageId":"st-label","completedAt":"2024-02-01T00:00:00.000Z",)g" +
          R"g("completedBy":"ann@x.test","duration":)g" + std::to_string(100 + i) +
          R"g(,"tools":[],"classifications":[],"relations":[]}]}})g");
    } else {
      lines.push_back(R"g({"asset":")g" + url + R"g(","externalId":")g" + name +
                      R"g(","metadata":{"width":640,"height":480},"batches":)g" + batches +
                      R"g(,"tasks":[{"taskId":"gt-)g" + k +
                      R"g(","status":"Completed","completedBy":"bob@x.test","duration(ms)":1E2,)g" +
                      R"g("objects":[],"classifications":[],"relations":[]}]})g");
    }
  }
  return lines;
}

class PlatformRead : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("xport-platform-read-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    hub_ = std::make_unique<BackgroundProcess>(
        "hub",
        test::hub_argv({XPORT_BINARY, "hub", "--data-dir", (dir_ / "data").string(), "--listen",
                        "127.0.0.1:0"}),
        dir_);
    key_ = hub_->wait_for_output("admin API key: (\\S+)");
    base_ = hub_->wait_for_output("xport hub listening on (http://\\S+)");
    auto p = ok(
        call(
            "POST", "/api/projects",
            R"({"name":"Streets","stages":[{"name":"Label"},{"name":"Review","type":"Review"}],"batches":["Night","Day"]})"),
        201);
    project_ = p.at("id").as_string().c_str();
    std::string body;
    for (const auto& l : kLines)
      body += l + "\n";
    auto imported = ok(call("POST", "/api/projects/" + project_ + "/import", body));
    ASSERT_EQ(imported.at("imported").as_int64(), 4) << json::serialize(imported);
    EXPECT_EQ(imported.at("repeatedExternalIds").as_int64(), 1);
    auto issues = ok(call("POST", "/api/projects/" + project_ + "/issues/import", kIssues));
    EXPECT_EQ(issues.at("imported").as_int64(), 2);
    other_ =
        ok(call("POST", "/api/projects", R"({"name":"Other"})"), 201).at("id").as_string().c_str();
  }
  static void TearDownTestSuite() {
    if (hub_) {
      hub_->signal(SIGTERM);
      hub_->wait_exit(15s);
      hub_.reset();
    }
    fs::remove_all(dir_);
  }

  static net::HttpResponse call(const std::string& method, const std::string& path,
                                std::string body = {}, const std::string& key = key_) {
    net::ClientOptions o;
    o.connect_timeout = 5s;
    o.idle_timeout = 30s;
    net::HttpClient client(o);
    net::Request r;
    r.method = method;
    r.url = path.rfind("http", 0) == 0 ? path : base_ + path;
    if (!key.empty()) r.headers.emplace_back("apikey", key);
    // The newest SDK adds Content-Type to its GETs of project and task calls: no difference.
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = std::move(body);
    return client.request(r);
  }
  static json::object ok(const net::HttpResponse& res, int status = 200) {
    EXPECT_EQ(res.status, status) << res.body;
    boost::system::error_code ec;
    json::value v = json::parse(res.body, ec);
    return !ec && v.is_object() ? v.get_object() : json::object{};
  }
  static json::object data(const std::string& path) {
    json::object o = ok(call("GET", path));
    return o.contains("data") ? o.at("data").as_object() : json::object{};
  }
  // The first entry of the zip an exportPath points to.
  static std::string exported(const std::string& query) { return exported_of(project_, query); }
  static std::string exported_of(const std::string& project, const std::string& query) {
    json::object d = data("/v2/export?project=" + project + query);
    if (!d.contains("exportPath")) return "<no exportPath>";
    fs::path file = dir_ / "export.zip";
    net::HttpClient().download(std::string(d.at("exportPath").as_string()), {}, file);
    auto entries = zip_entries(file);
    return entries.empty() ? "<empty zip>" : entries.begin()->second;
  }
  static std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string l; std::getline(in, l);)
      if (!l.empty()) out.push_back(l);
    return out;
  }
  static std::string field(const json::value& v, const char* key) {
    const json::value* f = v.as_object().if_contains(key);
    return f && f->is_string() ? std::string(f->as_string()) : std::string();
  }

  static inline fs::path dir_;
  static inline std::unique_ptr<BackgroundProcess> hub_;
  static inline std::string base_, key_, project_, other_;
};

TEST_F(PlatformRead, ImportThenExportGivesBackEveryAssetAsImported) {
  // Key order, number spelling (1e3, 1.50, 2000.50), unicode, null batches: unchanged, and
  // both assets named dup.png are there.
  EXPECT_EQ(lines_of(exported("&format=ndjson")), kLines);
  // Importing that export into another project gives the same again.
  ok(call("POST", "/api/projects/" + other_ + "/import", exported("&format=ndjson")));
  json::object d = data("/v2/export?project=" + other_ + "&format=ndjson");
  fs::path file = dir_ / "again.zip";
  net::HttpClient().download(std::string(d.at("exportPath").as_string()), {}, file);
  EXPECT_EQ(lines_of(zip_entries(file).begin()->second), kLines);
  // A second import of the same export is refused per asset id, a --replace one keeps it.
  EXPECT_EQ(call("POST", "/api/projects/" + other_ + "/import", exported("")).status, 409);
  auto replaced =
      ok(call("POST", "/api/projects/" + other_ + "/import?replace=true", exported("")));
  EXPECT_EQ(replaced.at("assets").as_int64(), 4);
}

TEST_F(PlatformRead, ProjectHasItsWorkflowBatchesAndLearnedOntology) {
  json::object p = data("/v2/project/" + project_).at("project").as_object();
  EXPECT_EQ(field(p, "_id"), project_);
  EXPECT_EQ(field(p, "name"), "Streets");
  EXPECT_EQ(field(p, "type"), "image");
  std::vector<std::string> stages;
  double last_x = -1;
  for (const auto& s : p.at("stages").as_array()) {
    stages.push_back(field(s, "name") + ":" + field(s, "type"));
    double x = s.at("position").at("x").to_number<double>();
    EXPECT_GT(x, last_x);  // plugins order stages by position.x
    last_x = x;
    EXPECT_FALSE(field(s, "id").empty());
  }
  EXPECT_EQ(stages, (std::vector<std::string>{"Start:Start", "Label:Label", "Review:Review",
                                              "Complete:Complete"}));
  EXPECT_EQ(field(p.at("stages").as_array().front(), "id"), "Start");
  EXPECT_EQ(field(p.at("stages").as_array().back(), "id"), "Complete");
  std::vector<std::string> batches;
  for (const auto& b : p.at("batches").as_array())
    batches.push_back(field(b, "name") + (field(b, "_id").empty() ? ":no id" : ""));
  EXPECT_EQ(batches, (std::vector<std::string>{"Night", "Day"}));
  const json::object& schema = p.at("categorySchema").as_object();
  ASSERT_EQ(schema.at("tools").as_array().size(), 1u);
  const json::value& car = schema.at("tools").as_array()[0];
  EXPECT_EQ(field(car, "schemaId"), "sc-car");
  EXPECT_EQ(field(car, "tool"), "bounding-box");
  EXPECT_EQ(field(car.at("classifications").as_array()[0], "title"), "Colour");
  const json::value& weather = schema.at("classifications").as_array()[0];
  EXPECT_EQ(field(weather, "tool"), "checkbox");
  EXPECT_EQ(weather.at("options").as_array().size(), 2u);
  // Editable: PUT replaces it, GET /v2/project shows it.
  ok(call("PUT", "/api/projects/" + other_ + "/schema",
          R"({"tools":[{"schemaId":"x","title":"X","tool":"polygon"}]})"));
  EXPECT_EQ(field(data("/v2/project/" + other_)
                      .at("project")
                      .at("categorySchema")
                      .at("tools")
                      .as_array()[0],
                  "title"),
            "X");
  EXPECT_EQ(call("PUT", "/api/projects/" + other_ + "/schema", R"({"tools":{}})").status, 400);
}

TEST_F(PlatformRead, AssetsPageWithTotalsAndFilters) {
  json::object page = data("/v2/project/" + project_ + "/assets?page=2&limit=3&filters=%7B%7D");
  EXPECT_EQ(page.at("total").as_int64(), 4);
  ASSERT_EQ(page.at("assets").as_array().size(), 1u);
  EXPECT_EQ(field(page.at("assets").as_array()[0], "_id"), "data-4");  // dataId when no assetId
  // filters={"externalId": "dup.png"}: both assets of that name, each with its own id.
  json::object dup = data("/v2/project/" + project_ + "/assets?page=1&limit=10&filters=" +
                          net::percent_encode(R"({"externalId":"dup.png"})"));
  ASSERT_EQ(dup.at("total").as_int64(), 2);
  const json::value& second = dup.at("assets").as_array()[1];
  EXPECT_EQ(field(second, "_id"), "as-2");
  EXPECT_EQ(field(second, "data"), "https://x.test/b/dup.png");
  const json::value& task = second.at("labelTasks").as_array()[0];
  EXPECT_EQ(field(task, "_id"), "t-2");
  ASSERT_EQ(task.at("stageHistory").as_array().size(), 3u);
  EXPECT_EQ(field(task.at("stageHistory").as_array()[1], "stageId"), "st-label");
  EXPECT_EQ(field(task.at("stageHistory").as_array()[1], "completedBy"), "bob@x.test");
  // Batches as ids; a filter by batch id or name; the older _id= parameter.
  json::object project = data("/v2/project/" + project_).at("project").as_object();
  const std::string day = field(project.at("batches").as_array()[1], "_id");
  EXPECT_EQ(second.at("batches").as_array().size(), 2u);
  EXPECT_EQ(second.at("batches").as_array()[0].as_string(), day);
  json::object by_batch = data("/v2/project/" + project_ + "/assets?filters=" +
                               net::percent_encode("{\"batches\":[\"" + day + "\"]}"));
  EXPECT_EQ(by_batch.at("total").as_int64(), 1);
  EXPECT_EQ(data("/v2/project/" + project_ + "/assets?_id=as-1").at("total").as_int64(), 1);
  // What the hub cannot serve is said, not answered with nothing.
  auto bad = call("GET", "/v2/project/" + project_ +
                             "/assets?filters=" + net::percent_encode(R"({"labeler":"x"})"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("filters.labeler"), std::string::npos) << bad.body;
  EXPECT_EQ(call("GET", "/v2/project/" + project_ + "/assets?limit=0").status, 400);
  EXPECT_EQ(call("GET", "/v2/project/" + project_ +
                            "/assets?filters=" + net::percent_encode(R"({"batches":["Dusk"]})"))
                .status,
            400);
}

TEST_F(PlatformRead, TasksFilteredPagedAndOneByOne) {
  json::object all = data("/v2/project/" + project_ + "/tasks?page=1&limit=10");
  EXPECT_EQ(all.at("total").as_int64(), 4);
  // The older status[eq], and filter=<JSON> (which wins over it).
  EXPECT_EQ(
      data("/v2/project/" + project_ + "/tasks?status%5Beq%5D=Completed").at("total").as_int64(),
      3);
  EXPECT_EQ(data("/v2/project/" + project_ + "/tasks?status%5Beq%5D=Completed&filter=" +
                 net::percent_encode(R"({"status":"Todo"})"))
                .at("total")
                .as_int64(),
            1);
  json::object complete =
      data("/v2/project/" + project_ + "/tasks?stage=" + net::percent_encode(R"(["Complete"])") +
           "&sort=-updatedAt");
  EXPECT_EQ(complete.at("total").as_int64(), 2);
  EXPECT_EQ(field(complete.at("tasks").as_array()[0], "_id"), "t-2");
  json::object dated = data("/v2/project/" + project_ + "/tasks?filter=" +
                            net::percent_encode(R"({"updatedAt":{"$gte":"2024-01-03"}})"));
  EXPECT_EQ(dated.at("total").as_int64(), 1);
  json::object fields = data("/v2/project/" + project_ + "/tasks?fields=externalId,answer&limit=1");
  const json::object& t = fields.at("tasks").as_array()[0].as_object();
  EXPECT_EQ(t.size(), 3u);  // _id, externalId, answer
  EXPECT_EQ(t.at("answer").at("tools").as_array().size(), 1u);
  // One task, without its answer as the newest SDK asks; its history.
  json::object one = data("/v2/task/t-2?includeAnswer=False").at("task").as_object();
  EXPECT_EQ(field(one, "externalId"), "dup.png");
  EXPECT_EQ(field(one, "stageId"), "Complete");
  EXPECT_FALSE(one.contains("answer"));
  EXPECT_EQ(data("/v2/task/t-2/history").at("taskHistory").as_array().size(), 3u);
  EXPECT_EQ(field(data("/v2/task/t-3").at("task"), "status"), "Completed");  // v2 task
  EXPECT_EQ(call("GET", "/v2/task/nope").status, 404);
}

TEST_F(PlatformRead, ExportQuirksOfEverySdkGeneration) {
  // stage: a JSON list of ids (the event's), a JSON string, a bare name; the newest SDK's
  // default stage=["Complete"]; [] none.
  EXPECT_EQ(lines_of(exported("&stage=%5B%22Complete%22%5D")).size(), 2u);
  EXPECT_EQ(lines_of(exported("&stage=%22Complete%22")).size(), 2u);
  EXPECT_EQ(lines_of(exported("&stage=Label")).size(), 1u);
  EXPECT_EQ(lines_of(exported("&stage=st-label")).size(), 1u);
  EXPECT_EQ(lines_of(exported("&stage=%5B%5D")).size(), 4u);
  auto unknown = call("GET", "/v2/export?project=" + project_ + "&stage=%5B%22Nope%22%5D");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_NE(unknown.body.find("stage \\\"Nope\\\" is not a stage of project Streets"),
            std::string::npos)
      << unknown.body;
  // batches as names or ids, JSON-encoded.
  EXPECT_EQ(lines_of(exported("&batches=%5B%22Night%22%5D")).size(), 2u);
  // The newest SDK's exact query (§6.1).
  EXPECT_EQ(lines_of(exported("&sendEmail=false&includeMetadata=true&includeHistory=true&"
                              "doNotNotify=true&format=ndjson&type=task&includeOnlyKeyFrames=false&"
                              "includeIdleBlurDurations=false&taskTypes=%5B%22default%22%5D&stage=%"
                              "5B%22Complete%22%5D"))
                .size(),
            2u);
  EXPECT_EQ(call("GET", "/v2/export?project=" + project_ + "&taskTypes=%5B%22review%22%5D").status,
            400);
  // exportV3 of SDK 1.2: type=None.
  json::object v3 = data("/v2/exportV3?project=" + project_ +
                         "&sendEmail=false&format=json&includeMetadata=true&includeHistory=true&"
                         "includeSegmentationPoints=true&doNotNotify=true&type=None");
  EXPECT_TRUE(v3.contains("exportPath"));
  // Issues: type=issue, a JSON list.
  std::string issues_text = exported("&type=issue&format=json");
  json::value issues = json::parse(issues_text);
  ASSERT_EQ(issues.as_array().size(), 2u);
  EXPECT_EQ(field(issues.as_array()[0], "content"), "not a car");
  EXPECT_EQ(field(issues.as_array()[0], "position"), "[10, 20]");
  EXPECT_EQ(call("GET", "/v2/export?project=" + project_ + "&type=review").status, 400);
}

TEST_F(PlatformRead, UploadNamesOfOldAndNewSdks) {
  // SDK <= 1.3: name=<projectId>/exports/<file>, no project, no type.
  json::object old_sdk = data("/v2/getUploadUrl?name=" + project_ + "/exports/report.zip");
  const std::string upload = field(old_sdk, "uploadUrl");
  ASSERT_NE(upload.find("/report.zip?"), std::string::npos) << upload;
  // The upload URL passed unencoded: its own ?expires=..&sig=.. spill into the query.
  json::object signed_url = data("/v2/getSignedUrl?name=" + upload);
  EXPECT_NE(field(signed_url, "signedUrl").find("/report.zip?"), std::string::npos);
  json::object newest =
      data("/v2/getSignedUrl?name=" + upload + "&project=" + project_ + "&type=exports");
  EXPECT_FALSE(field(newest, "signedUrl").empty());
  EXPECT_EQ(call("GET", "/v2/getUploadUrl?name=report.zip").status, 400);
}

TEST_F(PlatformRead, ProjectsStoragesAndOtherTenants) {
  json::object projects = data("/v2/listProjects?page=1&limit=1");
  EXPECT_GE(projects.at("total").as_int64(), 2);  // Streets, Other (and Generated)
  EXPECT_EQ(projects.at("projects").as_array().size(), 1u);
  EXPECT_TRUE(data("/v2/storages").at("storages").as_array().empty());
  EXPECT_EQ(call("GET", "/v2/storages?_id=s-1").status, 404);
  // Unknown ids and no key: 404 and 401 like the platform.
  EXPECT_EQ(call("GET", "/v2/project/nope").status, 404);
  EXPECT_EQ(call("GET", "/v2/project/" + project_, {}, "").status, 401);
  // Issues over the REST API: listed, and filed on an asset by id.
  json::object listed = ok(call("GET", "/api/projects/" + project_ + "/issues"));
  EXPECT_EQ(listed.at("total").as_int64(), 2);
  json::object filed = ok(call("POST", "/api/projects/" + project_ + "/issues",
                               R"({"assetId":"as-1","content":"blurry","position":[1.5,2]})"),
                          201);
  EXPECT_EQ(field(filed.at("asset"), "externalId"), "dup.png");
  EXPECT_EQ(field(filed, "labelTask"), "t-1");
  EXPECT_EQ(field(filed, "position"), "[1.5, 2]");
  EXPECT_EQ(
      call("POST", "/api/projects/" + project_ + "/issues", R"({"assetId":"zz","content":"x"})")
          .status,
      404);
}

TEST_F(PlatformRead, GeneratedExportRoundTripsAndPagesCoverEveryAsset) {
  const std::vector<std::string> lines = generated_export(500);
  const std::string id = ok(call("POST", "/api/projects", R"({"name":"Generated"})"), 201)
                             .at("id")
                             .as_string()
                             .c_str();
  std::string body;
  for (const auto& l : lines)
    body += l + "\n";
  auto imported = ok(call("POST", "/api/projects/" + id + "/import", body));
  ASSERT_EQ(imported.at("imported").as_int64(), 500) << json::serialize(imported);
  EXPECT_GT(imported.at("repeatedExternalIds").as_int64(), 60);
  json::object d = data("/v2/export?project=" + id + "&format=ndjson");
  fs::path file = dir_ / "generated.zip";
  net::HttpClient().download(std::string(d.at("exportPath").as_string()), {}, file);
  EXPECT_EQ(lines_of(zip_entries(file).begin()->second), lines);
  // The pages of 37 cover every asset once.
  std::set<std::string> seen;
  std::int64_t total = -1;
  for (int page = 1; page <= 20; ++page) {
    json::object p = data("/v2/project/" + id + "/assets?limit=37&page=" + std::to_string(page));
    total = p.at("total").as_int64();
    for (const auto& a : p.at("assets").as_array())
      EXPECT_TRUE(seen.insert(field(a, "_id")).second) << field(a, "_id");
    if (p.at("assets").as_array().empty()) break;
  }
  EXPECT_EQ(total, 500);
  EXPECT_EQ(seen.size(), 500u);
  // JSON array form: the same values.
  json::value array = json::parse(exported_of(id, "&format=json"));
  ASSERT_EQ(array.as_array().size(), 500u);
  EXPECT_EQ(array.as_array()[2], json::parse(lines[2]));
}

TEST_F(PlatformRead, OntologyLearnedFromDataWithAnIdPerObjectIsCapped) {
  // Generated data often gives every object a schemaId of its own: the ontology keeps the
  // first 2000 and the import says so (and stays linear: lookups are hashed).
  const std::string id =
      ok(call("POST", "/api/projects", R"({"name":"Ids"})"), 201).at("id").as_string().c_str();
  std::string body;
  for (int i = 0; i < 2100; ++i)
    body += R"g({"asset":"https://x.test/)g" + std::to_string(i) + R"g(.png","externalId":")g" +
            std::to_string(i) +
            R"g(.png","task":{"tools":[{"point":[1,2],"objectId":"o","schemaId":"s-)g" +
            std::to_string(i) + R"g(","title":"P","classifications":[]}]}})g" + "\n";
  auto imported = ok(call("POST", "/api/projects/" + id + "/import", body));
  ASSERT_EQ(imported.at("imported").as_int64(), 2100) << json::serialize(imported);
  ASSERT_EQ(imported.at("warnings").as_array().size(), 1u) << json::serialize(imported);
  EXPECT_NE(std::string(imported.at("warnings").as_array()[0].as_string()).find("first 2000"),
            std::string::npos);
  json::object schema = ok(call("GET", "/api/projects/" + id + "/schema"));
  EXPECT_EQ(schema.at("tools").as_array().size(), 2000u);
  EXPECT_EQ(field(schema.at("tools").as_array()[0], "tool"), "point");
}

TEST_F(PlatformRead, BadInputIsRefusedNamingWhatIsWrong) {
  auto not_list = call("POST", "/api/projects/" + project_ + "/issues/import", R"({"_id":"x"})");
  EXPECT_EQ(not_list.status, 400);
  EXPECT_NE(not_list.body.find("must be a JSON list of issues"), std::string::npos)
      << not_list.body;
  auto bad_entry = call("POST", "/api/projects/" + project_ + "/issues/import", R"([{"_id":1}])");
  EXPECT_EQ(bad_entry.status, 400);
  EXPECT_NE(bad_entry.body.find("issue 0: _id must be a string"), std::string::npos)
      << bad_entry.body;
  auto no_content = call("POST", "/api/projects/" + project_ + "/issues", R"({"assetId":"as-1"})");
  EXPECT_EQ(no_content.status, 400);
  EXPECT_NE(no_content.body.find("content"), std::string::npos) << no_content.body;
  auto bad_range = call("GET", "/v2/project/" + project_ + "/tasks?filter=" +
                                   net::percent_encode(R"({"updatedAt":{"$near":"x"}})"));
  EXPECT_EQ(bad_range.status, 400);
  EXPECT_NE(bad_range.body.find("unknown comparison"), std::string::npos) << bad_range.body;
  auto not_object = call("GET", "/v2/project/" + project_ + "/tasks?filter=%5B1%5D");
  EXPECT_EQ(not_object.status, 400);
  EXPECT_NE(not_object.body.find("must be a JSON object"), std::string::npos) << not_object.body;
  auto bad_stage = call("GET", "/v2/export?project=" + project_ + "&stage=%7B%7D");
  EXPECT_EQ(bad_stage.status, 400);
  EXPECT_NE(bad_stage.body.find("query parameter \\\"stage\\\""), std::string::npos)
      << bad_stage.body;
  auto bad_switch = call("GET", "/v2/export?project=" + project_ + "&includeOnlyKeyFrames=maybe");
  EXPECT_EQ(bad_switch.status, 400);
  EXPECT_NE(bad_switch.body.find("true or false"), std::string::npos) << bad_switch.body;
  EXPECT_EQ(call("POST", "/api/projects", R"({"name":"S","stages":[5]})").status, 400);
  EXPECT_EQ(call("POST", "/api/projects", R"({"name":"S","categorySchema":[]})").status, 400);
}

}  // namespace
}  // namespace xport::test
