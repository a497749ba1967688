// Removes generated exports (object keys "exports/...") once every link to them has expired,
// and forgets their records (Store::forget_export_snapshots): /v2/export reuses a zip for at
// most an hour and hands out links valid for a day, so `keep` (a day, an hour and a margin)
// after it was written nothing can reach the file. Sweeps at start and then every `interval` on a
// thread of its own (a sweep walks a directory; it must not hold up requests or dispatch). On
// several hubs only the one for which `active` says true sweeps (the cluster's leader); the others
// ask again every few seconds, so a new leader takes over within one check.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "hub/object_store.hpp"
#include "hub/store.hpp"

namespace xport::hub {

struct JanitorOptions {
  std::chrono::seconds keep{std::chrono::hours(25) + std::chrono::minutes(5)};
  std::chrono::seconds interval{std::chrono::hours(1)};
};

class Janitor {
 public:
  // `records` (optional): where the exports are recorded, to forget them with their files.
  Janitor(
      ObjectStore& objects, JanitorOptions options,
      std::function<bool()> active = [] { return true; }, Store* records = nullptr);
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
  Store* records_;
  JanitorOptions options_;
  std::function<bool()> active_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace xport::hub
