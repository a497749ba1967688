// `xport plugin`: the built-in converters served as an export plugin on a platform (or the
// xport hub). Options also come from the environment variables existing deployments of the
// platform's Python SDK use: HOST, PLUGIN_ID, PLUGIN_SECRET, CONNECTOR, PORT.
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdlib>

#include "commands.hpp"
#include "xport/errors.hpp"
#include "xport/plugin.hpp"

namespace xport::cli {
namespace {

struct PluginArgs {
  std::string host = "https://api.ango.ai";
  std::string id;
  std::string secret;
  std::string format = "sample";
  std::string connector = "ws";
  std::uint16_t port = 8080;
  std::string listen = "0.0.0.0";
  unsigned concurrency = 0;
  std::string ca_file;
  bool insecure = false;
  std::string temp_dir;
  unsigned grace = 30;
  std::string log_level = "info";
};

int run_plugin(const PluginArgs& args) {
  // Logs go to stderr: stdout stays free for what scripts read.
  spdlog::set_default_logger(spdlog::stderr_color_mt("xport"));
  spdlog::set_level(spdlog::level::from_str(args.log_level));
  PluginOptions options;
  if (args.connector == "ws" || args.connector == "WS")
    options.connector = Connector::websocket;
  else if (args.connector == "rest" || args.connector == "REST")
    options.connector = Connector::rest;
  else
    throw ConfigError(fmt::format("--connector must be ws or rest, got \"{}\"", args.connector));
  options.port = args.port;
  options.listen_address = args.listen;
  options.concurrency = args.concurrency;
  options.ca_file = args.ca_file;
  options.verify_tls = !args.insecure;
  options.temp_dir = args.temp_dir;
  options.shutdown_grace = std::chrono::seconds(args.grace);
  options.count_tasks = false;  // the converters count assets themselves
  ExportPlugin plugin(args.id, args.secret, converter_callback(args.format), args.host, options);
  spdlog::info(
      "xport plugin {} serving formats (default \"{}\") via {}", args.id, args.format,
      options.connector == Connector::rest ? fmt::format("REST on port {}", args.port) : args.host);
  return run(plugin);
}

}  // namespace

Action add_plugin_command(CLI::App& app) {
  auto args = std::make_shared<PluginArgs>();
  CLI::App* cmd = app.add_subcommand(
      "plugin",
      "Serve the built-in formats as an export plugin (Config JSON \"format\" picks one)");
  cmd->add_option("--host", args->host, "Platform URL")->envname("HOST")->capture_default_str();
  cmd->add_option("--id", args->id, "Plugin id")->envname("PLUGIN_ID")->required();
  cmd->add_option("--secret", args->secret, "Plugin secret")->envname("PLUGIN_SECRET")->required();
  cmd->add_option("--format", args->format, "Format when the Config JSON names none")
      ->capture_default_str();
  cmd->add_option("--connector", args->connector, "ws (connect out) or rest (serve HTTP)")
      ->envname("CONNECTOR")
      ->capture_default_str();
  cmd->add_option("--port", args->port, "REST connector port")
      ->envname("PORT")
      ->capture_default_str();
  cmd->add_option("--listen", args->listen, "REST connector address")->capture_default_str();
  cmd->add_option("--concurrency", args->concurrency, "Runs at once (default: one per core)");
  cmd->add_option("--ca-file", args->ca_file, "Extra trusted CA certificates (PEM)");
  cmd->add_flag("--insecure", args->insecure, "Do not verify the platform's TLS certificate");
  cmd->add_option("--temp-dir", args->temp_dir, "Where runs keep their files (default: $TMPDIR)");
  cmd->add_option("--grace", args->grace, "Seconds runs in progress get at shutdown")
      ->capture_default_str();
  cmd->add_option("--log-level", args->log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  return [args] { return run_plugin(*args); };
}

}  // namespace xport::cli
