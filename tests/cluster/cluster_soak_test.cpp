// The cluster with every real part, on loopback: HAProxy (deploy/haproxy.cfg) in front of 3
// hubs sharing PostgreSQL (the pg fixture) and a Ceph RGW bucket (the rgw fixture), 8
// `xport plugin` instances of 2 plugins connected through the balancer, runs submitted
// through it and a browser on hub 1 (Debian's python3-socketio on /ui; like the web UI it
// reconnects and fetches what it missed when its link drops: python-engineio drops a link on
// which it sent nothing for 30 s, which a ping a few seconds late causes on a loaded machine).
//   Batch 1 (XPORT_SOAK_RUNS, 1,000 by default): every run ends exactly once and succeeds,
//     its result is in the bucket under the key its download link names, and the browser
//     gets exactly one notification per run, whichever hub dispatched it.
//   Batch 2 (300): hub 3 is SIGKILLed while it holds runs. Nothing committed is lost: every
//     run submitted ends, the instances reconnect through the balancer, the runs hub 3 held
//     are answered through another hub, dispatched again (plugin A, redispatchOnHubLoss) or
//     fail saying why (plugin B).
// It asserts what must hold, never how fast: the figures (runs/s, p50/p99 Run→succeeded,
// each process's peak RSS) are printed as "SOAK ..." lines for the bench notes
// (docs/performance.md, "Several hubs").
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "s3/s3_client.hpp"
#include "support/background_process.hpp"
#include "support/balancer.hpp"
#include "support/hub_process.hpp"
#include "support/process.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

const std::string kBucket = "xport-soak";
const std::string kKeys = std::string(XPORT_SOURCE_DIR) + "/tests/infra/ceph-test-keys";

std::int64_t num(const json::value& v) {
  return v.is_int64() ? v.as_int64() : 0;
}

std::size_t soak_runs() {
  const char* n = std::getenv("XPORT_SOAK_RUNS");
  return n && *n ? static_cast<std::size_t>(std::stoul(n)) : 1000;
}

// Peak resident memory of a process (VmHWM), in MiB; -1 when it is gone.
double peak_rss_mib(int pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line))
    if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;
  return -1;
}
// The children of `pid` (PostgreSQL's backends), by their stat's parent field.
std::vector<int> children_of(int pid) {
  std::vector<int> kids;
  for (const auto& entry : fs::directory_iterator("/proc")) {
    const std::string name = entry.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream in(entry.path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(in)), {});
    const auto close = stat.rfind(')');
    if (close == std::string::npos) continue;
    std::istringstream rest(stat.substr(close + 2));
    char state = 0;
    int parent = 0;
    rest >> state >> parent;
    if (parent == pid) kids.push_back(std::stoi(name));
  }
  return kids;
}

double percentile(std::vector<std::int64_t> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const auto i = static_cast<std::size_t>(p * static_cast<double>(values.size() - 1) + 0.5);
  return static_cast<double>(values[std::min(i, values.size() - 1)]);
}

