#include "sdk/progress_reporter.hpp"

#include <algorithm>

namespace xport::sdk {

ProgressReporter::ProgressReporter(std::shared_ptr<const RunProgress> progress,
                                   std::chrono::milliseconds interval, Send send)
    : progress_(std::move(progress)), interval_(interval), send_(std::move(send)) {
  thread_ = std::thread([this] { loop(); });
}

ProgressReporter::~ProgressReporter() {
  stop();
}

void ProgressReporter::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ProgressReporter::finish() {
  stop();
  report();
}

void ProgressReporter::loop() {
  std::unique_lock lock(mutex_);
  while (!wake_.wait_for(lock, interval_, [&] { return stopping_; })) {
    lock.unlock();
    report();
    lock.lock();
  }
}

void ProgressReporter::report() {
  boost::json::object now;
  // A total is a promise the hub checks: counts past it (a numTasks counted differently from
  // the callback's assets) are shown at the total.
  auto pair = [&](const char* done_key, std::uint64_t done, const char* total_key,
                  std::uint64_t total) {
    now[done_key] = total ? std::min(done, total) : done;
    if (total) now[total_key] = total;
  };
  pair("assetsDone", progress_->assets_done.load(), "assetsTotal", progress_->assets_total.load());
  pair("bytesDone", progress_->bytes_done.load(), "bytesTotal", progress_->bytes_total.load());
  // A callback that never moves the counters has nothing to show (not a bar stuck at 0).
  if (now == last_ || (now.at("assetsDone") == 0 && now.at("bytesDone") == 0)) return;
  last_ = now;
  send_(std::move(now));
}

}  // namespace xport::sdk
