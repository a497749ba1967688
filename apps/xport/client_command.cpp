// `xport client`: everything the web UI does, scripted over the hub's REST API
// (docs/api.md). Human-readable output by default; --json prints the API's JSON.
// Exit codes: 0 ok, 1 a waited-for run did not succeed, 2 usage or a 4xx answer, 3 network
// failure or a 5xx answer.
#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
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
  std::vector<std::string> project_batches;
  std::string type;
  std::string schema_file;
  bool replace = false;
  bool partial = false;
  // plugin
  std::string plugin;
  std::string config;
  std::string description;
  std::string rest_url;
  std::int64_t plugin_timeout = 0;  // seconds; 0: the hub's default
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
  project_show,
  schema_get,
  schema_set,
  issues_import,
  issues_list,
  plugin_create,
  plugin_show,
  plugin_set_timeout,
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
      if (!a.stages.empty()) body["stages"] = string_list(a.stages);
      if (!a.project_batches.empty()) body["batches"] = string_list(a.project_batches);
      if (!a.type.empty()) body["type"] = a.type;
      if (!a.schema_file.empty()) body["categorySchema"] = read_json_file(a.schema_file);
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
    case Op::project_show: {
      json::value p = api.get("/api/projects/" + enc_project);
      if (a.json)
        print_json(p);
      else
        print_project(p.as_object());
      return 0;
    }
    case Op::schema_get: {
      print_json(api.get("/api/projects/" + enc_project + "/schema"));
      return 0;
    }
    case Op::schema_set: {
      json::value schema = read_json_file(a.file);
      json::value stored = api.call("PUT", "/api/projects/" + enc_project + "/schema", &schema);
      if (a.json)
        print_json(stored);
      else
        fmt::print("ontology of project {} set from {}\n", a.project, a.file);
      return 0;
    }
    case Op::issues_import: {
      json::value issues = read_json_file(a.file);
      json::value r = api.post("/api/projects/" + enc_project + "/issues/import", issues);
      if (a.json)
        print_json(r);
      else
        fmt::print("imported {} issues into project {}\n", num(r.as_object(), "imported"),
                   a.project);
      return 0;
    }
    case Op::issues_list: {
      json::value r = api.get("/api/projects/" + enc_project + "/issues?limit=" +
                              std::to_string(std::clamp<std::int64_t>(a.limit, 1, 1000)));
      if (a.json) {
        print_json(r);
        return 0;
      }
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
      return 0;
    }
    case Op::plugin_set_timeout: {
      json::value body = json::object{{"timeoutSeconds", a.plugin_timeout}};
      json::value p = api.call("PATCH", "/api/plugins/" + net::percent_encode(a.plugin), &body);
      if (a.json)
        print_json(p);
      else
        fmt::print("plugin {}: runs time out after {} s without an answer\n", a.plugin,
                   num(p.as_object(), "timeoutSeconds"));
      return 0;
    }
    case Op::plugin_create: {
      json::object body{{"name", a.name}, {"type", "Export"}, {"description", a.description}};
      if (a.plugin_timeout > 0) body["timeoutSeconds"] = a.plugin_timeout;
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
      fmt::print("answer timeout: {} s\n", num(o, "timeoutSeconds"));
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
  c->add_option("--batch", args->project_batches, "A batch of the project (repeatable)")
      ->expected(1)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  c->add_option("--type", args->type, "The project's type (default image)");
  c->add_option("--schema", args->schema_file, "The ontology (categorySchema), a JSON file");
  leaf(project, "list", "List the projects of your organization", Op::project_list);
  c = leaf(project, "show", "Show a project: stages, batches, ontology", Op::project_show);
  c->add_option("PROJECT", args->project, "Project id")->required();
  CLI::App* schema = project->add_subcommand("schema", "The project's ontology (categorySchema)");
  schema->require_subcommand(1)->fallthrough();
  c = leaf(schema, "get", "Print the ontology (JSON)", Op::schema_get);
  c->add_option("PROJECT", args->project, "Project id")->required();
  c = leaf(schema, "set", "Replace the ontology with a JSON file's", Op::schema_set);
  c->add_option("PROJECT", args->project, "Project id")->required();
  c->add_option("FILE", args->file, "{tools, classifications, relations}")->required();
  CLI::App* issues = project->add_subcommand("issues", "The project's issues");
  issues->require_subcommand(1)->fallthrough();
  c = leaf(issues, "import", "Import the platform's issue export (a JSON list)", Op::issues_import);
  c->add_option("PROJECT", args->project, "Project id")->required();
  c->add_option("FILE", args->file, "The issue export")->required();
  c = leaf(issues, "list", "List the project's issues", Op::issues_list);
  c->add_option("PROJECT", args->project, "Project id")->required();
  c->add_option("--limit", args->limit, "At most this many")->capture_default_str();
  c = leaf(project, "import", "Import an AAF export (NDJSON, JSON or zip)", Op::project_import);
  c->add_option("PROJECT", args->project, "Project id")->required();
  c->add_option("FILE", args->file, "The export file (streamed as the body)")->required();
  c->add_flag("--replace", args->replace,
              "An asset whose id is already in the project replaces it (default: a conflict)");
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
  c->add_option("--timeout", args->plugin_timeout,
                "Seconds a dispatched run may go unanswered (default 1800)");
  c = leaf(plugin, "set-timeout", "Set how long a run may go unanswered", Op::plugin_set_timeout);
  c->add_option("ID", args->plugin, "Plugin id")->required();
  c->add_option("SECONDS", args->plugin_timeout, "Seconds")->required();
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
