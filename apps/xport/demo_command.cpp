// `xport demo`: the README's main command. Starts the hub in-process on a data dir, sets up
// a demo organization, user and project (the bundled demo export), starts the built-in
// formats plugin in-process, runs the seed's sample export and a COCO export, downloads
// both results, prints where everything is, and keeps serving until Ctrl-C (or stops right
// away with --exit-after-runs). A second start on the same data dir reuses what is there.
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "client/api_client.hpp"
#include "commands.hpp"
#include "hub/app/hub_process.hpp"
#include "hub/key_file.hpp"
#include "hub_options.hpp"
#include "xport/errors.hpp"
#include "xport/plugin.hpp"

namespace xport::cli {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using client::ApiClient;
using client::ApiError;
using client::str;
using namespace std::chrono_literals;

constexpr const char* kDemoOrg = "Demo";
constexpr const char* kDemoUserEmail = "demo@localhost";
constexpr const char* kDemoProject = "Demo project";
constexpr const char* kDemoPlugin = "Built-in formats (demo)";

std::string default_export() {
#ifdef XPORT_DEMO_EXPORT
  return XPORT_DEMO_EXPORT;
#else
  return "examples/data/demo-export.ndjson";
#endif
}

struct DemoArgs {
  std::string data_dir = "out/demo-hub";
  std::string database;  // empty: SQLite in the data dir
  std::string objects;   // empty: DATA_DIR/storage
  std::string listen = "127.0.0.1:8080";
  std::string export_file = default_export();
  std::string static_dir = default_web_dir();
  bool exit_after_runs = false;
  double timeout = 120;
  std::string log_level = "warn";
};

std::string read_trimmed(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream s;
  s << in.rdbuf();
  std::string text = s.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' '))
    text.pop_back();
  return text;
}

// SIGINT/SIGTERM are blocked in every thread; this takes a pending one without waiting.
bool interrupted(const sigset_t& signals) {
  static bool seen = false;
  if (seen) return true;
  timespec zero{0, 0};
  if (sigtimedwait(&signals, nullptr, &zero) > 0) seen = true;
  return seen;
}

// The demo user and its API key (kept in DATA_DIR/demo-api-key, 0600, so that it stays the
// same across starts; a missing or stale file gets a new key).
std::pair<hub::User, std::string> demo_user(hub::Domain& domain, const fs::path& data_dir) {
  auto& store = domain.store();
  std::optional<hub::Organization> org;
  for (auto& o : store.list_organizations())
    if (o.name == kDemoOrg) org = o;
  if (!org) org = domain.create_organization(kDemoOrg);
  const fs::path key_file = data_dir / "demo-api-key";
  for (auto& u : store.list_users(org->id)) {
    if (u.email != kDemoUserEmail) continue;
    std::error_code ec;
    if (fs::exists(key_file, ec)) {
      std::string key = read_trimmed(key_file);
      if (auto found = domain.authenticate(key); found && found->id == u.id) return {u, key};
    }
    std::string key = domain.regenerate_api_key(u.id);
    hub::write_private_file(key_file, key + "\n");
    return {u, key};
  }
  hub::IssuedKey issued =
      domain.create_user(hub::NewUser{org->id, "demo", kDemoUserEmail, "admin"});
  hub::write_private_file(key_file, issued.api_key + "\n");
  return {issued.user, issued.api_key};
}

// The demo project with the export imported: reused when it is there with its assets.
json::object demo_project(const ApiClient& api, const fs::path& export_file) {
  json::object project;
  json::value list = api.get("/api/projects");
  for (auto& p : list.as_object().at("projects").as_array())
    if (str(p.as_object(), "name") == kDemoProject) project = p.as_object();
  if (project.empty())
    project = api.post("/api/projects", json::object{{"name", kDemoProject}}).as_object();
  auto* assets = project.if_contains("assets");
  if (!assets || !assets->is_int64() || assets->as_int64() == 0) {
    if (!fs::is_regular_file(export_file))
      throw ConfigError(
          fmt::format("the demo export {} does not exist (--export FILE)", export_file.string()));
    api.post_file("/api/projects/" + str(project, "id") + "/import?replace=true", export_file);
    project = api.get("/api/projects/" + str(project, "id")).as_object();
  }
  return project;
}

