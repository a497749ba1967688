// ExportPlugin and run(): the SDK's entry points.
#include <csignal>
#include <thread>

#include "sdk/log.hpp"

#include "sdk/plugin_runtime.hpp"
#include "sdk/socket_url.hpp"
#include "xport/errors.hpp"

namespace xport {

ExportPlugin::ExportPlugin(std::string id, std::string secret, ExportCallback callback,
                           std::string host, PluginOptions options)
    : id_(std::move(id)),
      secret_(std::move(secret)),
      callback_(std::move(callback)),
      host_(std::move(host)),
      options_(std::move(options)) {
  while (host_.size() > 1 && host_.back() == '/')
    host_.pop_back();
}

ExportPlugin::~ExportPlugin() = default;

void ExportPlugin::check() const {
  if (id_.empty()) throw ConfigError("the plugin id is empty (PLUGIN_ID / --id)");
  if (secret_.empty()) throw ConfigError("the plugin secret is empty (PLUGIN_SECRET / --secret)");
  if (!callback_) throw ConfigError("the plugin has no callback");
  (void)sdk::socket_io_url(host_);  // a malformed host is a usage error, reported now
}

void ExportPlugin::serve() {
  check();
  {
    std::lock_guard lock(mutex_);
    if (stop_requested_) return;
    runtime_ = std::make_unique<PluginRuntime>(*this);
  }
  runtime_->serve();
}

void ExportPlugin::stop() {
  std::lock_guard lock(mutex_);
  stop_requested_ = true;
  if (runtime_) runtime_->stop();
}

int run(ExportPlugin& plugin) {
  // Signals are taken by a thread that waits for them (sigwait), so that stopping is plain
  // code, not a signal handler. They are blocked in every thread started after this.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGUSR1);  // only used to wake the watcher when serve() returns
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread watcher([&plugin, signals] {
    int received = 0;
    sigwait(&signals, &received);
    if (received == SIGUSR1) return;  // serve() ended on its own
    sdk::log().info("{} received: finishing runs in progress, then stopping",
                    received == SIGINT ? "SIGINT" : "SIGTERM");
    plugin.stop();
  });
  int code = 0;
  try {
    plugin.serve();
  } catch (const ConfigError& e) {
    sdk::log().error("{}", e.what());
    code = kExitUsage;
  } catch (const std::exception& e) {
    sdk::log().error("the plugin stopped: {}", e.what());
    code = kExitIo;
  }
  // Wake the watcher if serve() returned without a signal.
  pthread_kill(watcher.native_handle(), SIGUSR1);
  watcher.join();
  return code;
}

}  // namespace xport
