// The SDK's platform client (xport/platform.hpp) against the real hub: `xport hub` on
// 127.0.0.1 with a project of twelve generated assets (batches, stage histories, two sharing
// an externalId) and a second project. Calls made inside a run use that run's token, as a
// plugin does (an in-process ExportPlugin whose callback runs each test's checks); the rest
// use the admin's key. Every result is checked against what was imported; then the example
// stage report plugin's CSV.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "hub_process.hpp"
#include "xport/platform.hpp"
#include "xport/plugin.hpp"
#include "zip_entries.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

struct Step {
  std::string stage_id, completed_by, completed_at;
  std::int64_t duration;
  std::string review_status;  // what makes the hub learn a Review stage
};

struct Imported {
  std::string asset_id, task_id, external_id, url, stage_id;
  std::vector<std::string> batches;  // names
  std::vector<Step> history;
};

// Twelve assets (pages of 5: 5, 5, 2). Assets 10 and 11 share an externalId; 5 is in both
// batches; 0-7 are complete, 8-9 in Review, 10-11 in Label.
std::vector<Imported> make_assets() {
  std::vector<Imported> out;
  for (int i = 0; i < 12; ++i) {
    char id[32];
    Imported a;
    std::snprintf(id, sizeof id, "6600%020x", i);
    a.asset_id = id;
    std::snprintf(id, sizeof id, "7700%020x", i);
    a.task_id = id;
    a.external_id = i < 10 ? "img_" + std::to_string(i) + ".jpg" : "shared.jpg";
    a.url = "https://example-bucket.s3.amazonaws.com/stages/" + std::to_string(i) + ".jpg";
    a.stage_id = i < 8 ? "Complete" : i < 10 ? "Review" : "Label";
    if (i == 5)
      a.batches = {"Batch A", "Batch B"};
    else if (i % 3 == 0)
      a.batches = {"Batch A"};
    else if (i % 3 == 1)
      a.batches = {"Batch B"};
    const std::string day = (i < 9 ? "2024-03-0" : "2024-03-") + std::to_string(i + 1);
    a.history.push_back({"Start", "ana@example.com", day + "T09:00:00.000Z", 0, ""});
    a.history.push_back({"Label", "ana@example.com", day + "T09:10:00.000Z", 1000 * (i + 1), ""});
    if (i % 2 == 0 && i < 10)
      a.history.push_back(
          {"Review", "rev@example.com", day + "T09:20:00.000Z", 500 * (i + 1), "Accepted"});
    out.push_back(a);
  }
  return out;
}

std::string ndjson(const std::vector<Imported>& assets) {
  std::string out;
  for (const Imported& a : assets) {
    json::array history;
    for (const Step& s : a.history) {
      json::object step{{"stageId", s.stage_id},
                        {"stage", s.stage_id},
                        {"completedBy", s.completed_by},
                        {"completedAt", s.completed_at},
                        {"duration", s.duration}};
      if (!s.review_status.empty()) step["reviewStatus"] = s.review_status;
      history.push_back(step);
    }
    json::object task{{"taskId", a.task_id},       {"stage", a.stage_id},
                      {"stageId", a.stage_id},     {"stageHistory", history},
                      {"tools", json::array{}},    {"classifications", json::array{}},
                      {"relations", json::array{}}};
    json::object asset{{"asset", a.url},
                       {"assetId", a.asset_id},
                       {"externalId", a.external_id},
                       {"metadata", {{"width", 640}, {"height", 480}}},
                       {"batches", json::array(a.batches.begin(), a.batches.end())},
                       {"task", task}};
    out += json::serialize(asset) + "\n";
  }
  return out;
}

constexpr const char* kSchema =
    R"({"tools":[{"schemaId":"c0a8f1e2","title":"Car","tool":"bounding-box","classifications":[]}],)"
    R"("classifications":[],"relations":[]})";

fs::path g_dir;
std::unique_ptr<HubProcess> g_hub;
std::vector<Imported> g_assets;
std::string g_project, g_other;
std::string g_plugin;

// The in-process plugin: its callback runs the current test's checks with the run's platform.
std::mutex g_body_mutex;
std::function<void(const ExportRequest&)> g_body;
std::unique_ptr<ExportPlugin> g_sdk_plugin;
std::thread g_serve;

