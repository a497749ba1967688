// A fixed pool of threads for plugin callbacks, so that a long conversion never blocks the
// network thread (heartbeats, pings, other runs' logs).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace xport::sdk {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();  // waits for queued and running jobs
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  void submit(std::function<void()> job);
  // Jobs queued or running.
  std::size_t busy() const;
  // Waits until no job is queued or running, or until `deadline`; true when idle.
  bool wait_idle(std::chrono::steady_clock::time_point deadline);
  // Gives up on running jobs at shutdown: queued jobs are dropped, threads detached. The
  // pool must then be leaked (the detached threads still use it until their job returns).
  void abandon();

 private:
  void work();

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::condition_variable idle_;
  std::deque<std::function<void()>> queue_;
  std::size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace xport::sdk
