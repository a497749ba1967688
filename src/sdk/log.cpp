#include "sdk/log.hpp"

#include <spdlog/sinks/stdout_color_sinks.h>

namespace xport::sdk {

spdlog::logger& log() {
  static std::shared_ptr<spdlog::logger> logger = [] {
    if (auto existing = spdlog::get("xport")) return existing;
    return spdlog::stderr_color_mt("xport");
  }();
  return *logger;
}

}  // namespace xport::sdk
