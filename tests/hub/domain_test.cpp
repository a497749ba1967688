// Domain services on a real data dir: bootstrap and API keys, plugins with id and secret,
// runs through their state machine, and the notifications they leave.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <atomic>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "hub/hub_core.hpp"
#include "hub/json_text.hpp"
#include "hub/project_meta.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"
#include "xport/errors.hpp"

namespace xport::hub {
namespace {

// The Domain's listener: records the notifications it hears of, and the runs that changed.
class RecordedEvents final : public DomainEvents {
 public:
  void notification_created(const Notification& n) override {
    std::lock_guard lock(mutex);  // called from whichever thread finished the run
    notifications.push_back(n);
  }
  void run_changed(Domain&, const std::string& session, const RunLog* log) override {
    std::lock_guard lock(mutex);
    runs.push_back(session + (log ? " log " + log->msg : ""));
  }
  std::mutex mutex;
  std::vector<Notification> notifications;
  std::vector<std::string> runs;  // "SESSION" or "SESSION log MSG"
};

// SQLite in the data dir, or (the pg copy) the data dir's PostgreSQL database.
DatabaseOptions database(const std::filesystem::path& data_dir) {
  DatabaseOptions d;
  d.url = test::hub_database(data_dir);
  return d;
}

class DomainTest : public ::testing::Test {
 protected:
  DomainTest() {
    DomainOptions options;
    options.now_ms = [this] { return now_ms_; };
    HubCoreOptions core;
    core.domain = options;
    core.database = database(dir_.path() / "data");
    core_ = std::make_unique<HubCore>(dir_.path() / "data", std::move(core), events_);
    admin_key_ = core_->domain().bootstrap(core_->data_dir())->api_key;
    admin_ = *core_->domain().authenticate(admin_key_);
    member_ = domain().create_user({admin_.org_id, "Bob", "bob@example.com", "member"}).user;
    NewProject cats;
    cats.name = "Cats";
    cats.stages = {declared_stage("Review", "Review")};
    cats.batches = {"b1", "b\"2"};
    project_ = domain().create_project(admin_, cats);
    domain().set_member(admin_, project_.id, member_.id, "manager");
    plugin_ = domain().create_plugin(admin_,
                                     {"Formats", "Export", "built-in", R"({"format":"coco"})", ""});
  }

  Domain& domain() { return core_->domain(); }

  hub::Run started(const std::optional<std::string>& config = std::nullopt) {
    return domain().start_run(member_, {project_.id, plugin_.plugin.id, config, std::nullopt, {}});
  }

