#include "progress.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace xport::cli {

ProgressDisplay::ProgressDisplay(const ProgressCounters& counters, bool enabled)
    : counters_(counters), start_(std::chrono::steady_clock::now()) {
  if (enabled && ::isatty(STDERR_FILENO)) thread_ = std::thread([this] { loop(); });
}

ProgressDisplay::~ProgressDisplay() {
  if (!thread_.joinable()) return;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
  if (drawn_) fmt::print(stderr, "\r\033[K");
}

void ProgressDisplay::loop() {
  std::unique_lock lock(mutex_);
  // The first frame waits a little, so that quick runs print no progress at all.
  while (!cv_.wait_for(lock, std::chrono::milliseconds(250), [&] { return stop_; }))
    draw();
}

void ProgressDisplay::draw() {
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (seconds <= 0) return;
  auto bytes = static_cast<double>(counters_.bytes.load());
  auto assets = static_cast<double>(counters_.assets.load());
  auto total = static_cast<double>(counters_.total.load());
  double mbps = bytes / seconds / 1e6;
  std::string line = fmt::format("\r\033[K{:.0f} assets ({:.0f}/s), {:.1f} MB ({:.0f} MB/s)",
                                 assets, assets / seconds, bytes / 1e6, mbps);
  if (total > 0 && bytes > 0) {
    double eta = (total - bytes) / (bytes / seconds);
    line += fmt::format(", {:.0f}%, ETA {:.0f} s", 100.0 * bytes / total, eta < 0 ? 0 : eta);
  }
  fmt::print(stderr, "{}", line);
  std::fflush(stderr);
  drawn_ = true;
}

}  // namespace xport::cli
