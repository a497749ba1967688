// One run, start to end, on a worker thread: the steps of protocol.md §1 in order. Never
// throws: whatever fails becomes an error response with a message and an ERROR log.
#pragma once

#include <boost/json/object.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "sdk/platform_api.hpp"
#include "xport/plugin.hpp"

namespace xport::sdk {

struct RunEnvironment {
  std::string plugin_id;
  const ExportCallback* callback = nullptr;
  PlatformApi* api = nullptr;
  std::filesystem::path temp_root;
  std::string export_format = "ndjson";
  bool count_tasks = true;
  // Delivers a `log` event body ({level, organization, pluginId, runBy, session, msg}).
  std::function<void(boost::json::object)> send_log;
  // Delivers a `progress` event body ({session, pluginId, organization, assetsDone,
  // assetsTotal, bytesDone, bytesTotal}), to a hub whose `plugin` event offers it.
  std::function<void(boost::json::object)> send_progress;
  std::chrono::milliseconds progress_interval{1000};
};

// Runs the `plugin` event `data` and returns the `response` body to deliver:
// {"export": true, "response": <signed URL>, "session"} or {"error": true, "session", "message"}.
boost::json::object execute_run(const boost::json::object& data, const RunEnvironment& env);

}  // namespace xport::sdk