  test::TempDir dir_;
  std::int64_t now_ms_ = 1'700'000'000'000;
  RecordedEvents events_;
  std::mutex& pushed_mutex_ = events_.mutex;
  std::vector<Notification>& pushed_ = events_.notifications;
  std::unique_ptr<HubCore> core_;
  std::string admin_key_;
  User admin_, member_;
  Project project_;
  CreatedPlugin plugin_;
};

TEST_F(DomainTest, BootstrapCreatesTheAdminOnceAndWritesTheKey) {
  const auto file = core_->data_dir() / "admin-api-key";
  std::ifstream in(file);
  std::string key;
  in >> key;
  EXPECT_EQ(key, admin_key_);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(admin_.role, "admin");
  EXPECT_FALSE(domain().bootstrap(core_->data_dir()));  // second start: nothing new
  // The key is stored only as its hash.
  EXPECT_NE(admin_.api_key_hash, admin_key_);
  EXPECT_EQ(admin_.api_key_hash, sha256_hex(admin_key_));
}

TEST_F(DomainTest, ApiKeysAuthenticateUntilRegenerated) {
  EXPECT_FALSE(domain().authenticate(""));
  EXPECT_FALSE(domain().authenticate("wrong"));
  const auto fresh = domain().regenerate_api_key(admin_.id);
  EXPECT_FALSE(domain().authenticate(admin_key_));
  EXPECT_EQ(domain().authenticate(fresh)->id, admin_.id);
  EXPECT_THROW(domain().create_user({admin_.org_id, "X", "x@x", "root"}), ConfigError);
}

TEST_F(DomainTest, PluginSecretIsShownAgainToAdminsAndVerifiedInConstantTime) {
  const auto& id = plugin_.plugin.id;
  EXPECT_EQ(plugin_.secret.size(), 43u);
  EXPECT_EQ(domain().reveal_secret(admin_, id), plugin_.secret);
  EXPECT_THROW(domain().reveal_secret(member_, id), Forbidden);
  EXPECT_TRUE(domain().check_plugin_credentials(id, plugin_.secret));
  EXPECT_FALSE(domain().check_plugin_credentials(id, plugin_.secret + "x"));
  EXPECT_FALSE(domain().check_plugin_credentials("unknown", plugin_.secret));
  // The database holds neither the plain secret nor something that opens without the key.
  const auto stored = core_->store().get_plugin(id);
  EXPECT_EQ(stored->secret.find(plugin_.secret), std::string::npos);
  const auto fresh = domain().regenerate_secret(admin_, id);
  EXPECT_NE(fresh, plugin_.secret);
  EXPECT_FALSE(domain().check_plugin_credentials(id, plugin_.secret));
  EXPECT_TRUE(domain().check_plugin_credentials(id, fresh));
  EXPECT_EQ(domain().reveal_secret(admin_, id), fresh);
  EXPECT_THROW(domain().regenerate_secret(member_, id), Forbidden);
}

TEST_F(DomainTest, SecretsSurviveARestartOnTheSameDataDir) {
  const auto data_dir = core_->data_dir();
  core_.reset();
  HubCoreOptions options;
  options.database = database(data_dir);
  HubCore reopened(data_dir, std::move(options));
  EXPECT_EQ(reopened.domain().reveal_secret(admin_, plugin_.plugin.id), plugin_.secret);
  EXPECT_TRUE(reopened.domain().check_plugin_credentials(plugin_.plugin.id, plugin_.secret));
}

TEST_F(DomainTest, PluginCreationIsValidated) {
  EXPECT_THROW(domain().create_plugin(member_, {"P", "Export", "", "{}", "", 1800}), Forbidden);
  EXPECT_THROW(domain().create_plugin(admin_, {"", "Export", "", "{}", "", 1800}), ConfigError);
  EXPECT_THROW(domain().create_plugin(admin_, {"P", "Import", "", "{}", "", 1800}), ConfigError);
  EXPECT_THROW(domain().create_plugin(admin_, {"P", "Export", "", "[1]", "", 1800}), ConfigError);
  EXPECT_THROW(domain().create_plugin(admin_, {"P", "Export", "", "{}", "ftp://x", 1800}),
               ConfigError);
  EXPECT_NO_THROW(
      domain().create_plugin(admin_, {"P", "Export", "", "{}", "http://127.0.0.1:9/", 1800}));
}

// PATCH /api/plugins/{id}: what is given changes, the rest stays; admins only; ranges.
TEST_F(DomainTest, PluginSettingsChangeWhatIsGivenOnly) {
  PluginSettingsChange concurrency;
  concurrency.instance_concurrency = 2;
  const Plugin p = domain().change_plugin_settings(admin_, plugin_.plugin.id, concurrency);
  EXPECT_EQ(p.instance_concurrency, 2);
  EXPECT_EQ(p.timeout_seconds, plugin_.plugin.timeout_seconds);
  EXPECT_EQ(core_->store().get_plugin(plugin_.plugin.id)->instance_concurrency, 2);
  PluginSettingsChange timeout;
  timeout.timeout_seconds = 60;
  EXPECT_EQ(
      domain().change_plugin_settings(admin_, plugin_.plugin.id, timeout).instance_concurrency, 2);
  EXPECT_EQ(core_->store().get_plugin(plugin_.plugin.id)->timeout_seconds, 60);
  PluginSettingsChange too_many;
  too_many.instance_concurrency = 10001;
  EXPECT_THROW(domain().change_plugin_settings(admin_, plugin_.plugin.id, too_many), ConfigError);
  too_many.instance_concurrency = -1;
  EXPECT_THROW(domain().change_plugin_settings(admin_, plugin_.plugin.id, too_many), ConfigError);
  EXPECT_THROW(domain().change_plugin_settings(member_, plugin_.plugin.id, concurrency), Forbidden);
}

TEST_F(DomainTest, StartRunValidatesConfigAndStage) {
  const hub::Run run = started();
  EXPECT_EQ(run.state, RunState::queued);
  EXPECT_EQ(run.config_json, R"({"format":"coco"})");  // the plugin's default
  EXPECT_EQ(core_->store().get_run(run.session)->user_id, member_.id);
  try {
    started("{\"format\": coco}");
    FAIL() << "bad Config JSON accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("Config JSON"), std::string::npos) << e.what();
  }
  EXPECT_THROW(started("[]"), ConfigError);
  EXPECT_THROW(domain().start_run(member_, {project_.id, plugin_.plugin.id, "{}", "Nope", {}}),
               ConfigError);
  const hub::Run filtered = domain().start_run(
      member_, {project_.id, plugin_.plugin.id, "{}", "Complete", {"b1", "b\"2"}});
  // Kept as ids (the plugin event carries ids); stages and batches by name or id.
  EXPECT_EQ(filtered.stage, "Complete");
  ASSERT_EQ(project_.batches.size(), 2u);
  EXPECT_EQ(core_->store().get_run(filtered.session)->batches_json,
            json_string_list({project_.batches[0].id, project_.batches[1].id}));
  const hub::Run by_id = domain().start_run(
      member_,
      {project_.id, plugin_.plugin.id, "{}", project_.stages[1].id, {project_.batches[1].id}});
  EXPECT_EQ(by_id.stage, project_.stages[1].id);
  const hub::Run by_name =
      domain().start_run(member_, {project_.id, plugin_.plugin.id, "{}", "Review", {}});
  EXPECT_EQ(by_name.stage, project_.stages[1].id);
  EXPECT_THROW(domain().start_run(member_, {project_.id, plugin_.plugin.id, "{}", {}, {"b9"}}),
               ConfigError);
  EXPECT_THROW(domain().start_run(member_, {"nope", plugin_.plugin.id, "{}", {}, {}}), NotFound);
}

TEST_F(DomainTest, SucceededRunNotifiesWithASignedDownloadLink) {
  const hub::Run run = started();
  EXPECT_FALSE(domain().mark_succeeded(run.session, "r/x.zip"));  // not dispatched yet
  EXPECT_TRUE(domain().mark_dispatched(run.session));
  EXPECT_FALSE(domain().mark_dispatched(run.session));
  now_ms_ += 5000;
  EXPECT_TRUE(domain().mark_succeeded(run.session, "results/" + run.session + ".zip"));
  EXPECT_FALSE(domain().mark_failed(run.session, "late"));
  const auto stored = domain().run(member_, run.session);
  EXPECT_EQ(stored.state, RunState::succeeded);
  EXPECT_EQ(*stored.finished_at - stored.created_at, 5000);

  const auto list = domain().notifications(member_);
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0].kind, "run_succeeded");
  EXPECT_EQ(list[0].text, "Export Formats on Cats is ready");
  ASSERT_EQ(pushed_.size(), 1u);
  EXPECT_EQ(pushed_[0].id, list[0].id);
  // /objects/<key>?expires=..&sig=.. and it verifies.
  const std::string& link = list[0].link;
  const std::string key = "results/" + run.session + ".zip";
  ASSERT_EQ(link.rfind("/objects/" + key + "?expires=", 0), 0u) << link;
  const auto q = link.substr(link.find('?') + 1);
  const auto expires = q.substr(8, q.find('&') - 8);
  const auto sig = q.substr(q.find("&sig=") + 5);
  EXPECT_EQ(domain().signer().verify(key, expires, sig, now_ms_ / 1000), UrlCheck::ok);
  EXPECT_TRUE(domain().notifications(admin_).empty());
}