const Imported* imported(const std::string& asset_id) {
  for (const Imported& a : g_assets)
    if (a.asset_id == asset_id) return &a;
  return nullptr;
}

class SdkPlatform : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    g_dir = fs::temp_directory_path() / ("xport-sdk-platform-" + std::to_string(::getpid()));
    fs::remove_all(g_dir);
    fs::create_directories(g_dir);
    g_hub = std::make_unique<HubProcess>(g_dir);
    g_assets = make_assets();
    // No stages declared: the import teaches them, with the ids its stage histories use.
    g_project = g_hub->create_project("Stages", {{"categorySchema", json::parse(kSchema)}});
    ASSERT_EQ(g_hub->import_ndjson(g_project, ndjson(g_assets)), 12);
    g_other = g_hub->create_project("Other");
    ASSERT_EQ(g_hub->import_ndjson(g_other, ndjson({g_assets[0]})), 1);

    auto [id, secret] = g_hub->create_plugin("sdk-platform-test");
    g_plugin = id;
    PluginOptions options;
    options.concurrency = 1;
    options.count_tasks = false;
    options.reconnect_min = 100ms;
    options.reconnect_max = 1000ms;
    options.shutdown_grace = 5s;
    g_sdk_plugin = std::make_unique<ExportPlugin>(
        id, secret,
        [](ExportRequest& data) -> ExportResponse {
          std::lock_guard lock(g_body_mutex);
          if (g_body) g_body(data);
          return {std::string("checked"), "checked.txt"};
        },
        g_hub->base(), options);
    g_serve = std::thread([] { g_sdk_plugin->serve(); });
    ASSERT_TRUE(g_hub->wait_online(id, 30s)) << g_hub->log();
  }
  static void TearDownTestSuite() {
    if (g_sdk_plugin) g_sdk_plugin->stop();
    if (g_serve.joinable()) g_serve.join();
    g_sdk_plugin.reset();
    if (g_hub) g_hub->stop();
    g_hub.reset();
    fs::remove_all(g_dir);
  }

  // Runs `body` inside a run of the test plugin on `project` (the run token is valid only
  // while the run is in progress); the run must succeed.
  static void in_run(std::function<void(const ExportRequest&)> body,
                     const std::string& project = g_project) {
    {
      std::lock_guard lock(g_body_mutex);
      g_body = std::move(body);
    }
    json::object run = g_hub->run(project, g_plugin);
    EXPECT_EQ(run["state"], "succeeded") << json::serialize(run);
    std::lock_guard lock(g_body_mutex);
    g_body = nullptr;
  }

  static Platform admin() { return Platform(g_hub->base(), g_hub->admin_key(), g_project); }
};

// PlatformError's endpoint, status and message, or a failure when `call` does not throw one.
template <class Call>
std::tuple<std::string, int, std::string> platform_error(Call call) {
  try {
    call();
  } catch (const PlatformError& e) {
    return {e.endpoint(), e.status(), e.message()};
  }
  ADD_FAILURE() << "no PlatformError";
  return {};
}

TEST_F(SdkPlatform, ProjectIsTheRunsProjectWithItsStagesAndBatches) {
  in_run([](const ExportRequest& data) {
    EXPECT_EQ(data.platform().project_id(), g_project);
    Project p = data.platform().project();
    EXPECT_EQ(p.id, g_project);
    EXPECT_EQ(p.name, "Stages");
    std::vector<std::string> names;
    for (const Stage& s : p.stages_in_order())
      names.push_back(s.name);
    EXPECT_EQ(names, (std::vector<std::string>{"Start", "Label", "Review", "Complete"}));
    ASSERT_NE(p.stage("Start"), nullptr);
    EXPECT_EQ(p.stage("Start")->id, "Start");
    EXPECT_EQ(p.stage("Start")->type, "Start");
    ASSERT_NE(p.stage("Complete"), nullptr);
    EXPECT_EQ(p.stage("Complete")->id, "Complete");
    EXPECT_EQ(p.stage("Complete")->type, "Complete");
    std::set<std::string> batch_names;
    for (const Batch& b : p.batches) {
      EXPECT_FALSE(b.id.empty()) << b.name;
      batch_names.insert(b.name);
    }
    EXPECT_EQ(batch_names, (std::set<std::string>{"Batch A", "Batch B"}));
    EXPECT_EQ(json::parse(p.categorySchema), json::parse(kSchema)) << p.categorySchema;
    EXPECT_EQ(data.platform().project(g_project).json, p.json);
  });
}

