// `xport client`: everything the web UI does, scripted over the hub's REST API
// (docs/api.md). Human-readable output by default; --json prints the API's JSON.
// Exit codes: 0 ok, 1 a waited-for run did not succeed, 2 usage or a 4xx answer, 3 network
// failure or a 5xx answer.
#include <fmt/format.h>

#include <boost/json.hpp>
#include <cmath>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "client/api_client.hpp"
#include "client_accounts.hpp"
#include "commands.hpp"
#include "net/url.hpp"
#include "xport/errors.hpp"

namespace xport::cli {
namespace {

namespace json = boost::json;
using client::ApiClient;
using client::ApiError;
using client::str;

void print_json(const json::value& v) {
  fmt::print("{}\n", json::serialize(v));
}

std::string num(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  if (!v || v->is_null()) return "-";
  if (v->is_int64()) return std::to_string(v->as_int64());
  if (v->is_uint64()) return std::to_string(v->as_uint64());
  if (v->is_string()) return std::string(v->as_string());
  return json::serialize(*v);
}

json::value config_value(const std::string& text) {
  // Sent as the text the user typed: the hub validates it and reports line and column.
  return json::value(text);
}

// A JSON file given on the command line, parsed here so that a typo names the file.
json::value read_json_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError(fmt::format("{}: cannot read the file", path));
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) throw ConfigError(fmt::format("{}: not JSON: {}", path, ec.message()));
  return v;
}

json::array string_list(const std::vector<std::string>& items) {
  json::array out;
  for (const auto& s : items)
    out.emplace_back(s);
  return out;
}

void print_project(const json::object& p) {
  fmt::print("id: {}\nname: {}\ntype: {}\nassets: {}\n", str(p, "id"), str(p, "name"),
             str(p, "type"), num(p, "assets"));
  fmt::print("stages:\n");
  if (auto* stages = p.if_contains("stages"); stages && stages->is_array())
    for (auto& s : stages->as_array())
      if (s.is_object())
        fmt::print("  {:<24} {:<10} {}\n", str(s.as_object(), "name"), str(s.as_object(), "type"),
                   str(s.as_object(), "id"));
  fmt::print("batches:\n");
  if (auto* batches = p.if_contains("batches"); batches && batches->is_array())
    for (auto& b : batches->as_array())
      if (b.is_object())
        fmt::print("  {:<24} {}\n", str(b.as_object(), "name"), str(b.as_object(), "id"));
  std::size_t tools = 0, classifications = 0, relations = 0;
  if (auto* schema = p.if_contains("categorySchema"); schema && schema->is_object()) {
    auto count = [&](const char* k) -> std::size_t {
      auto* v = schema->as_object().if_contains(k);
      return v && v->is_array() ? v->as_array().size() : 0;
    };
    tools = count("tools");
    classifications = count("classifications");
    relations = count("relations");
  }
  fmt::print("ontology: {} tools, {} classifications, {} relations\n", tools, classifications,
             relations);
}

// "progress: 42% (41200 assets, 139.0 of 337.0 MB, about 2 s left)", from the plugin's last
// report (docs/api.md: a run's progress).
void print_progress(const json::object& run) {
  auto* p = run.if_contains("progress");
  if (!p || !p->is_object()) return;
  const json::object& o = p->get_object();
  auto number = [&](const char* key) {
    auto* v = o.if_contains(key);
    return v && v->is_number() ? v->to_number<double>() : -1.0;
  };
  std::string line = number("fraction") >= 0
                         ? fmt::format("{:.0f}% (", std::floor(number("fraction") * 100))
                         : std::string("(");
  line += fmt::format("{:.0f}", number("assetsDone"));
  if (number("assetsTotal") > 0) line += fmt::format(" of {:.0f}", number("assetsTotal"));
  line += " assets";
  if (number("bytesTotal") > 0)
    line +=
        fmt::format(", {:.1f} of {:.1f} MB", number("bytesDone") / 1e6, number("bytesTotal") / 1e6);
  if (str(run, "state") == "dispatched" && number("etaMs") >= 0)
    line += fmt::format(", about {:.0f} s left", std::ceil(number("etaMs") / 1000));
  fmt::print("progress: {})\n", line);
}

