// Every generation of the platform's Python SDK against `xport hub` on 127.0.0.1: plugins
// written like the platform's public ones (tests/peers/plugins/: the sample, a per-stage
// report, a time-per-task report, an issue export, a script dispatcher) run on the SDK
// emulation tests/peers/ango_sdk/ as SDK 1.2, 1.3 and the newest, over Socket.IO and the REST
// connector (protocol.md §1, §4, §6, §6.1), and complete runs started with
// `xport client run start --wait`. Their reports are checked against numbers worked out by
// hand for the generated export (tests/peers/gen_generations_fixture.py: v2 and v3 rows, two
// assets sharing an externalId, stageHistory, batches, non-ASCII text) and issue export. The
// failure behaviour: an old SDK whose callback raises never answers (the run times out), the
// newest answers an error, the newest REST connector's HTTP 500 fails the run.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "background_process.hpp"
#include "free_port.hpp"
#include "net/http_client.hpp"
#include "process.hpp"
#include "test_database.hpp"
#include "zip_entries.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

const std::string kPython = "/usr/bin/python3";
const std::string kPeers = std::string(XPORT_SOURCE_DIR) + "/tests/peers";

std::string str(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

// --- a small RFC 4180 reader (quoted fields, doubled quotes, LF or CRLF) -------------------
struct Csv {
  std::vector<std::string> header;
  std::vector<std::map<std::string, std::string>> rows;

  // The rows whose `column` is `value`.
  std::vector<std::map<std::string, std::string>> where(const std::string& column,
                                                        const std::string& value) const {
    std::vector<std::map<std::string, std::string>> out;
    for (const auto& r : rows)
      if (r.count(column) && r.at(column) == value) out.push_back(r);
    return out;
  }
};

Csv parse_csv(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false, any = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
      continue;
    }
    if (c == '"') {
      quoted = any = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      if (any || !field.empty()) {
        record.push_back(std::move(field));
        records.push_back(std::move(record));
      }
      field.clear();
      record.clear();
      any = false;
    } else {
      field += c;
      any = true;
    }
  }
  if (any || !field.empty()) {
    record.push_back(std::move(field));
    records.push_back(std::move(record));
  }
  Csv csv;
  if (records.empty()) return csv;
  csv.header = records.front();
  for (std::size_t r = 1; r < records.size(); ++r) {
    std::map<std::string, std::string> row;
    for (std::size_t c = 0; c < csv.header.size() && c < records[r].size(); ++c)
      row[csv.header[c]] = records[r][c];
    csv.rows.push_back(std::move(row));
  }
  return csv;
}

// --- the hub, shared by every test of the process -------------------------------------------
struct Hub {
  fs::path dir;
  std::unique_ptr<BackgroundProcess> process;
  std::string base, key, project;
  std::vector<std::string> stage_order;  // stage names by position.x (GET /api/projects/{id})
  std::map<std::string, std::string> stage_ids;  // name -> id
};
Hub* g = nullptr;

net::HttpClient http() {
  net::ClientOptions o;
  o.connect_timeout = 5s;
  o.idle_timeout = 60s;
  o.max_redirects = 0;
  return net::HttpClient(o);
}

net::HttpResponse call(const std::string& method, const std::string& path, std::string body = {},
                       const std::string& content_type = "application/json") {
  net::Request r;
  r.method = method;
  r.url = path.rfind("http", 0) == 0 ? path : g->base + path;
  r.headers.emplace_back("apikey", g->key);
  if (!body.empty()) r.headers.emplace_back("Content-Type", content_type);
  r.body = std::move(body);
  return http().request(r);
}

json::object ok_json(const net::HttpResponse& res, int status, const std::string& what) {
  EXPECT_EQ(res.status, status) << what << ": " << res.body;
  boost::system::error_code ec;
  json::value v = json::parse(res.body, ec);
  return !ec && v.is_object() ? v.get_object() : json::object{};
}

class HubEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    g = new Hub;
    g->dir = fs::temp_directory_path() / ("xport-sdk-generations-" + std::to_string(::getpid()));
    fs::remove_all(g->dir);
    fs::create_directories(g->dir);
    g->process = std::make_unique<BackgroundProcess>(
        "hub",
        test::hub_argv({XPORT_BINARY, "hub", "--data-dir", (g->dir / "data").string(), "--listen",
                        "127.0.0.1:0", "--offline-wait", "60", "--run-timeout", "90", "--log-level",
                        "debug"}),
        g->dir);
    g->key = g->process->wait_for_output("admin API key: (\\S+)", 60s);
    g->base = g->process->wait_for_output("xport hub listening on (http://\\S+)", 60s);

    // A project with stages (Start and Complete come with every project) and batches.
    auto created = ok_json(call("POST", "/api/projects", R"({"name": "Straßenszenen ✓",
        "stages": ["Label", {"name": "Review", "type": "Review"}],
        "batches": ["Batch A", "Lot ü"]})"),
                           201, "POST /api/projects");
    ASSERT_TRUE(created.contains("id")) << json::serialize(created);
    g->project = str(created.at("id"));
    auto project = ok_json(call("GET", "/api/projects/" + g->project), 200, "GET project");
    ASSERT_TRUE(project.contains("stages") && project.at("stages").is_array())
        << json::serialize(project);
    std::vector<std::pair<double, std::string>> by_x;
    for (const auto& s : project.at("stages").as_array()) {
      ASSERT_TRUE(s.is_object()) << "stages must be objects: " << json::serialize(project);
      const auto& o = s.as_object();
      g->stage_ids[str(o.at("name"))] = str(o.at("id"));
      by_x.emplace_back(o.at("position").as_object().at("x").to_number<double>(),
                        str(o.at("name")));
    }
    std::stable_sort(by_x.begin(), by_x.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [x, name] : by_x)
      g->stage_order.push_back(name);
    for (const char* name : {"Label", "Review"})
      ASSERT_TRUE(g->stage_ids.count(name)) << name << ": " << json::serialize(project);
    ASSERT_EQ(g->stage_ids["Start"], "Start") << json::serialize(project);
    ASSERT_EQ(g->stage_ids["Complete"], "Complete") << json::serialize(project);

    // The generated export and issue export, with the project's stage ids.
    json::object ids;
    for (auto& [name, id] : g->stage_ids)
      ids[name] = id;
    const fs::path export_file = g->dir / "export.ndjson", issues_file = g->dir / "issues.json";
    RunResult gen = run(quote(kPython) + " " + quote(kPeers + "/gen_generations_fixture.py") +
                        " --stage-ids " + quote(json::serialize(ids)) + " --export " +
                        quote(export_file.string()) + " --issues " + quote(issues_file.string()));
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    auto imported = ok_json(call("POST", "/api/projects/" + g->project + "/import",
                                 read_file(export_file), "application/x-ndjson"),
                            200, "import the export");
    ASSERT_EQ(imported["imported"].as_int64(), 6) << json::serialize(imported);
    RunResult issues = run("XPORT_HUB=" + quote(g->base) + " XPORT_API_KEY=" + quote(g->key) + " " +
                           quote(XPORT_BINARY) + " client project issues import " + g->project +
                           " " + quote(issues_file.string()));
    ASSERT_EQ(issues.exit_code, 0) << issues.out << issues.err;
    auto listed = ok_json(call("GET", "/api/projects/" + g->project + "/issues"), 200,
                          "GET /api/projects/{id}/issues");
    ASSERT_TRUE(listed.contains("issues")) << json::serialize(listed);
    ASSERT_EQ(listed.at("issues").as_array().size(), 3u) << json::serialize(listed);
  }

  void TearDown() override {
    if (!g) return;
    if (g->process) {
      g->process->signal(SIGTERM);
      auto code = g->process->wait_exit(15s);
      EXPECT_TRUE(code.has_value());
      if (code) {
        EXPECT_EQ(*code, 0) << g->process->err();
      }
    }
    std::error_code ec;
    fs::remove_all(g->dir, ec);
    delete g;
    g = nullptr;
  }
};

const auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new HubEnvironment);

// --- plugins -------------------------------------------------------------------------------
struct Gen {
  std::string sdk;        // 1.2 | 1.3 | newest
  std::string connector;  // ws | rest
};

void PrintTo(const Gen& gen, std::ostream* os) {
  *os << "SDK " << gen.sdk << " over " << gen.connector;
}

std::string gen_name(const ::testing::TestParamInfo<Gen>& info) {
  std::string s = "sdk_" + info.param.sdk + "_" + info.param.connector;
  std::replace(s.begin(), s.end(), '.', '_');
  return s;
}

// One plugin on the hub and its process.
struct Plugin {
  std::string id, secret, rest_url;
  std::unique_ptr<BackgroundProcess> process;
};

// Each plugin with an answer timeout of its own: 30 s is ample for these small runs on a slow
// machine, and a run an old SDK silently dropped ends well within the test's time.
Plugin start_plugin(const std::string& script, const Gen& gen, int timeout_seconds = 30) {
  Plugin p;
  std::uint16_t port = 0;
  json::object body{{"name", script + " " + gen.sdk + " " + gen.connector},
                    {"description", "SDK " + gen.sdk + " peer"},
                    {"defaultConfig", "{}"}};
  if (gen.connector == "rest") {
    port = free_port();
    p.rest_url = "http://127.0.0.1:" + std::to_string(port);
    body["restUrl"] = p.rest_url;
  }
  if (timeout_seconds > 0) body["timeoutSeconds"] = timeout_seconds;
  auto created = ok_json(call("POST", "/api/plugins", json::serialize(body)), 201,
                         "POST /api/plugins " + json::serialize(body));
  p.id = str(created.at("id"));
  p.secret = str(created.at("secret"));
  // `--secret=...` in one word: a secret may begin with "-" (argparse would take it for an option).
  std::vector<std::string> argv{kPython,
                                kPeers + "/plugins/" + script + ".py",
                                "--host=" + g->base,
                                "--id=" + p.id,
                                "--secret=" + p.secret,
                                "--sdk=" + gen.sdk,
                                "--connector=" + gen.connector};
  if (port) {
    argv.push_back("--port");
    argv.push_back(std::to_string(port));
  }
  std::string name = script + "-" + gen.sdk + "-" + gen.connector + "-" + p.id.substr(0, 6);
  p.process = std::make_unique<BackgroundProcess>(name, argv, g->dir);
  return p;
}

// CONNECTED on its stdout, then online on the hub (a REST plugin: once the hub's heartbeat
// probe got through). A slow machine: 60 s.
void wait_online(Plugin& p) {
  p.process->wait_for_output("CONNECTED", 60s);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto o = ok_json(call("GET", "/api/plugins/" + p.id), 200, "GET plugin");
    if (o.contains("onlineInstances") && o.at("onlineInstances").as_int64() >= 1) return;
    std::this_thread::sleep_for(100ms);
  }
  FAIL() << "plugin " << p.id << " did not come online; stderr:\n" << p.process->err();
}

// `xport client run start ... --wait` (bounded), the finished run as JSON.
json::object run_and_wait(const Plugin& p, const std::string& config,
                          const std::vector<std::string>& batches = {},
                          const std::string& stage = {}) {
  std::string cmd = "XPORT_HUB=" + quote(g->base) + " XPORT_API_KEY=" + quote(g->key) + " " +
                    quote(XPORT_BINARY) + " client --json run start " + g->project + " " + p.id +
                    " --config " + quote(config) + " --wait --timeout 120";
  for (const auto& b : batches)
    cmd += " --batch " + quote(b);
  if (!stage.empty()) cmd += " --stage " + quote(stage);
  RunResult r = run(cmd);
  boost::system::error_code ec;
  json::value v = json::parse(r.out, ec);
  EXPECT_FALSE(ec) << "xport client printed no JSON (exit " << r.exit_code << "): " << r.out
                   << r.err;
  return !ec && v.is_object() ? v.get_object() : json::object{};
}

