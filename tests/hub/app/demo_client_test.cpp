// `xport demo` and `xport client` end to end: the demo (hub + built-in formats plugin in one
// process) run twice on one data dir with --exit-after-runs, its downloads checked; and the
// client driving a separate `xport hub` with an `xport plugin` connected, --json output
// parsed, and an error case.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <regex>
#include <string>
#include <thread>
#include <vector>

#include "background_process.hpp"
#include "process.hpp"
#include "test_database.hpp"
#include "zip_entries.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

std::vector<std::string> all_matches(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  std::regex re(pattern);
  for (auto it = std::sregex_iterator(text.begin(), text.end(), re); it != std::sregex_iterator();
       ++it)
    out.push_back((*it)[1].str());
  return out;
}

std::string first_match(const std::string& text, const std::string& pattern) {
  auto all = all_matches(text, pattern);
  return all.empty() ? std::string() : all.front();
}

TEST(Demo, RunsBothExportsTwiceOnOneDataDir) {
  TempDir dir;
  const fs::path data = dir / "demo-hub";
  std::string first_project;
  for (int round = 0; round < 2; ++round) {
    SCOPED_TRACE("round " + std::to_string(round + 1));
    RunResult r =
        run(quote(XPORT_BINARY) + " demo --exit-after-runs --data-dir " + quote(data.string()) +
            test::hub_database_option(data) + " --listen 127.0.0.1:0 --timeout 90 </dev/null");
    ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
    EXPECT_NE(first_match(r.out, R"(UI: (http://127\.0\.0\.1:\d+/))"), "") << r.out;
    std::string admin_key = first_match(r.out, R"(admin API key: (\S+))");
    EXPECT_FALSE(admin_key.empty()) << r.out;
    EXPECT_NE(read_file(data / "admin-api-key").find(admin_key), std::string::npos);
    EXPECT_NE(first_match(r.out, R"(plugin id: (\S+))"), "") << r.out;
    std::string project = first_match(r.out, R"(project: (\S+))");
    ASSERT_FALSE(project.empty()) << r.out;
    if (round == 0)
      first_project = project;
    else
      EXPECT_EQ(project, first_project) << "the second start reuses the demo project";

    auto states = all_matches(r.out, R"(run \w+: session \S+ state (\w+))");
    ASSERT_EQ(states.size(), 2u) << r.out;
    for (auto& s : states)
      EXPECT_EQ(s, "succeeded") << r.out;
    EXPECT_EQ(all_matches(r.out, R"(download: (http\S+))").size(), 2u) << r.out;
    auto saved = all_matches(r.out, R"(saved: (\S+\.zip))");
    ASSERT_EQ(saved.size(), 2u) << r.out;
    for (auto& s : saved)
      ASSERT_TRUE(fs::is_regular_file(s)) << s;

    auto sample = zip_entries(saved[0]);
    ASSERT_TRUE(sample.count(project + ".json")) << "sample zip lacks " << project << ".json";
    EXPECT_NE(sample[project + ".json"].find("street_0001.jpg"), std::string::npos);
    auto coco = zip_entries(saved[1]);
    bool annotations = false;
    for (auto& [name, content] : coco)
      if (name.rfind("annotations/", 0) == 0 &&
          content.find("\"annotations\"") != std::string::npos)
        annotations = true;
    EXPECT_TRUE(annotations) << "coco zip has " << coco.size() << " entries";
  }
}

class Client : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<BackgroundProcess>(
        "hub",
        test::hub_argv({XPORT_BINARY, "hub", "--data-dir", (dir_ / "data").string(), "--listen",
                        "127.0.0.1:0", "--offline-wait", "30"}),
        dir_.path());
    key_ = hub_->wait_for_output("admin API key: (\\S+)");
    base_ = hub_->wait_for_output("xport hub listening on (http://\\S+)");
  }

  // `xport client` with the hub and key from the environment.
  RunResult client(const std::string& args) {
    return run("XPORT_HUB=" + quote(base_) + " XPORT_API_KEY=" + quote(key_) + " " +
               quote(XPORT_BINARY) + " client " + args);
  }
  json::object client_json(const std::string& args) {
    RunResult r = client("--json " + args);
    EXPECT_EQ(r.exit_code, 0) << args << "\n" << r.out << r.err;
    json::value v = json::parse(r.out);
    return v.is_object() ? v.as_object() : json::object{};
  }
  static std::string s(const json::object& o, const char* key) {
    return std::string(o.at(key).as_string());
  }

  TempDir dir_;
  std::unique_ptr<BackgroundProcess> hub_;
  std::string key_;
  std::string base_;
};