// What the conversion report of a finished run says, one line per reason.
void print_report(const json::object& run) {
  auto* r = run.if_contains("report");
  if (!r || !r->is_object()) return;
  const json::object& report = r->get_object();
  auto* output = report.if_contains("output");
  if (!output || !output->is_object()) return;
  const json::object& out = output->get_object();
  fmt::print("report: {} assets, {} objects written\n", num(out, "assets"), num(out, "objects"));
  if (auto* notes = out.if_contains("notes"); notes && notes->is_array())
    for (const json::value& n : notes->get_array())
      if (n.is_object())
        fmt::print("  {} {}: {}\n", str(n.get_object(), "action"), num(n.get_object(), "count"),
                   str(n.get_object(), "reason"));
}

void print_run(const json::object& run) {
  fmt::print("session: {}\n", str(run, "session"));
  fmt::print("status: {}\n", str(run, "state"));
  if (!str(run, "message").empty()) fmt::print("message: {}\n", str(run, "message"));
  if (auto d = num(run, "durationMs"); d != "-") fmt::print("duration: {} ms\n", d);
  print_progress(run);
  print_report(run);
  if (!str(run, "downloadUrl").empty()) fmt::print("download: {}\n", str(run, "downloadUrl"));
}

// One operation of `xport client`: its handler calls the hub and prints the answer (the
// API's JSON with --json); returns the exit code.
using Handler = int (*)(const ApiClient& api, const ClientArgs& a);

// Prints the answer's JSON with --json, else `human(answer)`; returns 0.
template <class Human>
int answer(const ClientArgs& a, const json::value& v, Human human) {
  if (a.json)
    print_json(v);
  else
    human(v);
  return 0;
}

std::string project_path(const ClientArgs& a, const std::string& rest = {}) {
  return "/api/projects/" + net::percent_encode(a.project) + rest;
}

int project_create(const ApiClient& api, const ClientArgs& a) {
  json::object body{{"name", a.name}};
  if (!a.stages.empty()) body["stages"] = string_list(a.stages);
  if (!a.project_batches.empty()) body["batches"] = string_list(a.project_batches);
  if (!a.type.empty()) body["type"] = a.type;
  if (!a.schema_file.empty()) body["categorySchema"] = read_json_file(a.schema_file);
  return answer(a, api.post("/api/projects", body), [](const json::value& p) {
    auto& o = p.as_object();
    fmt::print("project {} created: {}\n", str(o, "id"), str(o, "name"));
  });
}

int project_list(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.get("/api/projects"), [](const json::value& list) {
    auto& projects = list.as_object().at("projects").as_array();
    if (projects.empty()) fmt::print("no projects\n");
    for (auto& p : projects) {
      auto& o = p.as_object();
      fmt::print("{}  {:>8} assets  {}\n", str(o, "id"), num(o, "assets"), str(o, "name"));
    }
  });
}

void print_import(const ClientArgs& a, const json::object& o) {
  fmt::print("imported {} assets into project {} (now {} assets{})\n", num(o, "imported"),
             a.project, num(o, "assets"),
             o.contains("replaced") && o.at("replaced").is_bool() && o.at("replaced").as_bool()
                 ? ", replaced"
                 : "");
  if (auto* errs = o.if_contains("errors"); errs && errs->is_array()) {
    for (auto& err : errs->as_array())
      if (err.is_object()) fmt::print(stderr, "  skipped: {}\n", str(err.as_object(), "text"));
    if (num(o, "errorCount") != "-" && num(o, "errorCount") != "0")
      fmt::print("{} problems: those assets were skipped\n", num(o, "errorCount"));
  }
}

int project_import(const ApiClient& api, const ClientArgs& a) {
  if (!std::filesystem::is_regular_file(a.file))
    throw ConfigError(fmt::format("{}: no such file", a.file));
  std::string path = project_path(a, "/import");
  if (a.replace || a.partial)
    path += std::string("?") + (a.replace ? "replace=true" : "") +
            (a.replace && a.partial ? "&" : "") + (a.partial ? "partial=true" : "");
  return answer(a, api.post_file(path, a.file),
                [&a](const json::value& r) { print_import(a, r.as_object()); });
}

int project_show(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.get(project_path(a)),
                [](const json::value& p) { print_project(p.as_object()); });
}

int schema_get(const ApiClient& api, const ClientArgs& a) {
  print_json(api.get(project_path(a, "/schema")));
  return 0;
}

