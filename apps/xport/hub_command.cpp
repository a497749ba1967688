// `xport hub`: the platform side — REST API, the platform endpoints plugins call, Socket.IO
// dispatch — on a data dir (SQLite database, object store, keys). Runs until SIGINT/SIGTERM.
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "commands.hpp"
#include "hub/app/bench_app.hpp"
#include "hub/app/conformance_app.hpp"
#include "hub/app/hub_process.hpp"
#include "hub_import_command.hpp"
#include "hub_options.hpp"
#include "xport/errors.hpp"

namespace xport::cli {
namespace {

struct HubArgs {
  std::string data_dir = "xport-hub-data";
  std::string database;  // empty: SQLite in the data dir
  std::string objects;   // empty: DATA_DIR/storage
  std::string listen = "127.0.0.1:8080";
  std::string public_url;
  std::string static_dir = default_web_dir();
  unsigned threads = 4;
  double offline_wait = 600;
  double run_timeout = 7 * 24 * 3600;
  std::uint64_t max_upload_mb = 4096;
  std::uint64_t min_transfer_kbps = 16;  // KiB/s every transfer must average after a minute
  std::string log_level = "info";
  std::string tls_cert;  // both or neither
  std::string tls_key;
  bool conformance = false;
  bool bench = false;
  bool listen_given = false;
};

std::chrono::milliseconds seconds(double s, const char* option) {
  if (!(s > 0)) throw ConfigError(fmt::format("{} must be a positive number of seconds", option));
  return std::chrono::milliseconds(static_cast<std::int64_t>(s * 1000));
}

hub::HubProcessOptions process_options(const HubArgs& args) {
  auto [host, port] = parse_listen(args.listen);
  if (args.tls_cert.empty() != args.tls_key.empty())
    throw ConfigError("--tls-cert and --tls-key go together: pass both or neither");
  hub::HubProcessOptions o;
  o.data_dir = args.data_dir;
  o.database.url = args.database;
  o.objects = args.objects;
  o.listen = args.listen;
  o.server.host = host;
  o.server.port = port;
  o.server.threads = std::max(1u, args.threads);
  if (!args.tls_cert.empty()) o.server.tls = hub::server::ServerTls{args.tls_cert, args.tls_key};
  if (!args.static_dir.empty()) o.server.static_dir = std::filesystem::path(args.static_dir);
  o.app.public_url = args.public_url;
  o.app.max_upload_bytes = args.max_upload_mb << 20;
  o.server.min_transfer_rate = args.min_transfer_kbps * 1024;
  o.app.dispatch.offline_wait = seconds(args.offline_wait, "--offline-wait");
  o.app.dispatch.run_timeout = seconds(args.run_timeout, "--run-timeout");
  return o;
}

void print_first_start(hub::HubProcess& hub) {
  const std::filesystem::path& data_dir = hub.data_dir();
  if (auto issued = hub.core().domain().bootstrap(data_dir)) {
    fmt::print("xport hub: first start in {}: created organization \"Default\" and user \"{}\"\n",
               data_dir.string(), issued->user.name);
    fmt::print("admin API key: {}\n", issued->api_key);
    fmt::print("(also written to {})\n", (data_dir / "admin-api-key").string());
  }
}

int run_hub(const HubArgs& args) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("xport"));
  spdlog::set_level(spdlog::level::from_str(args.log_level));
  hub::HubProcessOptions options = process_options(args);
  // Before the data dir is created or anything printed: a typo fails fast.
  if (options.server.tls) hub::server::check_tls_files(*options.server.tls);

  // SIGINT/SIGTERM go to sigwait below: block them before any thread starts.
  const sigset_t signals = block_stop_signals();
  hub::HubProcess hub(std::move(options));
  print_first_start(hub);
  hub.start();
  fmt::print("xport hub listening on {}\n", hub.listen_url());
  if (!args.public_url.empty()) fmt::print("public URL: {}\n", args.public_url);
  std::fflush(stdout);

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("xport hub: {} received, stopping", sig == SIGINT ? "SIGINT" : "SIGTERM");
  hub.stop();
  fmt::print("xport hub stopped\n");
  std::fflush(stdout);
  return 0;
}

