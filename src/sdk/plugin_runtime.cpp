#include "sdk/plugin_runtime.hpp"

#include <fmt/format.h>
#include "sdk/log.hpp"

#include <thread>

#include "sdk/rest_connector.hpp"
#include "sdk/ws_connector.hpp"

namespace xport {

PluginRuntime::PluginRuntime(ExportPlugin& plugin)
    : plugin_(plugin), api_(std::make_shared<sdk::PlatformApi>(plugin.host_, plugin.options_)) {
  const auto& options = plugin.options_;
  env_.plugin_id = plugin.id_;
  env_.callback = &plugin.callback_;
  env_.api = api_.get();
  env_.temp_root =
      options.temp_dir.empty() ? std::filesystem::temp_directory_path() : options.temp_dir;
  env_.export_format = options.export_format;
  env_.count_tasks = options.count_tasks;
  if (options.connector == Connector::rest)
    connector_ = std::make_shared<sdk::RestConnector>(plugin.secret_, options, api_);
  else
    connector_ =
        std::make_shared<sdk::WsConnector>(plugin.host_, plugin.id_, plugin.secret_, options);
  env_.send_log = [connector =
                       std::weak_ptr<sdk::Connector>(connector_)](boost::json::object body) {
    if (auto c = connector.lock()) c->send_log(std::move(body));
  };
  env_.send_progress = [connector =
                            std::weak_ptr<sdk::Connector>(connector_)](boost::json::object body) {
    if (auto c = connector.lock()) c->send_progress(std::move(body));
  };
}

PluginRuntime::~PluginRuntime() = default;

void PluginRuntime::serve() {
  unsigned threads = plugin_.options_.concurrency;
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  pool_ = std::make_unique<sdk::WorkerPool>(threads);
  connector_->start([this](boost::json::object data) { on_run(std::move(data)); });
  {
    std::unique_lock lock(mutex_);
    stopped_.wait(lock, [this] { return stop_requested_; });
  }
  // Shutting down: refuse new runs, let in-flight ones finish within the grace period, then
  // deliver their answers.
  accepting_ = false;
  connector_->stop_accepting();
  auto grace = std::chrono::steady_clock::now() + plugin_.options_.shutdown_grace;
  bool idle = pool_->wait_idle(grace);
  if (!idle)
    sdk::log().warn("shutting down with {} run(s) still in progress after the grace period",
                    pool_->busy());
  if (!connector_->shutdown(std::chrono::steady_clock::now() + std::chrono::seconds(10)))
    sdk::log().warn("some responses could not be delivered before shutdown");
  if (idle) {
    pool_.reset();
  } else {
    // Runs still going past the grace period end with the process: their threads are
    // detached and hold what they use (api, connector, environment) by value.
    pool_.release()->abandon();
  }
}

void PluginRuntime::stop() {
  {
    std::lock_guard lock(mutex_);
    stop_requested_ = true;
  }
  stopped_.notify_all();
}

void PluginRuntime::on_run(boost::json::object data) {
  if (!accepting_) {
    auto session = data.if_contains("session");
    connector_->send_response({{"error", true},
                               {"session", session ? *session : boost::json::value("")},
                               {"message", "the plugin is shutting down; run it again"}});
    return;
  }
  pool_->submit([env = env_, api = api_, connector = connector_, data = std::move(data)] {
    connector->send_response(sdk::execute_run(data, env));
  });
}

}  // namespace xport
