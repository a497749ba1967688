// Wires one ExportPlugin together: a connector brings runs, a worker pool executes them
// (run_executor), the connector takes the answers back. serve() blocks until stop().
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "sdk/connector.hpp"
#include "sdk/platform_api.hpp"
#include "sdk/run_executor.hpp"
#include "sdk/worker_pool.hpp"
#include "xport/plugin.hpp"

namespace xport {

class PluginRuntime {
 public:
  explicit PluginRuntime(ExportPlugin& plugin);
  ~PluginRuntime();

  void serve();
  void stop();

 private:
  void on_run(boost::json::object data);

  ExportPlugin& plugin_;
  // Shared with the jobs on the pool: a run stuck past the shutdown grace period keeps
  // what it uses alive after serve() has returned.
  std::shared_ptr<sdk::PlatformApi> api_;
  sdk::RunEnvironment env_;
  std::shared_ptr<sdk::Connector> connector_;
  std::unique_ptr<sdk::WorkerPool> pool_;
  std::mutex mutex_;
  std::condition_variable stopped_;
  bool stop_requested_ = false;
  std::atomic<bool> accepting_{true};
};

}  // namespace xport
