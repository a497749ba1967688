// `xport client`: everything the web UI does, scripted over the hub's REST API
// (docs/api.md). Human-readable output by default; --json prints the API's JSON.
// Exit codes: 0 ok, 1 a waited-for run did not succeed, 2 usage or a 4xx answer, 3 network
// failure or a 5xx answer.
#include <fmt/format.h>
#include <boost/json.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "client/api_client.hpp"
#include "commands.hpp"
#include "net/url.hpp"
#include "xport/errors.hpp"

namespace xport::cli {
namespace {

namespace json = boost::json;
using client::ApiClient;
using client::ApiError;
using client::str;

struct ClientArgs {
  std::string hub;
  std::string api_key;
  std::string ca_file;
  bool json = false;
  // project
  std::string name;
  std::string project;
  std::string file;
  std::vector<std::string> stages;
  bool replace = false;
  bool partial = false;
  // plugin
  std::string plugin;
  std::string config;
  std::string description;
  std::string rest_url;
  // run
  std::string stage;
  std::vector<std::string> batches;
  bool wait = false;
  double timeout = 600;
  std::string session;
  std::string out;
  // notifications
  bool unread = false;
  std::int64_t limit = 100;
};

enum class Op {
  none,
  project_create,
  project_list,
  project_import,
  plugin_create,
  plugin_show,
  run_start,
  run_logs,
  run_download,
  notifications
};

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

void print_run(const json::object& run) {
  fmt::print("session: {}\n", str(run, "session"));
  fmt::print("status: {}\n", str(run, "state"));
  if (!str(run, "message").empty()) fmt::print("message: {}\n", str(run, "message"));
  if (auto d = num(run, "durationMs"); d != "-") fmt::print("duration: {} ms\n", d);
  if (!str(run, "downloadUrl").empty()) fmt::print("download: {}\n", str(run, "downloadUrl"));
}

int run_op(Op op, const ClientArgs& a) {
  if (a.hub.empty()) throw ConfigError("--hub (or XPORT_HUB) is required: the hub's URL");
  if (a.api_key.empty()) throw ConfigError("--api-key (or XPORT_API_KEY) is required");
  net::Url::parse(a.hub);  // a bad URL is a usage error, reported before any call
  ApiClient api(a.hub, a.api_key, a.ca_file);
  const std::string enc_project = net::percent_encode(a.project);

  switch (op) {
    case Op::project_create: {
      json::object body{{"name", a.name}};
      if (!a.stages.empty()) {
        json::array stages;
        for (auto& s : a.stages)
          stages.emplace_back(s);
        body["stages"] = std::move(stages);
      }
      json::value p = api.post("/api/projects", body);
      if (a.json) {
        print_json(p);
      } else {
        auto& o = p.as_object();
        fmt::print("project {} created: {}\n", str(o, "id"), str(o, "name"));
      }
      return 0;
    }
    case Op::project_list: {
      json::value list = api.get("/api/projects");
      if (a.json) {
        print_json(list);
        return 0;
      }
      auto& projects = list.as_object().at("projects").as_array();
      if (projects.empty()) fmt::print("no projects\n");
      for (auto& p : projects) {
        auto& o = p.as_object();
        fmt::print("{}  {:>8} assets  {}\n", str(o, "id"), num(o, "assets"), str(o, "name"));
      }
      return 0;
    }
    case Op::project_import: {
      if (!std::filesystem::is_regular_file(a.file))
        throw ConfigError(fmt::format("{}: no such file", a.file));
      std::string path = "/api/projects/" + enc_project + "/import";
      if (a.replace || a.partial)
        path += std::string("?") + (a.replace ? "replace=true" : "") +
                (a.replace && a.partial ? "&" : "") + (a.partial ? "partial=true" : "");
      json::value r = api.post_file(path, a.file);
      if (a.json) {
        print_json(r);
      } else {
        auto& o = r.as_object();
        fmt::print(
            "imported {} assets into project {} (now {} assets{})\n", num(o, "imported"), a.project,
            num(o, "assets"),
            o.contains("replaced") && o.at("replaced").is_bool() && o.at("replaced").as_bool()
                ? ", replaced"
                : "");
        if (auto* errs = o.if_contains("errors"); errs && errs->is_array()) {
          for (auto& err : errs->as_array())
            if (err.is_object())
              fmt::print(stderr, "  skipped: {}\n", str(err.as_object(), "text"));
          if (num(o, "errorCount") != "-" && num(o, "errorCount") != "0")
            fmt::print("{} problems: those assets were skipped\n", num(o, "errorCount"));
        }
      }
      return 0;
    }
    case Op::plugin_create: {
      json::object body{{"name", a.name}, {"type", "Export"}, {"description", a.description}};
      if (!a.config.empty()) body["defaultConfig"] = config_value(a.config);
      if (!a.rest_url.empty()) body["restUrl"] = a.rest_url;
      json::value p = api.post("/api/plugins", body);
      if (a.json) {
        print_json(p);
      } else {
        auto& o = p.as_object();
        fmt::print("plugin {} created: {}\n", str(o, "id"), str(o, "name"));
        fmt::print("id: {}\nsecret: {}\n", str(o, "id"), str(o, "secret"));
        fmt::print("start it with: xport plugin --host {} --id {} --secret {}\n", api.hub(),
                   str(o, "id"), str(o, "secret"));
      }
      return 0;
    }
    case Op::plugin_show: {
      json::value p = api.get("/api/plugins/" + net::percent_encode(a.plugin));
      if (a.json) {
        print_json(p);
        return 0;
      }
      auto& o = p.as_object();
      fmt::print("id: {}\nname: {}\ntype: {}\n", str(o, "id"), str(o, "name"), str(o, "type"));
      if (!str(o, "description").empty()) fmt::print("description: {}\n", str(o, "description"));
      fmt::print("default config: {}\n", str(o, "defaultConfig"));
      fmt::print("connector: {}{}\n", str(o, "connector"),
                 str(o, "restUrl").empty() ? "" : " (" + str(o, "restUrl") + ")");
      fmt::print("online instances: {}\n", num(o, "onlineInstances"));
      if (o.contains("secret")) fmt::print("secret: {}\n", str(o, "secret"));
      return 0;
    }
    case Op::run_start: {
      json::object body{{"project", a.project}, {"plugin", a.plugin}};
      if (!a.config.empty()) body["config"] = config_value(a.config);
      if (!a.stage.empty()) body["stage"] = a.stage;
      if (!a.batches.empty()) {
        json::array b;
        for (auto& s : a.batches)
          b.emplace_back(s);
        body["batches"] = std::move(b);
      }
      json::object run = api.post("/api/runs", body).as_object();
      if (!a.wait) {
        if (a.json)
          print_json(run);
        else
          print_run(run);
        return 0;
      }
      if (!a.json) {
        fmt::print("session: {}\nstatus: {} (waiting up to {} s)\n", str(run, "session"),
                   str(run, "state"), a.timeout);
        std::fflush(stdout);
      }
      if (!(a.timeout > 0)) throw ConfigError("--timeout must be a positive number of seconds");
      json::object done =
          api.wait_run(str(run, "session"),
                       std::chrono::milliseconds(static_cast<std::int64_t>(a.timeout * 1000)));
      if (a.json)
        print_json(done);
      else
        print_run(done);
      if (!client::run_finished(done)) {
        fmt::print(stderr, "xport client: run {} is still {} after {} s\n", str(done, "session"),
                   str(done, "state"), a.timeout);
        return 1;
      }
      return str(done, "state") == "succeeded" ? 0 : 1;
    }
    case Op::run_logs: {
      json::value logs = api.get("/api/runs/" + net::percent_encode(a.session) + "/logs");
      if (a.json) {
        print_json(logs);
        return 0;
      }
      for (auto& l : logs.as_object().at("logs").as_array()) {
        auto& o = l.as_object();
        fmt::print("{:>4} {:<7} {}\n", num(o, "seq"), str(o, "level"), str(o, "msg"));
      }
      return 0;
    }
    case Op::run_download: {
      json::value link = api.get("/api/runs/" + net::percent_encode(a.session) + "/download");
      std::string url = str(link.as_object(), "url");
      std::uint64_t bytes = api.download(url, a.out);
      if (a.json) {
        print_json(json::object{{"session", a.session},
                                {"url", url},
                                {"path", std::filesystem::absolute(a.out).string()},
                                {"bytes", bytes}});
      } else {
        fmt::print("saved {} ({} bytes)\n", a.out, bytes);
      }
      return 0;
    }
    case Op::notifications: {
      std::string path = "/api/notifications?limit=" + std::to_string(a.limit);
      if (a.unread) path += "&unread=true";
      json::value list = api.get(path);
      if (a.json) {
        print_json(list);
        return 0;
      }
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
      return 0;
    }
    case Op::none:
      break;
  }
  throw ConfigError("xport client: name a command (project, plugin, run, notifications)");
}

int run_client(Op op, const ClientArgs& a) {
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

}  // namespace

Action add_client_command(CLI::App& app) {
  auto args = std::make_shared<ClientArgs>();
  auto op = std::make_shared<Op>(Op::none);
  CLI::App* cmd = app.add_subcommand(
      "client", "Script the hub over its REST API: projects, plugins, runs, notifications");
  cmd->require_subcommand(1);
  cmd->add_option("--hub", args->hub, "The hub's URL (http://127.0.0.1:8080)")
      ->envname("XPORT_HUB");
  cmd->add_option("--api-key", args->api_key, "Your API key")->envname("XPORT_API_KEY");
  cmd->add_option("--ca-file", args->ca_file,
                  "Extra trusted CA certificates (PEM), for an https hub whose certificate a "
                  "private CA signed");
  cmd->add_flag("--json", args->json, "Print the API's JSON");

  auto leaf = [op](CLI::App* parent, const char* name, const char* help, Op which) {
    CLI::App* c = parent->add_subcommand(name, help);
    c->fallthrough();
    c->callback([op, which] { *op = which; });
    return c;
  };

  CLI::App* project = cmd->add_subcommand("project", "Projects")->require_subcommand(1);
  project->fallthrough();
  CLI::App* c = leaf(project, "create", "Create a project", Op::project_create);
  c->add_option("NAME", args->name, "Project name")->required();
  c->add_option("--stage", args->stages, "A stage of the project (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  leaf(project, "list", "List the projects of your organization", Op::project_list);
  c = leaf(project, "import", "Import an AAF export (NDJSON, JSON or zip)", Op::project_import);
  c->add_option("PROJECT", args->project, "Project id")->required();
  c->add_option("FILE", args->file, "The export file (streamed as the body)")->required();
  c->add_flag("--replace", args->replace, "Remove the project's assets first");
  c->add_flag("--partial", args->partial,
              "Keep the good assets and skip the bad ones (default: all or nothing)");

  CLI::App* plugin = cmd->add_subcommand("plugin", "Plugins")->require_subcommand(1);
  plugin->fallthrough();
  c = leaf(plugin, "create", "Create an Export plugin; prints its id and secret",
           Op::plugin_create);
  c->add_option("NAME", args->name, "Plugin name")->required();
  c->add_option("--config", args->config, "Default Config JSON");
  c->add_option("--description", args->description, "Description");
  c->add_option("--rest-url", args->rest_url, "Make it a REST-connector plugin at this URL");
  c = leaf(plugin, "show", "Show a plugin (its secret when you are an admin)", Op::plugin_show);
  c->add_option("ID", args->plugin, "Plugin id")->required();

  CLI::App* run = cmd->add_subcommand("run", "Runs")->require_subcommand(1);
  run->fallthrough();
  c = leaf(run, "start", "Start a run of PLUGIN on PROJECT", Op::run_start);
  c->add_option("PROJECT", args->project, "Project id")->required();
  c->add_option("PLUGIN", args->plugin, "Plugin id")->required();
  c->add_option("--config", args->config, "Config JSON (default: the plugin's)");
  c->add_option("--stage", args->stage, "Only assets in this stage");
  c->add_option("--batch", args->batches, "Only assets in this batch (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  c->add_flag("--wait", args->wait, "Wait for the run to finish");
  c->add_option("--timeout", args->timeout, "Seconds --wait waits at most")->capture_default_str();
  c = leaf(run, "logs", "Print a run's log lines", Op::run_logs);
  c->add_option("SESSION", args->session, "Run session")->required();
  c = leaf(run, "download", "Download a succeeded run's result", Op::run_download);
  c->add_option("SESSION", args->session, "Run session")->required();
  c->add_option("OUT", args->out, "Where to write the zip")->required();

  c = leaf(cmd, "notifications", "List your notifications", Op::notifications);
  c->add_flag("--unread", args->unread, "Only unread ones");
  c->add_option("--limit", args->limit, "At most this many")->capture_default_str();

  return [args, op] { return run_client(*op, *args); };
}

}  // namespace xport::cli