TEST_F(Client, ScriptsTheWholeFlow) {
  auto project = client_json("project create 'Client demo'");
  const std::string pid = s(project, "id");
  auto imported =
      client_json("project import " + pid + " " +
                  quote(std::string(XPORT_SOURCE_DIR) + "/examples/data/demo-export.ndjson"));
  EXPECT_GT(imported.at("imported").as_int64(), 0);

  auto list = client_json("project list");
  ASSERT_EQ(list.at("projects").as_array().size(), 1u);

  // Human-readable output too.
  RunResult human = client("project list");
  EXPECT_EQ(human.exit_code, 0);
  EXPECT_NE(human.out.find("Client demo"), std::string::npos) << human.out;

  auto plugin = client_json(
      "plugin create formats --config '{\"format\": \"sample\"}' "
      "--description 'built-in formats'");
  const std::string plugin_id = s(plugin, "id");
  ASSERT_FALSE(s(plugin, "secret").empty());
  auto shown = client_json("plugin show " + plugin_id);
  EXPECT_EQ(s(shown, "secret"), s(plugin, "secret"));

  // The human form prints id and secret.
  RunResult created = client("plugin create other");
  EXPECT_EQ(created.exit_code, 0) << created.err;
  EXPECT_NE(created.out.find("secret: "), std::string::npos) << created.out;

  BackgroundProcess xplugin(
      "xport-plugin",
      {XPORT_BINARY, "plugin", "--host", base_, "--id", plugin_id, "--secret", s(plugin, "secret")},
      dir_.path());

  auto done = client_json("run start " + pid + " " + plugin_id +
                          " --config '{\"separator-character\": \"-\"}' --wait --timeout 60");
  ASSERT_EQ(s(done, "state"), "succeeded") << json::serialize(done) << xplugin.err();
  const std::string session = s(done, "session");
  EXPECT_FALSE(s(done, "downloadUrl").empty());

  // Human-readable --wait: session, status, the plugin's last progress, the report, download.
  RunResult coco = client("run start " + pid + " " + plugin_id +
                          " --config '{\"format\": \"coco\"}' --stage Complete --batch "
                          "'Batch A' --wait --timeout 60");
  EXPECT_EQ(coco.exit_code, 0) << coco.out << coco.err;
  EXPECT_NE(coco.out.find("status: succeeded"), std::string::npos) << coco.out;
  EXPECT_EQ(all_matches(coco.out, R"(progress: 100% \(\d+ assets, [\d.]+ of [\d.]+ MB\))").size(),
            1u)
      << coco.out;
  EXPECT_EQ(all_matches(coco.out, R"(report: \d+ assets, \d+ objects written)").size(), 1u)
      << coco.out;
  EXPECT_NE(coco.out.find("download: http"), std::string::npos) << coco.out;

  auto logs = client_json("run logs " + session);
  EXPECT_FALSE(logs.at("logs").as_array().empty());

  const fs::path out = dir_ / "result.zip";
  auto dl = client_json("run download " + session + " " + quote(out.string()));
  EXPECT_GT(dl.at("bytes").as_int64(), 0);
  auto entries = zip_entries(out);
  ASSERT_TRUE(entries.count(pid + ".json")) << "entries: " << entries.size();

  auto notes = client_json("notifications");
  bool ready = false;
  for (auto& n : notes.at("notifications").as_array())
    if (s(n.as_object(), "session") == session && s(n.as_object(), "kind") == "run_succeeded")
      ready = true;
  EXPECT_TRUE(ready) << json::serialize(notes);
  RunResult human_notes = client("notifications");
  EXPECT_NE(human_notes.out.find("run_succeeded"), std::string::npos) << human_notes.out;
}