TEST_F(SdkPlatform, AnotherProjectIsNotFoundForARunToken) {
  in_run([](const ExportRequest& data) {
    auto [endpoint, status, message] = platform_error([&] { data.platform().project(g_other); });
    EXPECT_EQ(endpoint, "GET /v2/project/" + g_other);
    EXPECT_EQ(status, 404);
    EXPECT_EQ(message, "no project " + g_other);  // as for an id that does not exist
    Platform other(g_hub->base(), data.apiKey, g_other);
    EXPECT_EQ(std::get<1>(platform_error([&] { other.assets(); })), 404);
    EXPECT_EQ(std::get<1>(platform_error([&] { other.tasks(); })), 404);
    Page<ProjectSummary> seen = data.platform().list_projects();  // its project only
    EXPECT_EQ(seen.total, 1);
    ASSERT_EQ(seen.items.size(), 1u);
    EXPECT_EQ(seen.items[0].id, g_project);
  });
  // The admin's key sees both.
  EXPECT_EQ(admin().project(g_other).name, "Other");
}

TEST_F(SdkPlatform, AssetsComeInPagesWithTheirTotal) {
  in_run([](const ExportRequest& data) {
    std::set<std::string> ids;
    for (int page = 1; page <= 3; ++page) {
      Page<Asset> p = data.platform().assets(page, 5);
      EXPECT_EQ(p.total, 12);
      EXPECT_EQ(p.page, page);
      EXPECT_EQ(p.limit, 5);
      EXPECT_EQ(p.items.size(), page < 3 ? 5u : 2u) << "page " << page;
      for (const Asset& a : p.items)
        EXPECT_TRUE(ids.insert(a.id).second) << a.id << " on two pages";
    }
    std::set<std::string> expected;
    for (const Imported& a : g_assets)
      expected.insert(a.asset_id);
    EXPECT_EQ(ids, expected);
    Page<Asset> past = data.platform().assets(4, 5);
    EXPECT_TRUE(past.items.empty());
    EXPECT_EQ(past.total, 12);
    EXPECT_EQ(data.platform().assets().items.size(), 10u);  // the SDK's default limit
  });
}

TEST_F(SdkPlatform, AssetsCarryWhatWasImported) {
  in_run([](const ExportRequest& data) {
    Project project = data.platform().project();
    std::map<std::string, std::string> batch_name;
    for (const Batch& b : project.batches)
      batch_name[b.id] = b.name;
    std::vector<Asset> all = data.platform().all_assets({}, 5);
    ASSERT_EQ(all.size(), 12u);
    for (const Asset& a : all) {
      const Imported* want = imported(a.id);
      ASSERT_NE(want, nullptr) << a.json;
      EXPECT_EQ(a.externalId, want->external_id);
      EXPECT_EQ(a.data, want->url);
      std::vector<std::string> names;
      for (const std::string& id : a.batches)
        names.push_back(batch_name.count(id) ? batch_name[id] : "unknown batch id " + id);
      EXPECT_EQ(names, want->batches) << a.json;
      EXPECT_EQ(json::parse(a.metadata), json::parse(R"({"width":640,"height":480})"));
      ASSERT_EQ(a.labelTasks.size(), 1u) << a.json;
      const LabelTask& t = a.labelTasks[0];
      EXPECT_EQ(t.id, want->task_id);
      EXPECT_EQ(t.stageId, want->stage_id);
      ASSERT_EQ(t.stageHistory.size(), want->history.size()) << a.json;
      for (std::size_t i = 0; i < t.stageHistory.size(); ++i) {
        EXPECT_EQ(t.stageHistory[i].stageId, want->history[i].stage_id);
        EXPECT_EQ(t.stageHistory[i].completedBy, want->history[i].completed_by);
        EXPECT_EQ(t.stageHistory[i].completedAt, want->history[i].completed_at);
        EXPECT_EQ(t.stageHistory[i].duration, want->history[i].duration);
        EXPECT_EQ(t.stageHistory[i].reviewStatus, want->history[i].review_status);
      }
    }
  });
}