int schema_set(const ApiClient& api, const ClientArgs& a) {
  json::value schema = read_json_file(a.file);
  return answer(a, api.call("PUT", project_path(a, "/schema"), &schema), [&a](const json::value&) {
    fmt::print("ontology of project {} set from {}\n", a.project, a.file);
  });
}

int issues_import(const ApiClient& api, const ClientArgs& a) {
  json::value issues = read_json_file(a.file);
  return answer(a, api.post(project_path(a, "/issues/import"), issues), [&a](const json::value& r) {
    fmt::print("imported {} issues into project {}\n", num(r.as_object(), "imported"), a.project);
  });
}

void print_issues(const json::value& r) {
  for (auto& i : r.as_object().at("issues").as_array()) {
    if (!i.is_object()) continue;
    const auto& o = i.as_object();
    std::string external;
    if (auto* asset = o.if_contains("asset"); asset && asset->is_object())
      external = str(asset->as_object(), "externalId");
    fmt::print("{}  {:<8} {:<24} {}\n", str(o, "_id"), str(o, "status"), external,
               str(o, "content"));
  }
  fmt::print("{} issues\n", num(r.as_object(), "total"));
}

int issues_list(const ApiClient& api, const ClientArgs& a) {
  return answer(a,
                api.get(project_path(a, "/issues?limit=") +
                        std::to_string(std::clamp<std::int64_t>(a.limit, 1, 1000))),
                print_issues);
}

int plugin_set_timeout(const ApiClient& api, const ClientArgs& a) {
  json::value body = json::object{{"timeoutSeconds", a.plugin_timeout}};
  return answer(a, api.call("PATCH", "/api/plugins/" + net::percent_encode(a.plugin), &body),
                [&a](const json::value& p) {
                  fmt::print("plugin {}: runs time out after {} s without an answer\n", a.plugin,
                             num(p.as_object(), "timeoutSeconds"));
                });
}

int plugin_set_concurrency(const ApiClient& api, const ClientArgs& a) {
  json::value body = json::object{{"instanceConcurrency", a.instance_concurrency}};
  return answer(a, api.call("PATCH", "/api/plugins/" + net::percent_encode(a.plugin), &body),
                [&a](const json::value& p) {
                  const std::string n = num(p.as_object(), "instanceConcurrency");
                  if (n == "0")
                    fmt::print("plugin {}: each instance takes every run it is sent\n", a.plugin);
                  else
                    fmt::print(
                        "plugin {}: each instance takes at most {} run(s) at a time; "
                        "the others wait queued\n",
                        a.plugin, n);
                });
}

int plugin_create(const ApiClient& api, const ClientArgs& a) {
  json::object body{{"name", a.name}, {"type", "Export"}, {"description", a.description}};
  if (a.plugin_timeout > 0) body["timeoutSeconds"] = a.plugin_timeout;
  if (a.instance_concurrency >= 0) body["instanceConcurrency"] = a.instance_concurrency;
  if (!a.config.empty()) body["defaultConfig"] = config_value(a.config);
  if (!a.rest_url.empty()) body["restUrl"] = a.rest_url;
  return answer(a, api.post("/api/plugins", body), [&api](const json::value& p) {
    auto& o = p.as_object();
    fmt::print("plugin {} created: {}\n", str(o, "id"), str(o, "name"));
    fmt::print("id: {}\nsecret: {}\n", str(o, "id"), str(o, "secret"));
    fmt::print("start it with: xport plugin --host {} --id {} --secret {}\n", api.hub(),
               str(o, "id"), str(o, "secret"));
  });
}

void print_plugin(const json::value& p) {
  auto& o = p.as_object();
  fmt::print("id: {}\nname: {}\ntype: {}\n", str(o, "id"), str(o, "name"), str(o, "type"));
  if (!str(o, "description").empty()) fmt::print("description: {}\n", str(o, "description"));
  fmt::print("default config: {}\n", str(o, "defaultConfig"));
  fmt::print("connector: {}{}\n", str(o, "connector"),
             str(o, "restUrl").empty() ? "" : " (" + str(o, "restUrl") + ")");
  fmt::print("online instances: {}\n", num(o, "onlineInstances"));
  fmt::print("answer timeout: {} s\n", num(o, "timeoutSeconds"));
  const std::string per_instance = num(o, "instanceConcurrency");
  fmt::print("runs per instance: {}\n", per_instance == "0" ? "no limit" : per_instance);
  if (o.contains("secret")) fmt::print("secret: {}\n", str(o, "secret"));
}