class ClusterSoak : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test_database_server())
      GTEST_SKIP() << "the cluster needs PostgreSQL (XPORT_TEST_DATABASE)";
    bucket_ = std::make_unique<s3::S3Client>(
        s3::S3Config::parse("s3://" + kBucket + "?endpoint=" + std::string(XPORT_TEST_S3_ENDPOINT) +
                            "&credentials=" + kKeys));
    bucket_->create_bucket();
    database_ = fresh_database_url("cluster-soak");
  }

  HubProcess& add_hub() {
    const std::size_t n = hubs_.size() + 1;
    const fs::path dir = dir_.path() / ("hub" + std::to_string(n));
    fs::create_directories(dir / "data");
    if (n > 1)
      for (const char* key : {"secret-box.key", "url-signing.key"})
        fs::copy_file(dir_.path() / "hub1" / "data" / key, dir / "data" / key);
    const std::string objects = "s3://" + kBucket +
                                "?endpoint=" + std::string(XPORT_TEST_S3_ENDPOINT) +
                                "&prefix=" + prefix_ + "&credentials=" + kKeys;
    hubs_.push_back(std::make_unique<HubProcess>(
        dir, database_, n == 1 ? std::string() : hubs_.front()->admin_key(),
        std::vector<std::string>{"--objects", objects}));
    return *hubs_.back();
  }
  std::string hub_id(std::size_t n) const {
    return read_trimmed(dir_.path() / ("hub" + std::to_string(n)) / "data" / "hub-id");
  }

  void add_instances(const std::string& balancer, const std::pair<std::string, std::string>& p,
                     int count) {
    for (int i = 0; i < count; ++i)
      plugins_.push_back(std::make_unique<BackgroundProcess>(
          "plugin-" + std::to_string(plugins_.size() + 1),
          std::vector<std::string>{XPORT_BINARY, "plugin", "--host", balancer, "--id", p.first,
                                   "--secret", p.second, "--concurrency", "2"},
          dir_.path()));
  }
  bool wait_instances(const std::string& plugin, std::int64_t n, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
      if (num(hubs_.front()->json_call("GET", "/api/plugins/" + plugin)["onlineInstances"]) == n)
        return true;
      std::this_thread::sleep_for(200ms);
    }
    return false;
  }

  // Submits `n` runs of `project` through the balancer, alternating `plugins`, on 4 threads;
  // returns the sessions the hubs answered 201 with (a refused submission is a failure).
  std::vector<std::string> submit(const std::string& balancer, const std::string& project,
                                  const std::vector<std::string>& plugins, std::size_t n) {
    std::vector<std::string> sessions(n);
    std::atomic<std::size_t> next{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t)
      threads.emplace_back([&] {
        for (std::size_t i = next++; i < n; i = next++) {
          const json::object body{
              {"project", project}, {"plugin", plugins[i % plugins.size()]}, {"config", "{}"}};
          auto res = hubs_.front()->call("POST", balancer + "/api/runs", json::serialize(body));
          if (res.status == 201) sessions[i] = str(json::parse(res.body).at("session"));
        }
      });
    for (auto& t : threads)
      t.join();
    std::vector<std::string> made;
    for (auto& s : sessions)
      if (!s.empty()) made.push_back(s);
    EXPECT_EQ(made.size(), n) << "submissions the balancer's hubs refused";
    return made;
  }

  // The project's runs, once none is queued or dispatched (bounded by `timeout`).
  std::map<std::string, json::object> wait_all_ended(const std::string& project,
                                                     std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (!list_runs(project, "queued", 1).empty() ||
           !list_runs(project, "dispatched", 1).empty()) {
      if (Clock::now() > deadline) {
        ADD_FAILURE() << "runs of " << project << " still open after " << timeout.count() << " s";
        break;
      }
      std::this_thread::sleep_for(250ms);
    }
    std::map<std::string, json::object> runs;
    for (auto& r : list_runs(project, "", 1000))
      runs[str(r["session"])] = std::move(r);
    return runs;
  }
  // GET /api/runs of `project` in `state` ("": any), at most `limit`.
  std::vector<json::object> list_runs(const std::string& project, const std::string& state,
                                      int limit) {
    std::vector<json::object> runs;
    auto page = hubs_.front()->json_call("GET", "/api/runs?limit=" + std::to_string(limit) +
                                                    "&project=" + project + "&state=" + state);
    if (page.contains("runs"))
      for (auto& r : page["runs"].as_array())
        runs.push_back(r.as_object());
    return runs;
  }
  // Whether at least `n` runs of `project` have ended (a page of `n`: the listing is heavy).
  bool ended_at_least(const std::string& project, std::size_t n) {
    const int page = static_cast<int>(n);
    const std::size_t succeeded = list_runs(project, "succeeded", page).size();
    return succeeded >= n || succeeded + list_runs(project, "failed", page).size() >= n;
  }
  // Whether `hub` has sent a run of `project` that its plugin has not answered yet.
  bool holds_a_run(const std::string& project, const std::string& hub) {
    for (auto& r : list_runs(project, "dispatched", 100))
      if (str(r["dispatchedBy"]) == hub) return true;
    return false;
  }

  // Waits (bounded) until the browser has had a notification for each of `sessions`, then
  // expects exactly one for each.
  static void expect_one_notification_each(BackgroundProcess& ui,
                                           const std::vector<std::string>& sessions) {
    std::map<std::string, int> seen;
    const std::regex line("NOTIFICATION \\S+ (\\S+)");
    const auto deadline = Clock::now() + 30s;
    auto missing = sessions.size();
    while (missing > 0 && Clock::now() < deadline) {
      std::this_thread::sleep_for(250ms);
      seen.clear();
      const std::string out = ui.out();
      for (std::sregex_iterator it(out.begin(), out.end(), line), end; it != end; ++it)
        ++seen[(*it)[1].str()];
      missing = static_cast<std::size_t>(std::count_if(
          sessions.begin(), sessions.end(), [&](const std::string& s) { return !seen.count(s); }));
    }
    std::size_t twice = 0;
    for (const auto& s : sessions)
      twice += seen.count(s) && seen[s] > 1;
    EXPECT_EQ(missing, 0u) << "runs without a notification, of " << sessions.size()
                           << "; the browser's errors: " << ui.err();
    EXPECT_EQ(twice, 0u) << "runs notified more than once";
  }
  // How the browser got its notifications: pushed, or fetched when it reconnected.
  static void report_browser(BackgroundProcess& ui) {
    const std::string out = ui.out();
    auto count = [&out](const std::regex& r) {
      return std::distance(std::sregex_iterator(out.begin(), out.end(), r), std::sregex_iterator());
    };
    const auto fetched = count(std::regex("NOTIFICATION \\S+ \\S+ fetched"));
    std::printf(
        "SOAK browser on hub 1: %ld notifications pushed, %ld fetched after %ld "
        "reconnections\n",
        static_cast<long>(count(std::regex("NOTIFICATION ")) - fetched), static_cast<long>(fetched),
        static_cast<long>(count(std::regex("UI RECONNECTED"))));
  }

  void report_batch(const std::string& name, const std::map<std::string, json::object>& runs,
                    double seconds) {
    std::vector<std::int64_t> total, service;
    for (const auto& [session, r] : runs) {
      if (str(r.at("state")) != "succeeded") continue;
      total.push_back(num(r.at("durationMs")));
      service.push_back(num(r.at("finishedAt")) - num(r.at("dispatchedAt")));
    }
    std::printf(
        "SOAK %s: %zu runs, %zu succeeded, %.1f s from the first submission to the last end, "
        "%.1f runs/s; Run->succeeded p50 %.0f ms p99 %.0f ms; dispatched->succeeded p50 %.0f "
        "ms p99 %.0f ms\n",
        name.c_str(), runs.size(), total.size(), seconds,
        static_cast<double>(runs.size()) / seconds, percentile(total, 0.5), percentile(total, 0.99),
        percentile(service, 0.5), percentile(service, 0.99));
  }
  void report_memory(const Balancer& balancer) {
    for (std::size_t i = 0; i < hubs_.size(); ++i)
      if (hubs_[i]->pid() > 0)
        std::printf("SOAK peak RSS hub%zu %.1f MiB\n", i + 1, peak_rss_mib(hubs_[i]->pid()));
    for (const auto& p : plugins_)
      std::printf("SOAK peak RSS %s %.1f MiB\n", p->name().c_str(), peak_rss_mib(p->pid()));
    std::printf("SOAK peak RSS haproxy %.1f MiB\n", peak_rss_mib(balancer.pid()));
    report_server_memory();
  }
  void report_server_memory() {
    const int postmaster =
        std::atoi(read_trimmed(XPORT_TEST_PG_DIR "/data/postmaster.pid").c_str());
    double backends = 0;
    for (int kid : children_of(postmaster))
      backends = std::max(backends, peak_rss_mib(kid));
    std::printf("SOAK peak RSS postgres %.1f MiB (largest backend %.1f MiB)\n",
                peak_rss_mib(postmaster), backends);
    for (const auto& entry : fs::directory_iterator(XPORT_TEST_RGW_DIR "/run"))
      if (entry.path().extension() == ".pid")
        std::printf("SOAK peak RSS ceph %s %.1f MiB\n", entry.path().stem().c_str(),
                    peak_rss_mib(std::atoi(read_trimmed(entry.path()).c_str())));
  }

  TempDir dir_;
  std::string database_;
  std::string prefix_ = "soak-" + std::to_string(::getpid()) + "/";
  std::unique_ptr<s3::S3Client> bucket_;
  std::vector<std::unique_ptr<HubProcess>> hubs_;
  std::vector<std::unique_ptr<BackgroundProcess>> plugins_;
};