std::string describe(const json::object& run, const Plugin& p) {
  return json::serialize(run) + "\nplugin stdout:\n" + p.process->out() + "\nplugin stderr:\n" +
         p.process->err();
}

std::map<std::string, std::string> result_of(const json::object& run, const std::string& name) {
  if (!run.contains("downloadUrl")) return {};
  const fs::path file = g->dir / (name + ".zip");
  http().download(str(run.at("downloadUrl")), {}, file);
  return zip_entries(file);
}

std::vector<std::string> log_lines(const std::string& session) {
  auto logs = ok_json(call("GET", "/api/runs/" + session + "/logs"), 200, "GET logs");
  std::vector<std::string> out;
  if (logs.contains("logs"))
    for (auto& l : logs.at("logs").as_array())
      out.push_back(str(l.as_object().at("level")) + " " + str(l.as_object().at("msg")));
  return out;
}

bool has_line(const std::vector<std::string>& lines, const std::string& part) {
  return std::any_of(lines.begin(), lines.end(),
                     [&](const std::string& l) { return l.find(part) != std::string::npos; });
}

std::string joined(const std::vector<std::string>& lines) {
  std::string s;
  for (auto& l : lines)
    s += l + "\n";
  return s;
}

// --- expected reports ----------------------------------------------------------------------
// passed/current per stage name (see stage_report.py and gen_generations_fixture.py).
using StageCounts = std::map<std::string, std::pair<int, int>>;

void expect_stage_report(const std::map<std::string, std::string>& entries,
                         const StageCounts& expected, const std::string& what) {
  ASSERT_EQ(entries.size(), 1u) << what;
  ASSERT_TRUE(entries.count("stage_report.csv")) << what;
  Csv csv = parse_csv(entries.at("stage_report.csv"));
  EXPECT_EQ(csv.header, (std::vector<std::string>{"position", "stageId", "stage", "type", "passed",
                                                  "current"}));
  ASSERT_EQ(csv.rows.size(), g->stage_order.size()) << what << "\n"
                                                    << entries.at("stage_report.csv");
  for (std::size_t i = 0; i < csv.rows.size(); ++i) {
    const auto& row = csv.rows[i];
    const std::string& name = g->stage_order[i];  // ordered by position.x
    EXPECT_EQ(row.at("stage"), name) << what << " row " << i;
    EXPECT_EQ(row.at("stageId"), g->stage_ids.at(name)) << what << " " << name;
    auto want = expected.count(name) ? expected.at(name) : std::pair<int, int>{0, 0};
    EXPECT_EQ(row.at("passed"), std::to_string(want.first)) << what << " " << name;
    EXPECT_EQ(row.at("current"), std::to_string(want.second)) << what << " " << name;
  }
}

struct TimeRow {
  std::string group, name, entries, total, mean;
};

void expect_time_report(const std::map<std::string, std::string>& entries,
                        const std::vector<TimeRow>& expected, const std::string& what) {
  ASSERT_TRUE(entries.count("time_per_task.csv")) << what;
  Csv csv = parse_csv(entries.at("time_per_task.csv"));
  EXPECT_EQ(csv.header,
            (std::vector<std::string>{"group", "name", "entries", "total_ms", "mean_ms"}));
  ASSERT_EQ(csv.rows.size(), expected.size()) << what << "\n" << entries.at("time_per_task.csv");
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const auto& row = csv.rows[i];
    EXPECT_EQ(row.at("group"), expected[i].group) << what << " row " << i;
    EXPECT_EQ(row.at("name"), expected[i].name) << what << " row " << i;
    EXPECT_EQ(row.at("entries"), expected[i].entries) << what << " " << expected[i].name;
    EXPECT_EQ(row.at("total_ms"), expected[i].total) << what << " " << expected[i].name;
    EXPECT_EQ(row.at("mean_ms"), expected[i].mean) << what << " " << expected[i].name;
  }
}

