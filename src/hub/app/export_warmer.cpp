#include "hub/app/export_warmer.hpp"

#include <spdlog/spdlog.h>

#include <exception>

namespace xport::hub {

ExportWarmer::ExportWarmer(Write write) : write_(std::move(write)) {}

ExportWarmer::~ExportWarmer() {
  stop();
}

void ExportWarmer::start() {
  std::lock_guard lock(mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void ExportWarmer::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    queue_.clear();
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  pending_.clear();
  wake_.notify_all();
}

void ExportWarmer::warm(const std::string& project_id) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || !thread_.joinable() || !pending_.insert(project_id).second) return;
    queue_.push_back(project_id);
  }
  wake_.notify_all();
}

void ExportWarmer::wait_for(const std::string& project_id, std::chrono::milliseconds at_most) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, at_most, [&] { return !pending_.count(project_id); });
}

void ExportWarmer::loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const std::string project = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    try {
      write_(project);
    } catch (const std::exception& e) {
      // The first run writes it then, and says why if it cannot either.
      spdlog::warn("project {}: its export could not be written ahead of the first run: {}",
                   project, e.what());
    }
    lock.lock();
    pending_.erase(project);
    wake_.notify_all();
  }
}

}  // namespace xport::hub
