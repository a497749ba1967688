// The SDK's own log (the plugin process's, not the run's PluginLogger): the spdlog logger
// named "xport", writing to stderr so that a plugin's stdout stays its own. Created on first
// use unless the application registered one by that name first.
#pragma once

#include <spdlog/spdlog.h>

#include <memory>

namespace xport::sdk {

spdlog::logger& log();

}  // namespace xport::sdk