// Every succeeded run's result is in the bucket, under the key its download link names.
void expect_results_in_bucket(const s3::S3Client& bucket, const std::string& prefix,
                              const std::string& project,
                              const std::map<std::string, json::object>& runs) {
  std::set<std::string> keys;
  for (const auto& o : bucket.list_all(prefix + "uploads/" + project + "/"))
    keys.insert(o.key);
  std::size_t missing = 0, checked = 0;
  for (const auto& [session, r] : runs) {
    if (str(r.at("state")) != "succeeded") continue;
    const std::string link = str(r.at("downloadUrl"));
    const auto start = link.find("/" + kBucket + "/");
    const auto end = link.find('?');
    const std::string key =
        start == std::string::npos
            ? ""
            : link.substr(start + kBucket.size() + 2, end - start - kBucket.size() - 2);
    ++checked;
    if (!keys.count(key)) {
      if (++missing < 5)
        ADD_FAILURE() << "run " << session << ": no object " << key << " (" << link << ")";
    }
  }
  EXPECT_EQ(missing, 0u) << "of " << checked << " results";
}

TEST_F(ClusterSoak, ThreeHubsBehindHaproxyRunEveryRunOnceAndSurviveASigkilledHub) {
  HubProcess& hub1 = add_hub();
  add_hub();
  add_hub();
  fs::create_directories(dir_.path() / "haproxy");
  Balancer balancer(dir_.path() / "haproxy", {port_of(hubs_[0]->base()), port_of(hubs_[1]->base()),
                                              port_of(hubs_[2]->base())});
  ASSERT_TRUE(balancer.started()) << balancer.start_log();
  const std::string lb = balancer.url();

  const std::string project1 = hub1.create_project("Soak batch 1");
  const std::string project2 = hub1.create_project("Soak batch 2");
  const std::string ndjson =
      read_trimmed(std::string(XPORT_SHARED_DIR) + "/samples/sample_v3.ndjson") + "\n";
  ASSERT_GT(hub1.import_ndjson(project1, ndjson), 0);
  ASSERT_GT(hub1.import_ndjson(project2, ndjson), 0);
  auto a = hub1.create_plugin("A (runs of a lost hub dispatched again)");
  auto b = hub1.create_plugin("B (runs of a lost hub fail)");
  hub1.json_call("PATCH", "/api/plugins/" + a.first, R"({"redispatchOnHubLoss":true})");
  add_instances(lb, a, 4);
  add_instances(lb, b, 4);
  ASSERT_TRUE(wait_instances(a.first, 4, 30s) && wait_instances(b.first, 4, 30s));
  BackgroundProcess ui(
      "browser-on-hub1",
      {"/usr/bin/python3", std::string(XPORT_SOURCE_DIR) + "/tests/peers/ui_client.py", hub1.base(),
       hub1.admin_key(), "--catch-up"},
      dir_.path());
  ui.wait_for_output("UI CONNECTED");

  // Batch 1: every run succeeds, once, with its result in the bucket and its notification.
  const std::size_t n1 = soak_runs();
  const auto t1 = Clock::now();
  const auto sessions1 = submit(lb, project1, {a.first, b.first}, n1);
  auto runs1 = wait_all_ended(project1, std::chrono::seconds(60 + n1 / 5));
  const double seconds1 = std::chrono::duration<double>(Clock::now() - t1).count();
  ASSERT_EQ(runs1.size(), sessions1.size());
  std::map<std::string, int> dispatched_by;
  for (const auto& [session, r] : runs1) {
    EXPECT_EQ(str(r.at("state")), "succeeded") << json::serialize(r);
    ++dispatched_by[str(r.at("dispatchedBy"))];
  }
  EXPECT_EQ(dispatched_by.size(), 3u) << "every hub dispatches runs";
  expect_results_in_bucket(*bucket_, prefix_, project1, runs1);
  expect_one_notification_each(ui, sessions1);
  report_batch("batch 1", runs1, seconds1);

  // Batch 2: hub 3 dies with runs in its hands once a fifth of the batch has ended.
  const std::size_t n2 = 300;
  const auto t2 = Clock::now();
  const auto sessions2 = submit(lb, project2, {a.first, b.first}, n2);
  const std::string lost = hub_id(3);
  const auto deadline = Clock::now() + 60s;
  // Hub 3 is frozen (SIGSTOP) while the test looks at what it holds, so that the run it holds
  // cannot end between the look and the kill: runs take well under a second here.
  const pid_t hub3 = hubs_[2]->pid();
  while (Clock::now() < deadline) {
    if (ended_at_least(project2, n2 / 5)) {
      ::kill(hub3, SIGSTOP);
      if (holds_a_run(project2, lost)) break;
      ::kill(hub3, SIGCONT);
    }
    std::this_thread::sleep_for(100ms);
  }
  const std::int64_t killed_at = std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::system_clock::now().time_since_epoch())
                                     .count();
  std::printf("SOAK peak RSS hub3 %.1f MiB (before its SIGKILL)\n", peak_rss_mib(hubs_[2]->pid()));
  hubs_[2]->kill();
  auto runs2 = wait_all_ended(project2, 120s);
  const double seconds2 = std::chrono::duration<double>(Clock::now() - t2).count();
  ASSERT_EQ(runs2.size(), sessions2.size()) << "runs committed before the kill are all there";
  std::size_t requeued = 0, failed = 0, held = 0;
  std::map<std::string, int> in_flight;  // at the kill, by the hub that had sent them
  const std::string why = "hub " + lost + ", which had sent this run to its plugin, stopped";
  for (auto& [session, r] : runs2) {
    const std::string state = str(r.at("state"));
    const bool of_a = str(r.at("pluginId")) == a.first;
    // Sent by hub 3 and not answered when it died (a plugin may still answer it through
    // another hub: the result is not lost either way).
    held += str(r.at("dispatchedBy")) == lost && num(r.at("finishedAt")) > killed_at;
    if (num(r.at("dispatchedAt")) < killed_at && num(r.at("finishedAt")) > killed_at)
      ++in_flight[str(r.at("dispatchedBy"))];
    if (of_a) {
      EXPECT_EQ(state, "succeeded") << json::serialize(r);
      auto logs = hub1.json_call("GET", "/api/runs/" + session + "/logs");
      requeued += json::serialize(logs).find("queued again") != std::string::npos;
    } else if (state != "succeeded") {
      ++failed;
      EXPECT_EQ(state, "failed") << json::serialize(r);
      EXPECT_NE(str(r.at("message")).find(why), std::string::npos) << json::serialize(r);
    }
  }
  EXPECT_GT(held + requeued, 0u) << "hub 3 held no run when it was killed";
  expect_results_in_bucket(*bucket_, prefix_, project2, runs2);
  expect_one_notification_each(ui, sessions2);
  // The instances hub 3 had reconnected through the balancer to the hubs left.
  EXPECT_TRUE(wait_instances(a.first, 4, 30s) && wait_instances(b.first, 4, 30s));
  for (const auto& p : plugins_)
    EXPECT_FALSE(p->wait_exit(0ms).has_value()) << p->name() << " exited: " << p->err();
  report_batch("batch 2 (hub 3 SIGKILLed)", runs2, seconds2);
  std::printf(
      "SOAK batch 2: %zu runs sent by hub 3 were unanswered when it died and ended later; "
      "%zu runs of plugin A were dispatched again and succeeded, %zu runs of plugin B failed "
      "with the lost hub's message\n",
      held, requeued, failed);
  for (const auto& [hub, n] : in_flight)
    std::printf("SOAK batch 2: %d runs in flight at the kill had been sent by %s%s\n", n,
                hub.c_str(), hub == lost ? " (the hub killed)" : "");
  report_browser(ui);
  report_memory(balancer);
}

}  // namespace
}  // namespace xport::test

