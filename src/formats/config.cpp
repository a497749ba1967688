// Config JSON against a format's options (parsing the text is xport::config, below the
// formats: src/config/parse_config.cpp).
#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

#include "xport/errors.hpp"
#include "xport/format.hpp"

namespace xport {
namespace {

bool type_matches(std::string_view type, const boost::json::value& v) {
  if (type == "any") return true;
  if (type == "string") return v.is_string();
  if (type == "integer") return v.is_int64() || v.is_uint64();
  if (type == "number") return v.is_number();
  if (type == "boolean") return v.is_bool();
  if (type == "array") return v.is_array();
  if (type == "object") return v.is_object();
  return false;
}

}  // namespace

void validate_config(const Format& format, const boost::json::object& config) {
  auto options = format.options();
  for (const auto& member : config) {
    // (Not a structured binding: clang 14 cannot capture those in lambdas.)
    const std::string_view key = member.key();
    const boost::json::value& value = member.value();
    if (key == "format") continue;
    auto spec = std::find_if(options.begin(), options.end(),
                             [&](const OptionSpec& o) { return o.name == key; });
    if (spec == options.end()) {
      std::string known;
      for (const auto& o : options)
        known += (known.empty() ? "" : ", ") + o.name;
      throw ConfigError(fmt::format(
          "Config JSON: format '{}' has no option \"{}\" (its options: {}; see `xport formats {}`)",
          format.name(), std::string_view(key), known.empty() ? "none" : known, format.name()));
    }
    if (!type_matches(spec->type, value)) {
      throw ConfigError(
          fmt::format("Config JSON: option \"{}\" of format '{}' must be {} {}, got {}", spec->name,
                      format.name(), spec->type == "integer" || spec->type == "array" ? "an" : "a",
                      spec->type, json_kind(value)));
    }
  }
}

}  // namespace xport
