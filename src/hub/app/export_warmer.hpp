// Writes a project's default export (project_export.hpp: NDJSON tasks, no filter) in the
// background after an import, so that the first run after it reuses the snapshot like any
// later run instead of waiting seconds for it (issue 15: for 100k assets the first run took
// 2.7 s, the next 0.85 s). One thread, one project at a time, each project queued once; an
// export request for a project being written waits for it instead of writing its own.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>

namespace xport::hub {

class ExportWarmer {
 public:
  // Writes the export of the project (its current revision); what it throws is logged.
  using Write = std::function<void(const std::string& project_id)>;
  explicit ExportWarmer(Write write);
  ~ExportWarmer();  // stop()
  ExportWarmer(const ExportWarmer&) = delete;
  ExportWarmer& operator=(const ExportWarmer&) = delete;

  void start();
  // The one being written is finished; the queued ones are dropped.
  void stop();
  void warm(const std::string& project_id);
  // Returns once the project is neither queued nor being written, or after `at_most`.
  void wait_for(const std::string& project_id, std::chrono::milliseconds at_most);

 private:
  void loop();

  Write write_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::string> queue_;
  std::set<std::string> pending_;  // queued or being written
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace xport::hub