// Every run change reaches the Domain's DomainEvents: the start, each transition that
// happened (a refused one does not), each log line with the line.
TEST_F(DomainTest, RunChangesReachTheDomainsListener) {
  const hub::Run run = started();
  EXPECT_TRUE(domain().mark_dispatched(run.session));
  EXPECT_FALSE(domain().mark_dispatched(run.session));
  domain().append_log(run.session, "info", "half way");
  EXPECT_TRUE(domain().mark_failed(run.session, "broken"));
  std::lock_guard lock(events_.mutex);
  EXPECT_EQ(events_.runs, (std::vector<std::string>{run.session, run.session,
                                                    run.session + " log half way", run.session}));
  ASSERT_EQ(events_.notifications.size(), 1u);
  EXPECT_EQ(events_.notifications[0].kind, "run_failed");
}

TEST_F(DomainTest, FailuresNotifyWithTheReason) {
  const hub::Run never_dispatched = started();
  EXPECT_TRUE(domain().mark_timed_out(never_dispatched.session,
                                      "plugin Formats was offline for 10 minutes"));
  const hub::Run dispatched = started();
  domain().mark_dispatched(dispatched.session);
  EXPECT_TRUE(domain().mark_failed(dispatched.session, "plugin disconnected during the run"));
  const auto list = domain().notifications(member_, true);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].text, "Export Formats on Cats failed: plugin disconnected during the run");
  EXPECT_EQ(list[0].link, "/runs/" + dispatched.session);
  EXPECT_EQ(list[1].text,
            "Export Formats on Cats failed: plugin Formats was offline for 10 minutes");
  EXPECT_EQ(domain().run(member_, never_dispatched.session).state, RunState::timed_out);
  EXPECT_TRUE(domain().mark_read(member_, list[0].id));
  EXPECT_FALSE(domain().mark_read(admin_, list[1].id));  // not the admin's
  EXPECT_EQ(domain().notifications(member_, true).size(), 1u);
  EXPECT_EQ(domain().mark_all_read(member_), 1);
}

