// HubProcess in-process: the composition root `xport hub` and `xport demo` use. Listening on
// a free port, the REST API answering, the Domain's events reaching the web UI's /ui sockets
// through UiPush (no late binding: the Domain is built with its listener), the shutdown
// closing the store so that the data dir opens again, and the URLs it tells its callers.
#include "hub/app/hub_process.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <fstream>

#include "background_process.hpp"
#include "net/http_client.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"
#include "xport/errors.hpp"

namespace xport::hub {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

HubProcessOptions on_loopback(const fs::path& data_dir) {
  HubProcessOptions o;
  o.data_dir = data_dir;
  o.database.url = test::hub_database(data_dir);
  o.server.host = "127.0.0.1";
  o.server.port = 0;
  return o;
}

net::HttpResponse get(const std::string& url, const std::string& key) {
  net::ClientOptions o;
  o.connect_timeout = 5s;
  o.idle_timeout = 10s;
  net::Request r;
  r.method = "GET";
  r.url = url;
  r.headers = {{"apikey", key}};
  return net::HttpClient(o).request(r);
}

TEST(HubProcess, ServesOnAFreePortAndClosesTheStoreOnStop) {
  test::TempDir dir;
  std::string key;
  {
    HubProcess hub(on_loopback(dir.path() / "data"));
    key = hub.core().domain().bootstrap(hub.data_dir()).value().api_key;
    hub.start();
    ASSERT_NE(hub.port(), 0);
    EXPECT_EQ(hub.local_url(), "http://127.0.0.1:" + std::to_string(hub.port()));
    EXPECT_EQ(hub.listen_url(), hub.local_url());
    EXPECT_EQ(hub.public_url(), hub.local_url());
    EXPECT_TRUE(fs::is_directory(dir.path() / "data/incoming"));
    auto me = get(hub.local_url() + "/api/me", key);
    EXPECT_EQ(me.status, 200) << me.body;
    const std::string url = hub.local_url();
    hub.stop();
    EXPECT_THROW(get(url + "/api/me", key), IoError);  // nothing listens any more
    hub.stop();                                        // idempotent
  }
  // The store was closed: the same data dir opens again, already bootstrapped, same key.
  HubProcess again(on_loopback(dir.path() / "data"));
  EXPECT_FALSE(again.core().domain().bootstrap(again.data_dir()));
  EXPECT_TRUE(again.core().domain().authenticate(key));
}

TEST(HubProcess, TellsItsPublicUrlAndWildcardHostsAsLoopback) {
  test::TempDir dir;
  HubProcessOptions o = on_loopback(dir.path() / "data");
  o.server.host = "0.0.0.0";
  o.app.public_url = "https://hub.example.com//";
  HubProcess hub(std::move(o));
  hub.start();
  EXPECT_EQ(hub.public_url(), "https://hub.example.com");
  EXPECT_EQ(hub.listen_url(), "http://0.0.0.0:" + std::to_string(hub.port()));
  EXPECT_EQ(hub.local_url(), "http://127.0.0.1:" + std::to_string(hub.port()));
}

TEST(HubProcess, AnAddressInUseIsAnIoErrorNamingIt) {
  test::TempDir dir;
  HubProcess first(on_loopback(dir.path() / "one"));
  first.start();
  HubProcessOptions o = on_loopback(dir.path() / "two");
  o.server.port = first.port();
  o.listen = "the --listen text";
  HubProcess second(std::move(o));
  try {
    second.start();
    FAIL() << "the port was free";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot listen on the --listen text: "), std::string::npos)
        << e.what();
  }
}

// A /ui client (Debian's python3-socketio) prints each `notification` and `run` event.
fs::path ui_client_script(const fs::path& dir) {
  const fs::path script = dir / "ui_client.py";
  std::ofstream(script) << R"(import sys, threading, socketio
sio = socketio.Client(reconnection=False)
lock = threading.Lock()
def say(*words):
    with lock:
        sys.stdout.write(" ".join(words) + "\n")
        sys.stdout.flush()
@sio.on("notification", namespace="/ui")
def on_note(n):
    say("NOTIFICATION", n["kind"], n["session"], n.get("url", "-"))
@sio.on("run", namespace="/ui")
def on_run(r):
    log = r.get("log")
    say("RUN", r["session"], r["state"], "log:" + log["msg"] if log else "-")
sio.connect(sys.argv[1], namespaces=["/ui"], transports=["websocket"], auth={"apikey": sys.argv[2]})
say("UI CONNECTED")
sys.stdin.read()
sio.disconnect()
)";
  return script;
}

