// A one-line progress display on stderr (only when stderr is a terminal), refreshed from
// a background thread while the data path runs.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>

namespace xport::cli {

struct ProgressCounters {
  std::atomic<std::uint64_t> bytes{0};
  std::atomic<std::uint64_t> assets{0};
  std::atomic<std::uint64_t> total{0};
};

class ProgressDisplay {
 public:
  // Shows nothing unless `enabled` and stderr is a terminal.
  ProgressDisplay(const ProgressCounters& counters, bool enabled);
  ~ProgressDisplay();  // stops and clears the line

 private:
  void loop();
  void draw();

  const ProgressCounters& counters_;
  std::chrono::steady_clock::time_point start_;
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool drawn_ = false;
  std::thread thread_;
};

}  // namespace xport::cli