void expect_issue_export(const std::map<std::string, std::string>& entries,
                         const std::string& what) {
  ASSERT_TRUE(entries.count("issues.csv") && entries.count("issues_per_asset.csv")) << what;
  Csv issues = parse_csv(entries.at("issues.csv"));
  Csv per_asset = parse_csv(entries.at("issues_per_asset.csv"));
  ASSERT_EQ(issues.rows.size(), 3u) << what << "\n" << entries.at("issues.csv");
  ASSERT_EQ(per_asset.rows.size(), 6u) << what << "\n" << entries.at("issues_per_asset.csv");

  struct Want {
    const char *id, *external_id, *batches, *status, *code, *content, *comments, *x, *y;
  };
  const Want want[] = {
      {"issue-1", "img_001.jpg", "Batch A", "Open", "E01", "Falsche Klasse — bitte prüfen", "1",
       "412.5", "388.0"},
      {"issue-2", "img_001.jpg", "Lot ü", "Resolved", "E02", "Box too loose", "0", "10.0", "20.0"},
      {"issue-3", "straße_002.jpg", "Batch A;Lot ü", "Open", "E01", "Missing 🚲, label", "2", "1.0",
       "2.5"},
  };
  std::vector<std::string> asset_ids;
  for (const auto& w : want) {
    auto rows = issues.where("issueId", w.id);
    ASSERT_EQ(rows.size(), 1u) << what << " " << w.id;
    const auto& r = rows.front();
    EXPECT_EQ(r.at("externalId"), w.external_id) << what << " " << w.id;
    EXPECT_EQ(r.at("status"), w.status) << what << " " << w.id;
    EXPECT_EQ(r.at("errorCode"), w.code) << what << " " << w.id;
    EXPECT_EQ(r.at("content"), w.content) << what << " " << w.id;
    EXPECT_EQ(r.at("comments"), w.comments) << what << " " << w.id;
    EXPECT_EQ(r.at("x"), w.x) << what << " " << w.id;
    EXPECT_EQ(r.at("y"), w.y) << what << " " << w.id;
    // The asset it is on: the one of that externalId *and* those batches.
    std::string asset_id;
    for (const auto& a : per_asset.where("externalId", w.external_id))
      if (a.at("batches") == w.batches) asset_id = a.at("assetId");
    EXPECT_FALSE(asset_id.empty()) << what << " " << w.id << "\n"
                                   << entries.at("issues_per_asset.csv");
    EXPECT_EQ(r.at("assetId"), asset_id) << what << " " << w.id;
    asset_ids.push_back(asset_id);
  }
  EXPECT_NE(asset_ids[0], asset_ids[1]) << "two assets share img_001.jpg: " << what;

  // Issues (and open ones) per asset, every asset of the project listed once.
  std::map<std::string, std::pair<std::string, std::string>> per;  // externalId|batches -> n
  for (const auto& a : per_asset.rows)
    per[a.at("externalId") + "|" + a.at("batches")] = {a.at("issues"), a.at("open")};
  const std::map<std::string, std::pair<std::string, std::string>> expected{
      {"img_001.jpg|Batch A", {"1", "1"}},          {"img_001.jpg|Lot ü", {"1", "0"}},
      {"straße_002.jpg|Batch A;Lot ü", {"1", "1"}}, {"img_004.jpg|", {"0", "0"}},
      {"legacy_005.jpg|Batch A", {"0", "0"}},       {"légende_006.png|Lot ü", {"0", "0"}}};
  EXPECT_EQ(per, expected) << what << "\n" << entries.at("issues_per_asset.csv");
}

