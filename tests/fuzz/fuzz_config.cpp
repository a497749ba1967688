// libFuzzer target for Config JSON (typed by users in the hub's plugin dialog): parsing
// and validating against every format's options must end in a value or a ConfigError whose
// message quotes a position, never in a crash.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "xport/errors.hpp"
#include "xport/format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    boost::json::object config = xport::parse_config(text);
    for (const xport::Format* format : xport::all_formats()) {
      try {
        xport::validate_config(*format, config);
      } catch (const xport::ConfigError&) {
      }
    }
  } catch (const xport::ConfigError& e) {
    if (std::string_view(e.what()).empty()) __builtin_trap();
  }
  return 0;
}