TEST_F(DomainTest, RacingAnswerAndTimeoutLeaveOneOutcomeAndOneNotification) {
  for (int round = 0; round < 10; ++round) {
    const hub::Run run = started();
    domain().mark_dispatched(run.session);
    std::atomic<int> wins{0};
    std::thread answer([&] { wins += domain().mark_succeeded(run.session, "r/" + run.session); });
    std::thread timeout([&] { wins += domain().mark_timed_out(run.session, "run timeout"); });
    std::thread fail([&] { wins += domain().mark_failed(run.session, "disconnected"); });
    answer.join();
    timeout.join();
    fail.join();
    EXPECT_EQ(wins.load(), 1);
  }
  EXPECT_EQ(domain().notifications(member_).size(), 10u);
}

TEST_F(DomainTest, CancelByOwnerOrAdminWithoutNotification) {
  const hub::Run run = started();
  auto other = domain().create_user({admin_.org_id, "Eve", "eve@example.com", "member"}).user;
  EXPECT_THROW(domain().cancel(other, run.session), NotFound);  // not a member: not seen
  domain().set_member(admin_, project_.id, other.id, "annotator");
  EXPECT_THROW(domain().cancel(other, run.session), Forbidden);
  EXPECT_TRUE(domain().cancel(member_, run.session));
  EXPECT_FALSE(domain().cancel(admin_, run.session));  // already finished
  EXPECT_EQ(domain().run(member_, run.session).state, RunState::cancelled);
  EXPECT_TRUE(domain().notifications(member_).empty());
  EXPECT_FALSE(domain().mark_dispatched(run.session));
}

TEST_F(DomainTest, LogsAndOtherOrganizationsAreKeptApart) {
  const hub::Run run = started();
  EXPECT_EQ(domain().append_log(run.session, "INFO", "fetching export"), 1);
  EXPECT_EQ(domain().append_log(run.session, "ERROR", "boom"), 2);
  EXPECT_EQ(core_->store().list_logs(run.session, 0, 10).size(), 2u);
  const auto org = domain().create_organization("Other");
  const auto stranger = domain().create_user({org.id, "S", "s@other", "admin"}).user;
  // Another organisation's records answer like unknown ones: their existence is not told,
  // not even by the message.
  const auto not_found = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const NotFound& e) {
      return std::string(e.what());
    }
    return std::string("(no NotFound)");
  };
  EXPECT_EQ(not_found([&] { domain().run(stranger, run.session); }), "no run " + run.session);
  EXPECT_EQ(not_found([&] { domain().run(stranger, "run-nobody-has"); }), "no run run-nobody-has");
  EXPECT_EQ(not_found([&] { domain().project(stranger, project_.id); }),
            "no project " + project_.id);
  EXPECT_THROW(domain().plugin(stranger, plugin_.plugin.id), NotFound);
  EXPECT_THROW(domain().reveal_secret(stranger, plugin_.plugin.id), NotFound);
  EXPECT_THROW(domain().start_run(stranger, {project_.id, plugin_.plugin.id, {}, {}, {}}),
               NotFound);
  EXPECT_THROW(domain().project(stranger, project_.id), NotFound);
}

}  // namespace
}  // namespace xport::hub