// --- every plugin kind, every generation ---------------------------------------------------
class SdkGenerations : public ::testing::TestWithParam<Gen> {};

TEST_P(SdkGenerations, EveryPluginKindCompletesRuns) {
  const Gen gen = GetParam();
  // A run that names no stage reaches the plugin with `stage: []` (docs/api.md, as the
  // platform sends it): no SDK sends a stage then (§6.1 "[] sends none"), all get every
  // asset. Runs with --stage Complete reach every generation as stage=["Complete"].
  const std::string what = "SDK " + gen.sdk + " over " + gen.connector;

  // Started together: the Python start-up (pandas) overlaps.
  std::map<std::string, Plugin> plugins;
  for (const char* script :
       {"sample", "stage_report", "time_per_task", "issue_export", "script_dispatcher"})
    plugins.emplace(script, start_plugin(script, gen));
  for (auto& [script, p] : plugins) {
    wait_online(p);
    ASSERT_FALSE(HasFatalFailure()) << script;
  }

  {  // The seed's sample.
    Plugin& p = plugins.at("sample");
    auto done = run_and_wait(p, R"({"separator-character": "|"})");
    ASSERT_EQ(str(done["state"]), "succeeded") << what << " sample: " << describe(done, p);
    auto entries = result_of(done, "sample-" + gen.sdk + gen.connector);
    ASSERT_EQ(entries.size(), 1u);
    ASSERT_TRUE(entries.count(g->project + ".json"));
    auto list = json::parse(entries.at(g->project + ".json")).as_array();
    EXPECT_EQ(list.size(), 6u) << entries.at(g->project + ".json");
    std::multiset<std::string> img_001;  // two assets share that externalId
    for (auto& a : list)
      if (str(a.at("externalId")) == "img_001.jpg") img_001.insert(str(a.at("Annotations")));
    EXPECT_EQ(img_001, (std::multiset<std::string>{"Car 412 388 236 142", "Bus 10 20 30 40"}));
    auto logs = log_lines(str(done["session"]));
    EXPECT_TRUE(has_line(logs, "INFO Plugin session is started!")) << joined(logs);
    EXPECT_TRUE(has_line(logs, "INFO Plugin session is finished!")) << joined(logs);
  }

  {  // The per-stage report: all of the project, stage Complete only, batch "Lot ü" only.
    Plugin& p = plugins.at("stage_report");
    auto done = run_and_wait(p, "{}");
    ASSERT_EQ(str(done["state"]), "succeeded") << what << " stage report: " << describe(done, p);
    expect_stage_report(
        result_of(done, "stages-" + gen.sdk + gen.connector),
        StageCounts{{"Start", {0, 0}}, {"Label", {4, 1}}, {"Review", {5, 2}}, {"Complete", {3, 3}}},
        what + " stage report");

    auto complete = run_and_wait(p, "{}", {}, "Complete");
    ASSERT_EQ(str(complete["state"]), "succeeded")
        << what << " stage report, stage Complete: " << describe(complete, p);
    expect_stage_report(result_of(complete, "stages-complete-" + gen.sdk + gen.connector),
                        StageCounts{{"Label", {2, 0}}, {"Review", {2, 0}}, {"Complete", {3, 3}}},
                        what + " stage report of stage Complete");

    auto lot = run_and_wait(p, "{}", {"Lot ü"});
    ASSERT_EQ(str(lot["state"]), "succeeded")
        << what << " stage report, batch: " << describe(lot, p);
    expect_stage_report(result_of(lot, "stages-lot-" + gen.sdk + gen.connector),
                        StageCounts{{"Label", {2, 1}}, {"Review", {3, 2}}},
                        what + " stage report of batch Lot ü");
  }

  {  // Time per annotator and per stage.
    Plugin& p = plugins.at("time_per_task");
    auto done = run_and_wait(p, "{}");
    ASSERT_EQ(str(done["state"]), "succeeded") << what << " time per task: " << describe(done, p);
    expect_time_report(
        result_of(done, "time-" + gen.sdk + gen.connector),
        std::vector<TimeRow>{{"annotator", "ana@example.com", "3", "110000", "36666.7"},
                             {"annotator", "rev@example.com", "3", "55000", "18333.3"},
                             {"annotator", "zoë@example.com", "1", "45000", "45000.0"},
                             {"stage", "Label", "4", "155000", "38750.0"},
                             {"stage", "Review", "3", "55000", "18333.3"}},
        what + " time per task");
  }

  {  // Issues: exportV3(type=issue) joined with get_assets pages.
    Plugin& p = plugins.at("issue_export");
    auto done = run_and_wait(p, "{}");
    ASSERT_EQ(str(done["state"]), "succeeded") << what << " issue export: " << describe(done, p);
    expect_issue_export(result_of(done, "issues-" + gen.sdk + gen.connector),
                        what + " issue export");
  }

  {  // The dispatcher runs the script the Config JSON names (here on stage Complete).
    Plugin& p = plugins.at("script_dispatcher");
    auto done = run_and_wait(p, R"({"script": "batch_counts"})", {}, "Complete");
    ASSERT_EQ(str(done["state"]), "succeeded") << what << " dispatcher: " << describe(done, p);
    auto entries = result_of(done, "dispatch-" + gen.sdk + gen.connector);
    ASSERT_TRUE(entries.count("batch_counts.csv")) << what;
    Csv csv = parse_csv(entries.at("batch_counts.csv"));
    std::map<std::string, std::string> counts;
    for (auto& r : csv.rows)
      counts[r.at("batch")] = r.at("assets");
    const std::map<std::string, std::string> expected{
        {"Batch A", "2"}, {"Lot ü", "0"}, {"(none)", "1"}};
    EXPECT_EQ(counts, expected) << what << "\n" << entries.at("batch_counts.csv");
    EXPECT_TRUE(has_line(log_lines(str(done["session"])), "INFO running script batch_counts"));
  }

  // Every run answered once, as "ok", on the plugin's side too.
  for (auto& [script, p] : plugins) {
    const std::string out = p.process->out();
    EXPECT_EQ(out.find(" error"), std::string::npos) << script << ":\n" << out;
  }
}

