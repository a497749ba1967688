// Removes generated exports (object keys "exports/...") once every link to them has expired:
// /v2/export writes a fresh zip per request and hands out a link valid for `keep`, so after
// that nothing can reach the file. Sweeps at start and then every `interval` on a thread of
// its own (a sweep walks a directory; it must not hold up requests or dispatch). On several
// hubs only the one for which `active` says true sweeps (the cluster's leader); the others
// ask again every few seconds, so a new leader takes over within one check.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
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
  Janitor(
      ObjectStore& objects, JanitorOptions options,
      std::function<bool()> active = [] { return true; });
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
  std::function<bool()> active_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace xport::hub
