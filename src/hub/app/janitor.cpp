#include "hub/app/janitor.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <optional>

namespace xport::hub {

Janitor::Janitor(ObjectStore& objects, JanitorOptions options, std::function<bool()> active,
                 Store* records)
    : objects_(objects), records_(records), options_(options), active_(std::move(active)) {}

Janitor::~Janitor() {
  stop();
}

void Janitor::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { loop(); });
}

void Janitor::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::size_t Janitor::sweep() {
  try {
    const auto before = std::chrono::system_clock::now() - options_.keep;
    const std::size_t removed = objects_.remove_older_than("exports/", before);
    if (records_)
      records_->forget_export_snapshots(
          std::chrono::duration_cast<std::chrono::milliseconds>(before.time_since_epoch()).count());
    if (removed) spdlog::info("janitor: removed {} expired export(s)", removed);
    return removed;
  } catch (const std::exception& e) {
    // A failed sweep costs disk space, nothing else: log it and try again next time.
    spdlog::warn("janitor: sweeping expired exports failed: {}", e.what());
    return 0;
  }
}

void Janitor::loop() {
  // The first sweep happens even when stop() comes right away: a hub restarted after days
  // off cleans up before anything else.
  using Clock = std::chrono::steady_clock;
  std::optional<Clock::time_point> last;
  const auto check = std::min<Clock::duration>(options_.interval, std::chrono::seconds(5));
  std::unique_lock lock(mutex_);
  do {
    lock.unlock();
    if ((!last || Clock::now() - *last >= options_.interval) && active_()) {
      sweep();
      last = Clock::now();
    }
    lock.lock();
  } while (!wake_.wait_for(lock, check, [this] { return stopping_; }));
}

}  // namespace xport::hub
