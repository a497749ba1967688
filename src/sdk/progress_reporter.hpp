// Sends a run's RunProgress while its callback runs: a thread samples the counters every
// interval and sends them when they changed; finish() samples once more, so that the hub's
// bar ends where the callback did. Counters never moved from 0 are never sent.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "xport/plugin.hpp"

namespace xport::sdk {

class ProgressReporter {
 public:
  // `send` gets {assetsDone, assetsTotal, bytesDone, bytesTotal} (totals left out while
  // unknown), on the reporter's thread and in finish()'s caller.
  using Send = std::function<void(boost::json::object)>;
  ProgressReporter(std::shared_ptr<const RunProgress> progress, std::chrono::milliseconds interval,
                   Send send);
  ~ProgressReporter();  // stops without a last report (the run failed)
  ProgressReporter(const ProgressReporter&) = delete;
  ProgressReporter& operator=(const ProgressReporter&) = delete;

  void finish();

 private:
  void stop();
  void loop();
  // Sends the counters if they moved and differ from the last ones sent.
  void report();

  std::shared_ptr<const RunProgress> progress_;
  std::chrono::milliseconds interval_;
  Send send_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  boost::json::object last_;
  std::thread thread_;
};

}  // namespace xport::sdk