INSTANTIATE_TEST_SUITE_P(Peers, SdkGenerations,
                         ::testing::Values(Gen{"1.2", "ws"}, Gen{"1.3", "ws"}, Gen{"1.3", "rest"},
                                           Gen{"newest", "ws"}, Gen{"newest", "rest"}),
                         gen_name);

// --- failures ------------------------------------------------------------------------------
// An old SDK (1.2, 1.3) whose callback raises sends nothing at all (§6.1 "1.2 never answers";
// §6 "Old SDKs never answer when ... the callback ... fails"): the hub times the run out with
// the plugin's own timeout.
class SdkGenerationsSilent : public ::testing::TestWithParam<Gen> {};

TEST_P(SdkGenerationsSilent, RaisingCallbackNeverAnswersAndTheRunTimesOut) {
  Plugin p = start_plugin("script_dispatcher", GetParam(), 3);
  wait_online(p);
  ASSERT_FALSE(HasFatalFailure());
  const auto started = std::chrono::steady_clock::now();
  auto done = run_and_wait(p, R"({"script": "no_such_script"})");
  ASSERT_EQ(str(done["state"]), "timed_out") << describe(done, p);
  EXPECT_NE(str(done["message"]).find("did not answer within"), std::string::npos)
      << str(done["message"]);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 60s) << "the 3 s timeout was not used";
  const std::string session = str(done["session"]);
  EXPECT_NE(p.process->out().find("RUN " + session + " error"), std::string::npos)
      << p.process->out();
  // The logger still spoke (log lines are not answers).
  auto logs = log_lines(session);
  EXPECT_TRUE(has_line(logs, "ERROR unknown script 'no_such_script'")) << joined(logs);
}

