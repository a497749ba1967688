// Back-pressure under load (issue 14, item 7): 1,000 runs submitted at once to a plugin with
// 8 instances (`xport plugin` processes) whose `instanceConcurrency` is 2. No instance ever
// holds more than 2 runs (each run's log says how many its instance held when it was sent),
// the others wait queued (past the hub's offline wait, 1.5 s here, when the load lasts that
// long) without failing, every run is sent once and succeeds once. Prints the dispatch wait and run
// time percentiles, and the hub's peak RSS and CPU time: figures, not assertions.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <memory>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "support/background_process.hpp"
#include "support/hub_process.hpp"
#include "support/proc_stats.hpp"
#include "support/temp_dir.hpp"

namespace xport::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

constexpr int kInstances = 8;
constexpr int kConcurrency = 2;
constexpr int kRuns = 1000;
constexpr int kSubmitters = 4;

std::string field(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

std::int64_t number(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_int64() ? v->as_int64() : -1;
}

std::int64_t percentile(std::vector<std::int64_t> v, double p) {
  if (v.empty()) return -1;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

TEST(BackPressure, AThousandRunsOnEightInstancesEachHoldingAtMostItsConcurrency) {
  TempDir dir;
  HubProcess hub(dir.path());
  const std::string project = hub.create_project("Load");
  ASSERT_EQ(hub.import_ndjson(project, R"({"externalId":"a.jpg","asset":"a.jpg","tasks":[]})"
                                       "\n"),
            1);
  const auto [plugin, secret] = hub.create_plugin("Sample");
  ASSERT_FALSE(plugin.empty());
  hub.json_call("PATCH", "/api/plugins/" + plugin,
                json::serialize(json::object{{"instanceConcurrency", kConcurrency}}), 200);

  std::vector<std::unique_ptr<BackgroundProcess>> instances;
  for (int i = 0; i < kInstances; ++i)
    instances.push_back(std::make_unique<BackgroundProcess>(
        "plugin-" + std::to_string(i),
        std::vector<std::string>{XPORT_BINARY, "plugin", "--host", hub.base(), "--id", plugin,
                                 "--secret", secret, "--format", "sample", "--concurrency",
                                 std::to_string(kConcurrency), "--log-level", "warn"},
        dir.path()));
  const auto online_deadline = std::chrono::steady_clock::now() + 30s;
  while (number(hub.json_call("GET", "/api/plugins/" + plugin), "onlineInstances") < kInstances &&
         std::chrono::steady_clock::now() < online_deadline)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(number(hub.json_call("GET", "/api/plugins/" + plugin), "onlineInstances"), kInstances);

  // All at once, from a few threads.
  const auto cpu_before = cpu_seconds(hub.pid());
  std::vector<std::vector<std::string>> started(kSubmitters);
  {
    std::vector<std::thread> submitters;
    for (int t = 0; t < kSubmitters; ++t)
      submitters.emplace_back([&, t] {
        const std::string body =
            json::serialize(json::object{{"project", project}, {"plugin", plugin}});
        for (int i = t; i < kRuns; i += kSubmitters) {
          auto r = hub.call("POST", "/api/runs", body);
          auto v = json::parse(r.body);
          if (r.status == 201) started[t].push_back(field(v.as_object(), "session"));
        }
      });
    for (auto& s : submitters)
      s.join();
  }
  std::vector<std::string> sessions;
  for (auto& part : started)
    sessions.insert(sessions.end(), part.begin(), part.end());
  ASSERT_EQ(sessions.size(), static_cast<std::size_t>(kRuns));

  const std::string listing = "/api/runs?project=" + project + "&limit=1000&state=";
  const auto end_deadline = std::chrono::steady_clock::now() + 300s;
  std::size_t ended = 0;
  while (std::chrono::steady_clock::now() < end_deadline) {
    ended = 0;
    for (const char* state : {"succeeded", "failed", "timed_out"})
      ended += hub.json_call("GET", listing + state)["runs"].as_array().size();
    if (ended >= static_cast<std::size_t>(kRuns)) break;
    std::this_thread::sleep_for(250ms);
  }
  const double cpu = cpu_seconds(hub.pid()) - cpu_before;
  const auto succeeded = hub.json_call("GET", listing + "succeeded")["runs"].as_array();
  EXPECT_EQ(succeeded.size(), static_cast<std::size_t>(kRuns))
      << "failed: " << json::serialize(hub.json_call("GET", listing + "failed")["runs"]);

  // Each run: sent once, to an instance that then held at most kConcurrency runs, this one
  // included.
  const std::regex sent(
      "hub: sent to .* instance \\S+ \\(.*; (\\d+) run\\(s\\) in flight there\\)");
  std::size_t over = 0, resent = 0;
  std::vector<std::int64_t> waits, durations;
  for (const auto& v : succeeded) {
    const json::object& run = v.as_object();
    const std::string session = field(run, "session");
    int sends = 0;
    const json::object logs = hub.json_call("GET", "/api/runs/" + session + "/logs");
    for (const auto& line : logs.at("logs").as_array()) {
      const std::string msg = field(line.as_object(), "msg");
      std::smatch m;
      if (!std::regex_search(msg, m, sent)) continue;
      ++sends;
      if (std::stoi(m[1].str()) > kConcurrency) ++over;  // it counts the run itself
    }
    resent += sends != 1;
    waits.push_back(number(run, "dispatchedAt") - number(run, "createdAt"));
    durations.push_back(number(run, "finishedAt") - number(run, "dispatchedAt"));
  }
  EXPECT_EQ(over, 0u) << "runs sent to an instance already holding " << kConcurrency;
  EXPECT_GT(waits.size(), 0u);
  EXPECT_EQ(resent, 0u) << "runs not sent exactly once";
  // The hub's offline wait is 1.5 s: a run waiting for room longer than that does not fail
  // (DispatchRouting.AnInstanceTakesAtMostItsCapacity... checks it with fake time).
  const auto past_offline_wait =
      std::count_if(waits.begin(), waits.end(), [](std::int64_t w) { return w > 1500; });

  std::printf(
      "LOAD %d runs, %d instances x %d: queued->dispatched p50 %lld ms p99 %lld ms; "
      "dispatched->succeeded p50 %lld ms p99 %lld ms; %ld runs waited past the offline wait; "
      "hub peak RSS %ld MiB, CPU %.1f s\n",
      kRuns, kInstances, kConcurrency, static_cast<long long>(percentile(waits, 0.5)),
      static_cast<long long>(percentile(waits, 0.99)),
      static_cast<long long>(percentile(durations, 0.5)),
      static_cast<long long>(percentile(durations, 0.99)), static_cast<long>(past_offline_wait),
      status_kb(hub.pid(), "VmHWM") / 1024, cpu);
}

}  // namespace
}  // namespace xport::test