// Issue 14, item 2 from a shell: the server admin creates an organisation, its admin adds a
// user with a key printed once, makes them a project's annotator; the annotator sees the
// project but may not run exports; a removed user's key stops working.
TEST_F(Client, OrganizationsUsersAndRolesFromAShell) {
  RunResult org = client("org create Acme --admin-email ann@acme.test --admin-name Ann");
  ASSERT_EQ(org.exit_code, 0) << org.out << org.err;
  EXPECT_NE(org.out.find("organization "), std::string::npos) << org.out;
  // The key is the last line, alone, so that scripts take it with `tail -1`.
  const std::string ann_key = first_match(org.out, R"(\n(\S+)\n$)");
  ASSERT_FALSE(ann_key.empty()) << org.out;
  const auto as = [&](const std::string& key, const std::string& args) {
    return run("XPORT_HUB=" + quote(base_) + " XPORT_API_KEY=" + quote(key) + " " +
               quote(XPORT_BINARY) + " client " + args);
  };
  RunResult added = as(ann_key, "--json user add Mia --email mia@acme.test --role member");
  ASSERT_EQ(added.exit_code, 0) << added.out << added.err;
  const json::object mia = json::parse(added.out).as_object();
  const std::string mia_key = s(mia, "apiKey");
  RunResult users = as(ann_key, "user list");
  EXPECT_NE(users.out.find("mia@acme.test"), std::string::npos) << users.out;
  EXPECT_EQ(users.out.find(mia_key), std::string::npos) << "a listing never shows keys";

  RunResult project = as(ann_key, "--json project create Cats");
  ASSERT_EQ(project.exit_code, 0) << project.err;
  const std::string pid = s(json::parse(project.out).as_object(), "id");
  RunResult hidden = as(mia_key, "project show " + pid);
  EXPECT_EQ(hidden.exit_code, 2);
  EXPECT_NE(hidden.err.find("HTTP 404: no project " + pid), std::string::npos) << hidden.err;

  RunResult member = as(ann_key, "project members set " + pid + " mia@acme.test --role annotator");
  ASSERT_EQ(member.exit_code, 0) << member.out << member.err;
  EXPECT_NE(member.out.find(": annotator of project"), std::string::npos) << member.out;
  EXPECT_EQ(as(mia_key, "project show " + pid).exit_code, 0);
  RunResult refused = as(mia_key, "run start " + pid + " some-plugin");
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("HTTP 403"), std::string::npos) << refused.err;
  // Not the server admin: no organisations of one's own making.
  RunResult no_org = as(ann_key, "org create Evil --admin-email e@evil.test");
  EXPECT_NE(no_org.err.find("HTTP 403: only the server admin"), std::string::npos) << no_org.err;

  RunResult rotated = as(mia_key, "user rotate-key");
  ASSERT_EQ(rotated.exit_code, 0) << rotated.err;
  const std::string new_key = first_match(rotated.out, R"(\n(\S+)\n$)");
  EXPECT_EQ(as(mia_key, "project list").exit_code, 2) << "the old key stopped working";
  EXPECT_EQ(as(new_key, "project list").exit_code, 0);
  EXPECT_EQ(as(ann_key, "user remove " + s(mia, "id")).exit_code, 0);
  RunResult gone = as(new_key, "project list");
  EXPECT_NE(gone.err.find("HTTP 401"), std::string::npos) << gone.err;
}

TEST_F(Client, ErrorsCarryStatusMessageAndExitCode) {
  RunResult r = client("project import no-such-project " +
                       quote(std::string(XPORT_SOURCE_DIR) + "/examples/data/demo-export.ndjson"));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("HTTP 404"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("no-such-project"), std::string::npos) << r.err;

  r = client("run start no-such-project no-such-plugin");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("HTTP 404"), std::string::npos) << r.err;

  // A wrong key: 401, exit 2.
  r = run("XPORT_HUB=" + quote(base_) + " " + quote(XPORT_BINARY) +
          " client --api-key wrong project list");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("HTTP 401"), std::string::npos) << r.err;

  // Nobody listening: a network failure, exit 3.
  r = run(quote(XPORT_BINARY) + " client --hub http://127.0.0.1:1 --api-key k project list");
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;

  // Usage: no --hub.
  r = run("env -u XPORT_HUB " + quote(XPORT_BINARY) + " client --api-key k project list");
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

}  // namespace
}  // namespace xport::test
