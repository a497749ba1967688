// Removes generated exports (object keys "exports/...") once every link to them has expired:
// /v2/export writes a fresh zip per request and hands out a link valid for `keep`, so after
// that nothing can reach the file. Sweeps at start and then every `interval` on a thread of
// its own (a sweep walks a directory; it must not hold up requests or dispatch).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "hub/object_store.hpp"

namespace xport::hub {

struct JanitorOptions {
  std::chrono::seconds keep{std::chrono::hours(24) + std::chrono::minutes(5)};
  std::chrono::seconds interval{std::chrono::hours(1)};
};

class Janitor {
 public:
  Janitor(ObjectStore& objects, JanitorOptions options);
  ~Janitor();  // stop()
  Janitor(const Janitor&) = delete;
  Janitor& operator=(const Janitor&) = delete;

  void start();
  void stop();
  // One sweep now, on the caller's thread; returns how many exports were removed.
  std::size_t sweep();

 private:
  void loop();

  ObjectStore& objects_;
  JanitorOptions options_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace xport::hub