INSTANTIATE_TEST_SUITE_P(Peers, SdkGenerationsSilent,
                         ::testing::Values(Gen{"1.2", "ws"}, Gen{"1.3", "ws"}, Gen{"1.3", "rest"}),
                         gen_name);

TEST(SdkGenerationsFailures, NewestSdkRaisingCallbackFailsTheRun) {
  Plugin p = start_plugin("script_dispatcher", Gen{"newest", "ws"});
  wait_online(p);
  ASSERT_FALSE(HasFatalFailure());
  auto done = run_and_wait(p, R"({"script": "no_such_script"})");
  ASSERT_EQ(str(done["state"]), "failed") << describe(done, p);
  EXPECT_FALSE(str(done["message"]).empty());
  auto logs = log_lines(str(done["session"]));
  EXPECT_TRUE(has_line(logs, "ERROR unknown script 'no_such_script'")) << joined(logs);
}

TEST(SdkGenerationsFailures, NewestRestPluginRaisingCallbackFailsWithItsHttp500) {
  Plugin p = start_plugin("script_dispatcher", Gen{"newest", "rest"});
  wait_online(p);
  ASSERT_FALSE(HasFatalFailure());
  auto done = run_and_wait(p, R"({"script": "../stage_report"})");
  ASSERT_EQ(str(done["state"]), "failed") << describe(done, p);
  // §6.1: "The hub must treat 4xx/5xx from POST /plugin as the run's failure, with the status
  // and body in the message."
  EXPECT_NE(str(done["message"]).find("500"), std::string::npos) << str(done["message"]);
  EXPECT_NE(str(done["message"]).find("Internal Server Error"), std::string::npos)
      << str(done["message"]);
}

// The REST connector itself, as §6.1 describes FastAPI's: the body parsed before the secret.
TEST(SdkGenerationsFailures, RestConnectorAnswersLikeTheSdks) {
  Plugin p = start_plugin("sample", Gen{"newest", "rest"});
  p.process->wait_for_output("CONNECTED", 60s);
  auto post = [&](const std::string& body, const std::string& secret) {
    net::Request r;
    r.method = "POST";
    r.url = p.rest_url + "/plugin";
    r.headers = {{"Content-Type", "application/json"}};
    if (!secret.empty()) r.headers.emplace_back("Secret", secret);
    r.body = body;
    return http().request(r);
  };
  EXPECT_EQ(post("{not json", "").status, 422);
  EXPECT_EQ(post("{not json", p.secret).status, 422);
  EXPECT_EQ(post("{}", "").status, 401);
  EXPECT_EQ(post("{}", "wrong").status, 401);
  net::Request hb;
  hb.method = "GET";
  hb.url = p.rest_url + "/heartbeat";
  EXPECT_EQ(http().request(hb).status, 401);
  hb.headers = {{"Secret", p.secret}};
  auto ok = http().request(hb);
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, "\"ok\"");
}

TEST(SdkGenerationsFailures, Sdk12HasNoRestConnector) {
  BackgroundProcess p(
      "sdk12-rest",
      {kPython, kPeers + "/plugins/sample.py", "--host", g->base, "--id", "x", "--secret", "y",
       "--sdk", "1.2", "--connector", "rest", "--port", std::to_string(free_port())},
      g->dir);
  auto code = p.wait_exit(60s);
  ASSERT_TRUE(code.has_value());
  EXPECT_NE(*code, 0);
  EXPECT_NE(p.err().find("SDK 1.2 has no REST connector"), std::string::npos) << p.err();
}

}  // namespace
}  // namespace xport::test