int plugin_show(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.get("/api/plugins/" + net::percent_encode(a.plugin)), print_plugin);
}

// The hub checks the storage (a small object written, read back and deleted) before it
// saves it: a storage that answers here works for runs.
int storage_add(const ApiClient& api, const ClientArgs& a) {
  json::object body{{"name", a.name},     {"endpoint", a.endpoint},    {"bucket", a.bucket},
                    {"region", a.region}, {"accessKey", a.access_key}, {"secretKey", a.secret_key}};
  return answer(a, api.post("/api/storages", body), [](const json::value& s) {
    auto& o = s.as_object();
    fmt::print("storage {} added ({} {}), checked: it writes and reads the bucket\n",
               str(o, "name"), str(o, "endpoint"), str(o, "bucket"));
    fmt::print("id: {}\n", str(o, "id"));
  });
}

int storage_list(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.get("/api/storages"), [](const json::value& r) {
    for (const auto& s : r.as_object().at("storages").as_array()) {
      auto& o = s.as_object();
      fmt::print("{}  {:<20} {} {} ({})\n", str(o, "id"), str(o, "name"), str(o, "endpoint"),
                 str(o, "bucket"), str(o, "region"));
    }
  });
}

int storage_remove(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.call("DELETE", "/api/storages/" + net::percent_encode(a.storage), nullptr),
                [&a](const json::value&) { fmt::print("storage {} removed\n", a.storage); });
}

// With --wait: until the run finished (or --timeout); 0 only when it succeeded.
int wait_for_run(const ApiClient& api, const ClientArgs& a, const json::object& run) {
  if (!a.json) {
    fmt::print("session: {}\nstatus: {} (waiting up to {} s)\n", str(run, "session"),
               str(run, "state"), a.timeout);
    std::fflush(stdout);
  }
  if (!(a.timeout > 0)) throw ConfigError("--timeout must be a positive number of seconds");
  json::object done = api.wait_run(
      str(run, "session"), std::chrono::milliseconds(static_cast<std::int64_t>(a.timeout * 1000)));
  answer(a, done, [](const json::value& d) { print_run(d.as_object()); });
  if (!client::run_finished(done)) {
    fmt::print(stderr, "xport client: run {} is still {} after {} s\n", str(done, "session"),
               str(done, "state"), a.timeout);
    return 1;
  }
  return str(done, "state") == "succeeded" ? 0 : 1;
}

int run_start(const ApiClient& api, const ClientArgs& a) {
  json::object body{{"project", a.project}, {"plugin", a.plugin}};
  if (!a.config.empty()) body["config"] = config_value(a.config);
  if (!a.stage.empty()) body["stage"] = a.stage;
  if (!a.batches.empty()) body["batches"] = string_list(a.batches);
  json::object run = api.post("/api/runs", body).as_object();
  if (a.wait) return wait_for_run(api, a, run);
  return answer(a, run, [](const json::value& r) { print_run(r.as_object()); });
}

int run_logs(const ApiClient& api, const ClientArgs& a) {
  return answer(a, api.get("/api/runs/" + net::percent_encode(a.session) + "/logs"),
                [](const json::value& logs) {
                  for (auto& l : logs.as_object().at("logs").as_array()) {
                    auto& o = l.as_object();
                    fmt::print("{:>4} {:<7} {}\n", num(o, "seq"), str(o, "level"), str(o, "msg"));
                  }
                });
}

int run_download(const ApiClient& api, const ClientArgs& a) {
  json::value link = api.get("/api/runs/" + net::percent_encode(a.session) + "/download");
  std::string url = str(link.as_object(), "url");
  std::uint64_t bytes = api.download(url, a.out);
  json::value saved = json::object{{"session", a.session},
                                   {"url", url},
                                   {"path", std::filesystem::absolute(a.out).string()},
                                   {"bytes", bytes}};
  return answer(a, saved, [&a, bytes](const json::value&) {
    fmt::print("saved {} ({} bytes)\n", a.out, bytes);
  });
}

