// A plugin SIGSTOPped while it holds a run (issue 14, item 3): its socket stays open, so the
// hub cannot tell it from a slow one; the run ends at its plugin's answer timeout with the
// reason, and its user is notified once. SIGCONTed, the plugin wakes up to the run: what it
// asks with the run's token and the answer it sends are refused ("already timed_out"), the
// run stays timed out, and the instance serves the next run.
#include <gtest/gtest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <thread>

#include "support/background_process.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

namespace xport::test {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

std::string text(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->as_string()) : std::string();
}

TEST(PluginStopped, ARunOfASigstoppedPluginTimesOutAndItsLateAnswerIsRefused) {
  TempDir dir;
  HubProcess hub(dir.path());
  const std::string project = hub.create_project("Stopped");
  ASSERT_EQ(hub.import_ndjson(project, R"({"externalId":"a.jpg","asset":"a.jpg","tasks":[]})"
                                       "\n"),
            1);
  const auto [plugin, secret] = hub.create_plugin("Sample");
  hub.json_call("PATCH", "/api/plugins/" + plugin, R"({"timeoutSeconds": 3})", 200);
  BackgroundProcess instance("plugin",
                             {XPORT_BINARY, "plugin", "--host", hub.base(), "--id", plugin,
                              "--secret", secret, "--format", "sample"},
                             dir.path());
  ASSERT_TRUE(hub.wait_online(plugin, 20s)) << instance.err();

  instance.signal(SIGSTOP);
  const auto run = hub.run(project, plugin, "{}", 30s);
  const std::string session = text(run, "session");
  EXPECT_EQ(text(run, "state"), "timed_out") << json::serialize(run);
  EXPECT_NE(text(run, "message").find("the plugin did not answer within 3 s"), std::string::npos)
      << text(run, "message");

  instance.signal(SIGCONT);
  // The woken plugin handles the run it was sent: the hub refuses it all, in the run's log.
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  std::string logs;
  while (std::chrono::steady_clock::now() < deadline) {
    logs = json::serialize(hub.json_call("GET", "/api/runs/" + session + "/logs"));
    if (instance.err().find(session) != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(1s);  // its answer, if any, has reached the hub by now
  const auto after = hub.json_call("GET", "/api/runs/" + session);
  EXPECT_EQ(text(after, "state"), "timed_out") << json::serialize(after) << "\n" << logs;
  int notified = 0;
  const json::object notifications = hub.json_call("GET", "/api/notifications?limit=100");
  for (const auto& n : notifications.at("notifications").as_array())
    notified += text(n.as_object(), "session") == session;
  EXPECT_EQ(notified, 1);

  // The instance is still one: the next run succeeds on it.
  const auto next = hub.run(project, plugin, "{}", 30s);
  EXPECT_EQ(text(next, "state"), "succeeded") << json::serialize(next) << "\n" << instance.err();
}

}  // namespace
}  // namespace xport::test