namespace xport::test {
namespace {

// A run of `project` with `plugin` started on `hub`: its session.
std::string start_run(HubProcess& hub, const std::string& project, const std::string& plugin) {
  return str(hub.start_run(project, plugin)["session"]);
}

// Two hubs sharing PostgreSQL and one bucket when the S3 gateway stops for 10 s (item 3 of
// issue 14, on several hubs). Each plugin's instance is on the other hub than the one its
// run is started on, so both hubs' S3 clients meet the outage (each reads the export its
// plugin asks it for). Both runs end with the cause, neither stays dispatched; both hubs keep
// answering their API meanwhile; the instances survive; once the gateway is back, the same
// runs succeed across the hubs with their results in the bucket. It stops the fixture's
// gateway, so it runs alone (RUN_SERIAL).
TEST_F(ClusterSoak, TheGatewayStoppedForTenSecondsUnderTwoHubsEndsTheirRunsThenBothServeAgain) {
  HubProcess& hub1 = add_hub();
  HubProcess& hub2 = add_hub();
  const auto p1 = hub1.create_plugin("export via hub 2");
  const auto p2 = hub1.create_plugin("export via hub 1");
  add_instances(hub2.base(), p1, 1);  // runs started on hub 1 reach it through hub 2
  add_instances(hub1.base(), p2, 1);
  ASSERT_TRUE(wait_instances(p1.first, 1, 20s)) << plugins_[0]->err();
  ASSERT_TRUE(wait_instances(p2.first, 1, 20s)) << plugins_[1]->err();
  // Projects whose exports are in the bucket (written after the import): each run needs its own.
  const std::string a = hub1.create_project("Exported by hub 2");
  const std::string b = hub1.create_project("Exported by hub 1");
  ASSERT_GT(hub1.import_ndjson(a, sample_ndjson()), 0);
  ASSERT_GT(hub1.import_ndjson(b, sample_ndjson()), 0);

  std::thread outage([] {
    const std::string cmd = std::string(XPORT_SOURCE_DIR) + "/tests/infra/ceph.sh pause-rgw " +
                            XPORT_TEST_RGW_DIR + " 10 >/dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0) << cmd;
  });
  std::this_thread::sleep_for(2s);  // the gateway is down now
  const std::string during_a = start_run(hub1, a, p1.first);
  const std::string during_b = start_run(hub2, b, p2.first);
  // Both hubs keep serving what does not need the bucket.
  EXPECT_EQ(hub1.call("GET", "/api/projects").status, 200);
  EXPECT_EQ(hub2.call("GET", "/api/projects").status, 200);
  json::object ended_a = hub2.wait_finished(during_a, 60s);
  json::object ended_b = hub1.wait_finished(during_b, 60s);
  outage.join();
  for (auto* ended : {&ended_a, &ended_b}) {
    EXPECT_EQ(str((*ended)["state"]), "failed") << json::serialize(*ended);
    const std::string why = str((*ended)["message"]);
    // A HEAD of the export written after the import, or the PUT of a new one.
    const std::string key = " " + kBucket + "/" + prefix_ + "exports/";
    EXPECT_TRUE(why.find("S3 HEAD" + key) != std::string::npos ||
                why.find("S3 PUT" + key) != std::string::npos)
        << why;
    EXPECT_NE(why.find("unreachable after 4 tries"), std::string::npos) << why;
  }
  for (auto& p : plugins_)
    EXPECT_FALSE(p->wait_exit(0ms).has_value()) << p->err();

  // The gateway is back: the same runs succeed, each across the hubs, results in the bucket.
  for (auto [hub, project, plugin] :
       {std::tuple{&hub1, a, p1.first}, std::tuple{&hub2, b, p2.first}}) {
    json::object after = hub->wait_finished(start_run(*hub, project, plugin), 60s);
    ASSERT_EQ(str(after["state"]), "succeeded") << json::serialize(after);
    net::Request r;
    r.url = str(after["downloadUrl"]);
    const net::HttpResponse res = net::HttpClient().request(r);
    EXPECT_EQ(res.status, 200) << r.url;
    EXPECT_EQ(res.body.substr(0, 2), "PK");
  }
}

}  // namespace
}  // namespace xport::test