// `xport hub --conformance` and `xport hub --bench`: a bare Server (no data dir, no store)
// with one of the protocol apps, until SIGINT/SIGTERM.
int run_bare_server(const HubArgs& args) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("xport"));
  spdlog::set_level(spdlog::level::from_str(args.log_level));
  // The suites expect 127.0.0.1:3000; the bench harness passes its own --listen.
  auto [host, port] =
      parse_listen(args.listen_given || args.bench ? args.listen : "127.0.0.1:3000");
  hub::server::ServerOptions options;
  if (args.conformance) {
    options = hub::conformance_server_options(host, port);
  } else {
    options.host = host;
    options.port = port;
  }
  options.threads = std::max(1u, args.threads);
  const sigset_t signals = block_stop_signals();
  hub::server::Server server(std::move(options));
  std::unique_ptr<hub::BenchApp> bench;
  if (args.conformance)
    hub::serve_conformance_app(server.sio());
  else
    bench = std::make_unique<hub::BenchApp>(server);
  server.start();
  fmt::print("xport hub --{} listening on http://{}:{} ({})\n",
             args.conformance ? "conformance" : "bench", host, server.port(),
             args.conformance ? "/engine.io/ echo, /socket.io/ with /custom"
                              : "/socket.io/ /plugin, /bench/dispatch, /bench/stats");
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  server.stop();
  return 0;
}

}  // namespace

Action add_hub_command(CLI::App& app) {
  auto args = std::make_shared<HubArgs>();
  CLI::App* cmd = app.add_subcommand(
      "hub", "Run the hub: REST API, platform endpoints and plugin dispatch on a data dir");
  cmd->add_option("--data-dir", args->data_dir, "Database, object store and keys")
      ->capture_default_str();
  cmd->add_option("--database", args->database,
                  "postgresql://USER@HOST:PORT/DB: keep the hub's records in PostgreSQL "
                  "(default: SQLite, DATA_DIR/hub.db); keys stay in the data dir");
  cmd->add_option("--objects", args->objects,
                  "s3://BUCKET?endpoint=URL[&region=R][&prefix=P/][&credentials=FILE]: keep "
                  "results and exports in an S3-compatible bucket (keys: XPORT_S3_ACCESS_KEY, "
                  "XPORT_S3_SECRET_KEY or the credentials file; default: DATA_DIR/storage)");
  cmd->add_option("--listen", args->listen, "HOST:PORT (port 0: any free port)")
      ->capture_default_str();
  cmd->add_option("--public-url", args->public_url,
                  "Base URL of links handed out (default: from each request's Host)");
  cmd->add_option("--static-dir", args->static_dir, "Directory of the web UI to serve")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Network threads")->capture_default_str();
  cmd->add_option("--offline-wait", args->offline_wait,
                  "Seconds a run waits for its plugin to come online")
      ->capture_default_str();
  cmd->add_option("--run-timeout", args->run_timeout,
                  "Longest wait for any run's answer, in seconds (each plugin has its own "
                  "timeout, 30 min unless set; this caps them all)")
      ->capture_default_str();
  cmd->add_option("--min-transfer-kbps", args->min_transfer_kbps,
                  "KiB/s every upload and download must average once its first minute has "
                  "passed (0: no cap; the idle timeout still applies)")
      ->capture_default_str();
  cmd->add_option("--max-upload-mb", args->max_upload_mb, "Largest result a plugin may upload")
      ->capture_default_str();
  cmd->add_option("--log-level", args->log_level, "trace, debug, info, warn, error")
      ->capture_default_str();
  cmd->add_option("--tls-cert", args->tls_cert,
                  "Serve HTTPS/wss only: certificate chain (PEM), with --tls-key");
  cmd->add_option("--tls-key", args->tls_key, "Private key (PEM, unencrypted) of --tls-cert");
  cmd->add_flag("--conformance", args->conformance,
                "Serve only the apps the official Engine.IO and Socket.IO server test suites "
                "expect (no data dir; --listen defaults to 127.0.0.1:3000)");
  cmd->add_flag("--bench", args->bench,
                "Serve only the Socket.IO bench behaviour (heartbeat, echo, /bench/dispatch, "
                "/bench/stats: bench/sio/README.md), no data dir");
  // `xport hub import ...`; without a subcommand, `xport hub` runs the hub.
  cmd->require_subcommand(0, 1);
  auto import_action = std::make_shared<Action>();
  CLI::App* import_cmd = add_hub_import_command(*cmd, *import_action);
  CLI::Option* listen = cmd->get_option("--listen");
  return [args, import_cmd, import_action, listen] {
    if (import_cmd->parsed()) return (*import_action)();
    if (args->conformance && args->bench)
      throw ConfigError("--conformance and --bench are two different servers: pick one");
    if (args->conformance || args->bench) {
      args->listen_given = listen->count() > 0;
      return run_bare_server(*args);
    }
    return run_hub(*args);
  };
}

}  // namespace xport::cli
