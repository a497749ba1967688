// What the hub sends a plugin for a run and how it reads the plugin's answer: shared by
// every dispatcher, whichever hub sends the run.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <string>

#include "hub/domain.hpp"

namespace xport::hub::dispatch {

// The `plugin` event's data (also the body of POST {url}/plugin), with a run token that
// lives token_lifetime.
boost::json::object plugin_event_data(Domain& domain, const Run& run,
                                      std::chrono::seconds token_lifetime);

// A run's answer as the SDK generations send it (`response` event, POST /v2/pluginResponse).
struct PluginAnswer {
  std::string session;
  bool failed = false;     // an error, or no result
  std::string message;     // why it failed
  std::string result_url;  // the uploaded result, when it did not
};
PluginAnswer read_answer(const boost::json::object& body);

std::string string_field(const boost::json::object& o, std::string_view key);

}  // namespace xport::hub::dispatch