TEST_F(SdkPlatform, AssetFiltersSelectByIdExternalIdAndBatch) {
  in_run([](const ExportRequest& data) {
    const Platform& platform = data.platform();
    Page<Asset> one = platform.assets(1, 10, {g_assets[3].asset_id, "", {}});
    ASSERT_EQ(one.items.size(), 1u);
    EXPECT_EQ(one.total, 1);
    EXPECT_EQ(one.items[0].externalId, "img_3.jpg");

    Page<Asset> shared = platform.assets(1, 10, {"", "shared.jpg", {}});
    EXPECT_EQ(shared.total, 2);
    std::set<std::string> ids;
    for (const Asset& a : shared.items)
      ids.insert(a.id);
    EXPECT_EQ(ids, (std::set<std::string>{g_assets[10].asset_id, g_assets[11].asset_id}));

    std::string batch_b;
    for (const Batch& b : platform.project().batches)
      if (b.name == "Batch B") batch_b = b.id;
    ids.clear();
    for (const Asset& a : platform.all_assets({"", "", {batch_b}}, 2))
      ids.insert(a.externalId);
    EXPECT_EQ(ids, (std::set<std::string>{"img_1.jpg", "img_4.jpg", "img_5.jpg", "img_7.jpg",
                                          "shared.jpg"}));
    EXPECT_EQ(platform.assets(1, 10, {"", "", {batch_b}}).total, 5);
    EXPECT_EQ(platform.assets(1, 10, {"", "no-such-file.jpg", {}}).total, 0);
  });
}

TEST_F(SdkPlatform, TasksPageAndOneTaskAndItsHistory) {
  in_run([](const ExportRequest& data) {
    const Platform& platform = data.platform();
    std::set<std::string> ids;
    for (int page = 1; page <= 3; ++page) {
      Page<Task> p = platform.tasks(page, 5);
      EXPECT_EQ(p.total, 12);
      EXPECT_EQ(p.items.size(), page < 3 ? 5u : 2u);
      for (const Task& t : p.items)
        ids.insert(t.id);
    }
    std::set<std::string> expected;
    for (const Imported& a : g_assets)
      expected.insert(a.task_id);
    EXPECT_EQ(ids, expected);

    Page<Task> in_review = platform.tasks(1, 10, {"", "Review", {}});
    EXPECT_EQ(in_review.total, 2);
    std::set<std::string> review_ids;
    for (const Task& t : in_review.items)
      review_ids.insert(t.id);
    EXPECT_EQ(review_ids, (std::set<std::string>{g_assets[8].task_id, g_assets[9].task_id}));

    const Imported& want = g_assets[8];
    Task t = platform.task(want.task_id);
    EXPECT_EQ(t.id, want.task_id);
    EXPECT_EQ(t.asset, want.asset_id);
    EXPECT_EQ(t.externalId, want.external_id);
    EXPECT_EQ(t.stageId, "Review");
    std::vector<std::string> stages;
    for (const StageHistoryEntry& h : platform.task_history(want.task_id))
      stages.push_back(h.stageId + " " + h.completedBy + " " + std::to_string(h.duration));
    EXPECT_EQ(stages,
              (std::vector<std::string>{"Start ana@example.com 0", "Label ana@example.com 9000",
                                        "Review rev@example.com 4500"}));
    auto [endpoint, status, message] = platform_error([&] { platform.task("no-such-task"); });
    EXPECT_EQ(endpoint, "GET /v2/task/no-such-task");
    EXPECT_EQ(status, 404);
    EXPECT_EQ(message, "no task no-such-task");
  });
}