void print_notifications(const json::value& list) {
  auto& notes = list.as_object().at("notifications").as_array();
  if (notes.empty()) fmt::print("no notifications\n");
  for (auto& n : notes) {
    auto& o = n.as_object();
    bool read = o.contains("read") && o.at("read").is_bool() && o.at("read").as_bool();
    fmt::print("#{} {}{}: {}\n", num(o, "id"), read ? "" : "[unread] ", str(o, "kind"),
               str(o, "text"));
    std::string link = str(o, "url").empty() ? str(o, "link") : str(o, "url");
    if (!link.empty()) fmt::print("    {}\n", link);
  }
}

int notifications(const ApiClient& api, const ClientArgs& a) {
  std::string path = "/api/notifications?limit=" + std::to_string(a.limit);
  if (a.unread) path += "&unread=true";
  return answer(a, api.get(path), print_notifications);
}

// The options of each operation (CLI11 binds them to the ClientArgs members).
using Options = void (*)(CLI::App& c, ClientArgs& a);

void repeatable(CLI::Option* o) {
  o->expected(1)->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
}
void project_arg(CLI::App& c, ClientArgs& a) {
  c.add_option("PROJECT", a.project, "Project id")->required();
}
void plugin_arg(CLI::App& c, ClientArgs& a) {
  c.add_option("ID", a.plugin, "Plugin id")->required();
}
void session_arg(CLI::App& c, ClientArgs& a) {
  c.add_option("SESSION", a.session, "Run session")->required();
}
void no_options(CLI::App&, ClientArgs&) {}

void project_create_options(CLI::App& c, ClientArgs& a) {
  c.add_option("NAME", a.name, "Project name")->required();
  repeatable(c.add_option("--stage", a.stages, "A stage of the project (repeatable)"));
  repeatable(c.add_option("--batch", a.project_batches, "A batch of the project (repeatable)"));
  c.add_option("--type", a.type, "The project's type (default image)");
  c.add_option("--schema", a.schema_file, "The ontology (categorySchema), a JSON file");
}
void schema_set_options(CLI::App& c, ClientArgs& a) {
  project_arg(c, a);
  c.add_option("FILE", a.file, "{tools, classifications, relations}")->required();
}
void issues_import_options(CLI::App& c, ClientArgs& a) {
  project_arg(c, a);
  c.add_option("FILE", a.file, "The issue export")->required();
}
void issues_list_options(CLI::App& c, ClientArgs& a) {
  project_arg(c, a);
  c.add_option("--limit", a.limit, "At most this many")->capture_default_str();
}
void project_import_options(CLI::App& c, ClientArgs& a) {
  project_arg(c, a);
  c.add_option("FILE", a.file, "The export file (streamed as the body)")->required();
  c.add_flag("--replace", a.replace,
             "An asset whose id is already in the project replaces it (default: a conflict)");
  c.add_flag("--partial", a.partial,
             "Keep the good assets and skip the bad ones (default: all or nothing)");
}
void plugin_create_options(CLI::App& c, ClientArgs& a) {
  c.add_option("NAME", a.name, "Plugin name")->required();
  c.add_option("--config", a.config, "Default Config JSON");
  c.add_option("--description", a.description, "Description");
  c.add_option("--rest-url", a.rest_url, "Make it a REST-connector plugin at this URL");
  c.add_option("--timeout", a.plugin_timeout,
               "Seconds a dispatched run may go unanswered (default 1800)");
  c.add_option("--instance-concurrency", a.instance_concurrency,
               "Runs each instance takes at a time; the others wait queued (default 0: no limit)")
      ->check(CLI::Range(0, 10000));
}
void plugin_set_timeout_options(CLI::App& c, ClientArgs& a) {
  plugin_arg(c, a);
  c.add_option("SECONDS", a.plugin_timeout, "Seconds")->required();
}
void plugin_set_concurrency_options(CLI::App& c, ClientArgs& a) {
  plugin_arg(c, a);
  c.add_option("RUNS", a.instance_concurrency,
               "Runs each instance takes at a time (0: no limit); the others wait queued")
      ->required()
      ->check(CLI::Range(0, 10000));
}
void run_start_options(CLI::App& c, ClientArgs& a) {
  project_arg(c, a);
  c.add_option("PLUGIN", a.plugin, "Plugin id")->required();
  c.add_option("--config", a.config, "Config JSON (default: the plugin's)");
  c.add_option("--stage", a.stage, "Only assets in this stage");
  repeatable(c.add_option("--batch", a.batches, "Only assets in this batch (repeatable)"));
  c.add_flag("--wait", a.wait, "Wait for the run to finish");
  c.add_option("--timeout", a.timeout, "Seconds --wait waits at most")->capture_default_str();
}
void run_download_options(CLI::App& c, ClientArgs& a) {
  session_arg(c, a);
  c.add_option("OUT", a.out, "Where to write the zip")->required();
}
void storage_add_options(CLI::App& c, ClientArgs& a) {
  c.add_option("NAME", a.name, "A name for the storage")->required();
  c.add_option("--endpoint", a.endpoint, "The S3 endpoint (http://127.0.0.1:7480)")->required();
  c.add_option("--bucket", a.bucket, "The bucket results go to")->required();
  c.add_option("--region", a.region, "The bucket's region")->capture_default_str();
  c.add_option("--access-key", a.access_key, "The access key id")
      ->envname("XPORT_STORAGE_ACCESS_KEY")
      ->required();
  // From the environment, the secret stays out of `ps` and shell histories.
  c.add_option("--secret-key", a.secret_key, "The secret key")
      ->envname("XPORT_STORAGE_SECRET_KEY")
      ->required();
}
void storage_arg(CLI::App& c, ClientArgs& a) {
  c.add_option("ID", a.storage, "Storage id")->required();
}
void notifications_options(CLI::App& c, ClientArgs& a) {
  c.add_flag("--unread", a.unread, "Only unread ones");
  c.add_option("--limit", a.limit, "At most this many")->capture_default_str();
}

