// The `plugin` event's data, read tolerantly: the platform's keys (protocol.md §1) with
// their documented types, absent or null keys as their defaults, numbers accepted where
// ids are expected, unknown keys left in the raw object for the callback.
#pragma once

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <vector>

namespace xport::sdk {

struct RunFields {
  std::string project_id;
  std::string api_key;
  std::string org_id;
  std::string run_by;
  std::string session;
  std::string config_json = "{}";
  std::vector<std::string> batches;
  std::optional<std::string> stage;
  std::optional<bool> key_frames_only;
  std::string problems;  // what could not be read ("" when everything could)

  static RunFields from(const boost::json::object& data);
};

// Parses Config JSON (xport::parse_config); throws xport::ConfigError with line/column.
boost::json::object parse_run_config(const std::string& text);

}  // namespace xport::sdk