TEST_F(SdkPlatform, StoragesListAndFindOne) {
  in_run([](const ExportRequest& data) {
    // This hub registers no customer storages yet: the list is empty, any id unknown.
    std::vector<Storage> all = data.platform().storages();
    EXPECT_EQ(all.size(), 0u);
    for (const Storage& s : all) {
      auto one = data.platform().storage(s.id);
      ASSERT_TRUE(one.has_value()) << s.id;
      EXPECT_EQ(one->name, s.name);
      EXPECT_EQ(one->provider, s.provider);
      EXPECT_EQ(one->bucket, s.bucket);
      EXPECT_EQ(s.json.find("secret"), std::string::npos) << s.json;
    }
    EXPECT_FALSE(data.platform().storage("no-such-storage").has_value());
  });
}

TEST_F(SdkPlatform, IssuesAreTheProjectsImportedIssues) {
  const std::string list = json::serialize(json::array{
      {{"_id", "issue-1"},
       {"asset", {{"_id", g_assets[3].asset_id}, {"externalId", "img_3.jpg"}}},
       {"labelTask", g_assets[3].task_id},
       {"stage", "Complete"},
       {"stageId", "Complete"},
       {"createdBy", "rev@example.com"},
       {"createdAt", "2024-03-04T10:00:00.000Z"},
       {"status", "Open"},
       {"errorType", "Wrong class"},
       {"errorCode", "E12"},
       {"content", "This is a truck"},
       {"comments",
        {{{"createdBy", "ana@example.com"}, {"content", "Fixed"}, {"createdAt", "2024-03-05"}}}},
       {"position", "[12.5, 40]"},
       {"objectId", "obj-1"}},
      {{"_id", "issue-2"},
       {"asset", {{"_id", g_assets[10].asset_id}, {"externalId", "shared.jpg"}}},
       {"labelTask", g_assets[10].task_id},
       {"stage", "Label"},
       {"stageId", "Label"},
       {"createdBy", "rev@example.com"},
       {"createdAt", "2024-03-11T10:00:00.000Z"},
       {"status", "Resolved"},
       {"content", "Blurry"},
       {"comments", json::array{}}}});
  auto imported = g_hub->json_call("POST", "/api/projects/" + g_project + "/issues/import", list);
  EXPECT_EQ(imported["imported"], 2) << json::serialize(imported);

  in_run([](const ExportRequest& data) {
    std::map<std::string, Issue> issues;
    for (Issue& i : data.platform().issues())
      issues[i.id] = i;
    ASSERT_EQ(issues.size(), 2u);
    const Issue& a = issues["issue-1"];
    EXPECT_EQ(a.externalId, "img_3.jpg");
    EXPECT_EQ(a.labelTask, g_assets[3].task_id);
    EXPECT_EQ(a.stage, "Complete");
    EXPECT_EQ(a.stageId, "Complete");
    EXPECT_EQ(a.status, "Open");
    EXPECT_EQ(a.errorType, "Wrong class");
    EXPECT_EQ(a.errorCode, "E12");
    EXPECT_EQ(a.content, "This is a truck");
    EXPECT_EQ(a.createdBy, "rev@example.com");
    EXPECT_EQ(a.createdAt, "2024-03-04T10:00:00.000Z");
    EXPECT_EQ(a.position, "[12.5, 40]");
    EXPECT_EQ(a.objectId, "obj-1");
    ASSERT_EQ(a.comments.size(), 1u);
    EXPECT_EQ(a.comments[0].createdBy, "ana@example.com");
    EXPECT_EQ(a.comments[0].content, "Fixed");
    EXPECT_EQ(a.comments[0].createdAt, "2024-03-05");
    const Issue& b = issues["issue-2"];
    EXPECT_EQ(b.externalId, "shared.jpg");
    EXPECT_EQ(b.stageId, "Label");
    EXPECT_EQ(b.status, "Resolved");
    EXPECT_EQ(b.content, "Blurry");
    EXPECT_EQ(b.position, "");
    EXPECT_TRUE(b.comments.empty());
  });
  // Another project's issues are its own: none.
  in_run([](const ExportRequest& data) { EXPECT_EQ(data.platform().issues().size(), 0u); },
         g_other);
}