// The groups operations sit in ("" is `xport client` itself), by path.
struct Group {
  const char* path;
  const char* help;
};
constexpr Group kGroups[] = {
    {"org", "Organizations (creating one: the server admin)"},
    {"user", "Your organization's users"},
    {"project", "Projects"},
    {"project members", "The project's members and their roles"},
    {"project schema", "The project's ontology (categorySchema)"},
    {"project issues", "The project's issues"},
    {"plugin", "Plugins"},
    {"storage", "Your organization's own S3-compatible storages, for results"},
    {"run", "Runs"},
};

// One row per operation, in the order `--help` lists them.
struct Operation {
  const char* group;  // a path of kGroups, or "" for a top-level command
  const char* name;
  const char* help;
  Options options;
  Handler handler;
};
constexpr Operation kOperations[] = {
    {"org", "create", "Create an organization; prints its id and its first admin's API key",
     accounts::org_create_options, accounts::org_create},
    {"org", "list", "List the organizations you see", no_options, accounts::org_list},
    {"user", "add", "Add a user; prints their API key once", accounts::user_add_options,
     accounts::user_add},
    {"user", "list", "List your organization's users", no_options, accounts::user_list},
    {"user", "remove", "Remove a user (their key stops working)", accounts::user_arg,
     accounts::user_remove},
    {"user", "rotate-key", "Make a new API key (yours, or as an admin a user's)",
     accounts::user_rotate_key_options, accounts::user_rotate_key},
    {"project", "create", "Create a project", project_create_options, project_create},
    {"project", "list", "List the projects of your organization", no_options, project_list},
    {"project", "show", "Show a project: stages, batches, ontology", project_arg, project_show},
    {"project schema", "get", "Print the ontology (JSON)", project_arg, schema_get},
    {"project schema", "set", "Replace the ontology with a JSON file's", schema_set_options,
     schema_set},
    {"project issues", "import", "Import the platform's issue export (a JSON list)",
     issues_import_options, issues_import},
    {"project issues", "list", "List the project's issues", issues_list_options, issues_list},
    {"project", "import", "Import an AAF export (NDJSON, JSON or zip)", project_import_options,
     project_import},
    {"project members", "set", "Add a member with a role, or change their role",
     accounts::member_set_options, accounts::member_set},
    {"project members", "list", "List the project's members", project_arg, accounts::member_list},
    {"project members", "remove", "Remove a member", accounts::member_remove_options,
     accounts::member_remove},
    {"plugin", "create", "Create an Export plugin; prints its id and secret", plugin_create_options,
     plugin_create},
    {"plugin", "set-timeout", "Set how long a run may go unanswered", plugin_set_timeout_options,
     plugin_set_timeout},
    {"plugin", "set-concurrency", "Set how many runs each instance takes at a time",
     plugin_set_concurrency_options, plugin_set_concurrency},
    {"plugin", "show", "Show a plugin (its secret when you are an admin)", plugin_arg, plugin_show},
    {"storage", "add", "Add a storage (checked first); prints its id", storage_add_options,
     storage_add},
    {"storage", "list", "List your organization's storages", no_options, storage_list},
    {"storage", "remove", "Remove a storage", storage_arg, storage_remove},
    {"run", "start", "Start a run of PLUGIN on PROJECT", run_start_options, run_start},
    {"run", "logs", "Print a run's log lines", session_arg, run_logs},
    {"run", "download", "Download a succeeded run's result", run_download_options, run_download},
    {"", "notifications", "List your notifications", notifications_options, notifications},
};