// The built-in formats plugin (id + secret): reused when there is one.
json::object demo_plugin(const ApiClient& api) {
  json::value list = api.get("/api/plugins");
  for (auto& p : list.as_object().at("plugins").as_array())
    if (str(p.as_object(), "name") == kDemoPlugin)
      return api.get("/api/plugins/" + str(p.as_object(), "id")).as_object();
  return api
      .post("/api/plugins",
            json::object{{"name", kDemoPlugin},
                         {"type", "Export"},
                         {"description",
                          "xport's built-in formats; the Config JSON key \"format\" picks one"},
                         {"defaultConfig", "{\"format\": \"sample\"}"}})
      .as_object();
}

struct DemoRun {
  std::string label;
  std::string config;
  json::object run;
  fs::path saved;
};

hub::HubProcessOptions demo_process_options(const DemoArgs& args, const fs::path& data_dir,
                                            const std::string& host, std::uint16_t port) {
  hub::HubProcessOptions o;
  o.data_dir = data_dir;
  o.database.url = args.database;
  o.objects = args.objects;
  o.listen = args.listen;
  o.server.host = host;
  o.server.port = port;
  o.server.threads = 4;
  if (!args.static_dir.empty()) o.server.static_dir = fs::path(args.static_dir);
  o.app.dispatch.offline_wait =
      std::chrono::milliseconds(static_cast<std::int64_t>(args.timeout * 1000));
  return o;
}

// The admin's API key: issued at the first start, else the one written then.
std::string admin_key(hub::Domain& domain, const fs::path& data_dir) {
  if (auto issued = domain.bootstrap(data_dir)) return issued->api_key;
  return read_trimmed(data_dir / "admin-api-key");
}

// The built-in formats plugin, served on a thread of its own until stop() or destruction.
class DemoPlugin {
 public:
  DemoPlugin(const json::object& plugin_json, const std::string& base) {
    PluginOptions po;
    po.concurrency = 2;
    po.count_tasks = false;
    po.shutdown_grace = std::chrono::seconds(5);
    po.heartbeat_interval = std::chrono::seconds(30);
    plugin_ = std::make_unique<ExportPlugin>(str(plugin_json, "id"), str(plugin_json, "secret"),
                                             converter_callback("sample"), base, po);
    thread_ = std::thread([this] {
      try {
        plugin_->serve();
      } catch (const std::exception& e) {
        spdlog::error("xport demo: the built-in formats plugin stopped: {}", e.what());
      }
    });
  }
  ~DemoPlugin() {
    plugin_->stop();
    if (thread_.joinable()) thread_.join();
  }
  DemoPlugin(const DemoPlugin&) = delete;
  DemoPlugin& operator=(const DemoPlugin&) = delete;

 private:
  std::unique_ptr<ExportPlugin> plugin_;
  std::thread thread_;
};

// Starts the sample and the COCO run, waits for both (together at most `timeout` seconds, or
// until interrupted) and downloads the results into DATA_DIR/downloads.
std::vector<DemoRun> run_exports(const ApiClient& api, const json::object& project,
                                 const json::object& plugin_json, double timeout,
                                 const sigset_t& signals, const fs::path& data_dir) {
  std::vector<DemoRun> runs{{"sample", R"({"separator-character": "-"})", {}, {}},
                            {"coco", R"({"format": "coco"})", {}, {}}};
  for (auto& r : runs) {
    r.run = api.post("/api/runs", json::object{{"project", str(project, "id")},
                                               {"plugin", str(plugin_json, "id")},
                                               {"config", r.config}})
                .as_object();
  }
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<std::int64_t>(timeout * 1000));
  for (auto& r : runs) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    r.run = api.wait_run(str(r.run, "session"), std::max(left, 0ms),
                         [&] { return !interrupted(signals); });
    if (str(r.run, "state") == "succeeded") {
      auto link = api.get("/api/runs/" + str(r.run, "session") + "/download").as_object();
      r.saved = data_dir / "downloads" / fmt::format("demo-{}.zip", r.label);
      api.download(str(link, "url"), r.saved);
    }
  }
  return runs;
}

struct DemoKeys {
  std::string admin;
  std::string demo;
};