TEST_F(SdkPlatform, ListProjectsPagesTheOrganisationsProjects) {
  Page<ProjectSummary> all = admin().list_projects(1, 10);
  EXPECT_EQ(all.total, 2);
  std::map<std::string, std::string> names;
  for (const ProjectSummary& p : all.items)
    names[p.id] = p.name;
  EXPECT_EQ(names, (std::map<std::string, std::string>{{g_project, "Stages"}, {g_other, "Other"}}));
  Page<ProjectSummary> first = admin().list_projects(1, 1);
  Page<ProjectSummary> second = admin().list_projects(2, 1);
  ASSERT_EQ(first.items.size(), 1u);
  ASSERT_EQ(second.items.size(), 1u);
  EXPECT_EQ(first.total, 2);
  EXPECT_NE(first.items[0].id, second.items[0].id);
}

TEST_F(SdkPlatform, ErrorsNameTheEndpointTheStatusAndTheMessage) {
  Platform wrong_key(g_hub->base(), "wrong-key", g_project);
  auto [endpoint, status, message] = platform_error([&] { wrong_key.project(); });
  EXPECT_EQ(endpoint, "GET /v2/project/" + g_project);
  EXPECT_EQ(status, 401);
  EXPECT_EQ(message, "invalid API key");

  auto missing = platform_error([&] { admin().project("no-such-project"); });
  EXPECT_EQ(std::get<0>(missing), "GET /v2/project/no-such-project");
  EXPECT_EQ(std::get<1>(missing), 404);
  EXPECT_EQ(std::get<2>(missing), "no project no-such-project");

  try {
    admin().assets(0, 10);
    ADD_FAILURE() << "page 0 accepted";
  } catch (const PlatformError& e) {
    EXPECT_EQ(std::string(e.what()),
              "GET /v2/project/" + g_project +
                  "/assets failed: page and limit must be at least 1 (page 0, limit 10)");
  }
  // Nobody listens on port 1: no status, the network's reason, bounded by connect_timeout.
  PlatformOptions quick;
  quick.connect_timeout = 2s;
  auto down = platform_error([&] { Platform("http://127.0.0.1:1", "k", "p", quick).storages(); });
  EXPECT_EQ(std::get<0>(down), "GET /v2/storages");
  EXPECT_EQ(std::get<1>(down), 0);
  EXPECT_FALSE(std::get<2>(down).empty());
  EXPECT_THROW(Platform().project(), PlatformError);
}

// examples/stage-report-plugin against the hub: its CSV counts what was imported.
TEST_F(SdkPlatform, StageReportExampleCountsEveryStage) {
  auto [id, secret] = g_hub->create_plugin("stage-report");
  BackgroundProcess plugin("stage-report", {XPORT_STAGE_REPORT_PLUGIN}, g_dir,
                           {{"PLUGIN_ID", id}, {"PLUGIN_SECRET", secret}, {"HOST", g_hub->base()}});
  ASSERT_TRUE(g_hub->wait_online(id, 30s)) << plugin.err();
  json::object run = g_hub->run(g_project, id);
  ASSERT_EQ(run["state"], "succeeded") << json::serialize(run) << plugin.err();
  fs::path zip = g_dir / "stage-report.zip";
  net::HttpClient().download(std::string(run["downloadUrl"].as_string()), {}, zip);
  auto entries = zip_entries(zip);
  ASSERT_EQ(entries.count("stage_report.csv"), 1u);
  Project p = admin().project();
  auto row = [&](const char* name, int assets, int ms) {
    const Stage* s = p.stage(name);
    return "\"" + (s ? s->id : "?") + "\",\"" + name + "\",\"" + (s ? s->type : "?") + "\"," +
           std::to_string(assets) + "," + std::to_string(ms) + "\n";
  };
  // Start: all 12 (history). Label: all 12, 1000 ms * (1 + ... + 12). Review: 0, 2, 4, 6, 8
  // (history, 500 ms * (1 + 3 + 5 + 7 + 9)) and 9 (there now). Complete: 0-7 (there now).
  EXPECT_EQ(entries["stage_report.csv"], "stage_id,stage,type,assets,time_spent_ms\n" +
                                             row("Start", 12, 0) + row("Label", 12, 78000) +
                                             row("Review", 6, 12500) + row("Complete", 8, 0));
}

}  // namespace
}  // namespace xport::test