// What the Domain changes in this process reaches the UI: the Domain calls its DomainEvents,
// which HubProcess made the UiPush of this server.
TEST(HubProcess, DomainEventsArePushedToTheUi) {
  test::TempDir dir;
  HubProcessOptions o = on_loopback(dir.path() / "data");
  o.app.public_url = "https://hub.example.com";
  HubProcess hub(std::move(o));
  Domain& domain = hub.core().domain();
  const std::string key = domain.bootstrap(hub.data_dir()).value().api_key;
  hub.start();
  const User admin = *domain.authenticate(key);
  NewProject cats;
  cats.name = "Cats";
  const Project project = domain.create_project(admin, cats);
  const CreatedPlugin plugin = domain.create_plugin(admin, {"Formats", "Export", "", "{}", ""});

  test::BackgroundProcess ui(
      "ui", {"/usr/bin/python3", ui_client_script(dir.path()).string(), hub.local_url(), key},
      dir.path());
  ui.wait_for_output("UI CONNECTED", 20s);
  const hub::Run run =
      domain.start_run(admin, {project.id, plugin.plugin.id, std::nullopt, std::nullopt, {}});
  ui.wait_for_output("RUN " + run.session + " (queued) -", 20s);
  domain.append_log(run.session, "info", "half-way");
  ui.wait_for_output("RUN " + run.session + " \\S+ (log:half-way)", 20s);
  ASSERT_TRUE(domain.mark_failed(run.session, "broken"));
  ui.wait_for_output("RUN " + run.session + " (failed)", 20s);
  EXPECT_EQ(ui.wait_for_output("NOTIFICATION run_failed " + run.session + " (\\S+)", 20s),
            "https://hub.example.com/runs/" + run.session);
}

// A run's changes reach only the /ui sockets of users who may see its project: not those of a
// member of the organisation who is not the project's, until they are made one.
TEST(HubProcess, UiPushReachesOnlyUsersWhoMaySeeTheRunsProject) {
  test::TempDir dir;
  HubProcess hub(on_loopback(dir.path() / "data"));
  Domain& domain = hub.core().domain();
  const std::string key = domain.bootstrap(hub.data_dir()).value().api_key;
  hub.start();
  const User admin = *domain.authenticate(key);
  const IssuedKey olga = domain.add_user(admin, {"", "Olga", "olga@example.test", "member"});
  NewProject cats;
  cats.name = "Cats";
  const Project project = domain.create_project(admin, cats);
  const CreatedPlugin plugin = domain.create_plugin(admin, {"Formats", "Export", "", "{}", ""});
  const auto script = ui_client_script(dir.path()).string();
  test::BackgroundProcess admin_ui("ui-admin", {"/usr/bin/python3", script, hub.local_url(), key},
                                   dir.path());
  test::BackgroundProcess olga_ui(
      "ui-olga", {"/usr/bin/python3", script, hub.local_url(), olga.api_key}, dir.path());
  admin_ui.wait_for_output("UI CONNECTED", 20s);
  olga_ui.wait_for_output("UI CONNECTED", 20s);

  const hub::Run run =
      domain.start_run(admin, {project.id, plugin.plugin.id, std::nullopt, std::nullopt, {}});
  domain.append_log(run.session, "info", "before");
  admin_ui.wait_for_output("RUN " + run.session + " \\S+ (log:before)", 20s);
  domain.set_member(admin, project.id, olga.user.id, "annotator");
  domain.append_log(run.session, "info", "after");
  olga_ui.wait_for_output("RUN " + run.session + " \\S+ (log:after)", 20s);
  // Pushes go out in order on one socket: had "before" gone to Olga, it would be here.
  EXPECT_EQ(olga_ui.out().find("log:before"), std::string::npos) << olga_ui.out();
  EXPECT_EQ(olga_ui.out().find(" queued -"), std::string::npos) << olga_ui.out();
}

}  // namespace
}  // namespace xport::hub