// The summary; returns 0 when every run's result was saved, else 1.
int print_summary(const hub::HubProcess& hub, const DemoKeys& keys, const json::object& project,
                  const json::object& plugin_json, const std::vector<DemoRun>& runs) {
  fmt::print("xport demo: data dir {}\n", hub.data_dir().string());
  fmt::print("UI: {}/\n", hub.local_url());
  fmt::print("admin API key: {}\n", keys.admin);
  fmt::print(
      "demo API key: {}  (user demo, organization {}: owns the demo project; log in "
      "to the UI with it)\n",
      keys.demo, kDemoOrg);
  fmt::print("project: {} ({}, {} assets)\n", str(project, "id"), kDemoProject,
             project.contains("assets") ? json::serialize(project.at("assets")) : "?");
  fmt::print("plugin id: {}\n", str(plugin_json, "id"));
  int code = 0;
  for (const auto& r : runs) {
    fmt::print("run {}: session {} state {}\n", r.label, str(r.run, "session"),
               str(r.run, "state"));
    if (!str(r.run, "message").empty()) fmt::print("  message: {}\n", str(r.run, "message"));
    if (!str(r.run, "downloadUrl").empty())
      fmt::print("  download: {}\n", str(r.run, "downloadUrl"));
    if (!r.saved.empty())
      fmt::print("  saved: {}\n", r.saved.string());
    else
      code = 1;
  }
  return code;
}

// On the started hub: the demo project and plugin, the runs, the summary, then serving until
// a signal (unless --exit-after-runs). The plugin stops on return, before the hub.
int demo_session(const DemoArgs& args, const hub::HubProcess& hub, const DemoKeys& keys,
                 const sigset_t& signals) {
  const std::string base = hub.local_url();
  ApiClient api(base, keys.demo);
  json::object project = demo_project(api, args.export_file);
  json::object plugin_json = demo_plugin(api);
  DemoPlugin plugin(plugin_json, base);
  std::vector<DemoRun> runs =
      run_exports(api, project, plugin_json, args.timeout, signals, hub.data_dir());
  const int code = print_summary(hub, keys, project, plugin_json, runs);
  if (interrupted(signals)) {
    fmt::print("xport demo: interrupted, stopping\n");
    std::fflush(stdout);
    return code == 0 ? 1 : code;
  }
  if (args.exit_after_runs) {
    fmt::print("xport demo: done (--exit-after-runs), stopping\n");
  } else {
    fmt::print("xport demo: serving on {}/ until Ctrl-C\n", hub.local_url());
    std::fflush(stdout);
    int sig = 0;
    sigwait(&signals, &sig);
    fmt::print("xport demo: stopping\n");
  }
  std::fflush(stdout);
  return code;
}

int run_demo(const DemoArgs& args) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("xport"));
  spdlog::set_level(spdlog::level::from_str(args.log_level));
  auto [host, port] = parse_listen(args.listen);
  if (!(args.timeout > 0)) throw ConfigError("--timeout must be a positive number of seconds");
  const sigset_t signals = block_stop_signals();

  const fs::path data_dir = fs::absolute(args.data_dir);
  fs::create_directories(data_dir);
  hub::HubProcess hub(demo_process_options(args, data_dir, host, port));
  DemoKeys keys;
  keys.admin = admin_key(hub.core().domain(), data_dir);
  keys.demo = demo_user(hub.core().domain(), data_dir).second;
  hub.start();
  int code = 0;
  try {
    code = demo_session(args, hub, keys, signals);
  } catch (const ApiError& e) {
    fmt::print(stderr, "xport demo: the hub answered HTTP {}: {}\n", e.status(), e.what());
    code = e.status() >= 500 ? kExitIo : kExitUsage;
  }
  hub.stop();
  std::fflush(stdout);
  return code;
}

}  // namespace

Action add_demo_command(CLI::App& app) {
  auto args = std::make_shared<DemoArgs>();
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Start the hub with a demo project and the built-in formats plugin, run a sample and a "
      "COCO export, print the links");
  cmd->add_option("--data-dir", args->data_dir, "The hub's data dir")->capture_default_str();
  cmd->add_option("--database", args->database,
                  "postgresql://USER@HOST:PORT/DB (as `xport hub --database`; default: SQLite)");
  cmd->add_option("--objects", args->objects,
                  "s3://BUCKET?endpoint=URL&... (as `xport hub --objects`; default: the data dir)");
  cmd->add_option("--listen", args->listen, "HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--export", args->export_file, "The AAF export of the demo project")
      ->capture_default_str();
  cmd->add_option("--static-dir", args->static_dir, "Directory of the web UI to serve");
  cmd->add_flag("--exit-after-runs", args->exit_after_runs,
                "Stop right after the runs and the summary (for scripts)");
  cmd->add_option("--timeout", args->timeout, "Seconds the runs may take together")
      ->capture_default_str();
  cmd->add_option("--log-level", args->log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  return [args] { return run_demo(*args); };
}

}  // namespace xport::cli