int run_op(const Operation* op, const ClientArgs& a) {
  if (a.hub.empty()) throw ConfigError("--hub (or XPORT_HUB) is required: the hub's URL");
  if (a.api_key.empty()) throw ConfigError("--api-key (or XPORT_API_KEY) is required");
  net::Url::parse(a.hub);  // a bad URL is a usage error, reported before any call
  ApiClient api(a.hub, a.api_key, a.ca_file);
  if (op == nullptr)
    throw ConfigError(
        "xport client: name a command (org, user, project, plugin, storage, run, "
        "notifications)");
  return op->handler(api, a);
}

int run_client(const Operation* op, const ClientArgs& a) {
  try {
    return run_op(op, a);
  } catch (const ApiError& e) {
    fmt::print(stderr, "xport client: HTTP {}: {}\n", e.status(), e.what());
    if (e.body().is_object()) {
      const json::object& body = e.body().as_object();
      if (auto* errs = body.if_contains("errors"); errs && errs->is_array()) {
        for (auto& err : errs->as_array())
          if (err.is_object() && err.as_object().contains("text"))
            fmt::print(stderr, "  {}\n", str(err.as_object(), "text"));
        // The hub lists the first problems and counts them all.
        if (auto* count = body.if_contains("errorCount"); count && count->is_number()) {
          auto total = count->to_number<std::uint64_t>();
          if (total > errs->as_array().size())
            fmt::print(stderr, "  ... and {} more\n", total - errs->as_array().size());
        }
      }
    }
    if (a.json && !e.body().is_null()) print_json(e.body());
    return e.status() >= 500 || e.status() < 400 ? kExitIo : kExitUsage;
  } catch (const IoError& e) {
    fmt::print(stderr, "xport client: {}\n", e.what());
    return kExitIo;
  }
}

// The group subcommand at `path` ("" : `cmd`), made (with its parents) the first time an
// operation names it, so that --help lists everything in kOperations' order.
CLI::App* group(CLI::App& cmd, std::map<std::string, CLI::App*>& made, const std::string& path) {
  if (path.empty()) return &cmd;
  if (auto it = made.find(path); it != made.end()) return it->second;
  const auto space = path.rfind(' ');
  CLI::App* parent = group(cmd, made, space == std::string::npos ? "" : path.substr(0, space));
  const char* help = "";
  for (const Group& g : kGroups)
    if (path == g.path) help = g.help;
  CLI::App* g = parent->add_subcommand(path.substr(space + 1), help);
  g->require_subcommand(1)->fallthrough();
  return made[path] = g;
}

}  // namespace

Action add_client_command(CLI::App& app) {
  auto args = std::make_shared<ClientArgs>();
  auto op = std::make_shared<const Operation*>(nullptr);
  CLI::App* cmd = app.add_subcommand(
      "client",
      "Script the hub over its REST API: organizations, users, projects, plugins, storages, "
      "runs, notifications");
  cmd->require_subcommand(1);
  cmd->add_option("--hub", args->hub, "The hub's URL (http://127.0.0.1:8080)")
      ->envname("XPORT_HUB");
  cmd->add_option("--api-key", args->api_key, "Your API key")->envname("XPORT_API_KEY");
  cmd->add_option("--ca-file", args->ca_file,
                  "Extra trusted CA certificates (PEM), for an https hub whose certificate a "
                  "private CA signed");
  cmd->add_flag("--json", args->json, "Print the API's JSON");

  std::map<std::string, CLI::App*> groups;
  for (const Operation& row : kOperations) {
    CLI::App* c = group(*cmd, groups, row.group)->add_subcommand(row.name, row.help);
    c->fallthrough();
    c->callback([op, which = &row] { *op = which; });
    row.options(*c, *args);
  }
  return [args, op] { return run_client(*op, *args); };
}

}  // namespace xport::cli
