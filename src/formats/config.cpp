// Config JSON against a format's options (parsing the text is xport::config, below the
// formats: src/config/parse_config.cpp).
#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

#include "xport/errors.hpp"
#include "xport/format.hpp"

namespace xport {
namespace {

bool type_matches(OptionType type, const boost::json::value& v) {
  switch (type) {
    case OptionType::any:
      return true;
    case OptionType::string:
      return v.is_string();
    case OptionType::integer:
      return v.is_int64() || v.is_uint64();
    case OptionType::number:
      return v.is_number();
    case OptionType::boolean:
      return v.is_bool();
    case OptionType::array:
      return v.is_array();
    case OptionType::object:
      return v.is_object();
  }
  return false;
}

}  // namespace

void validate_options(std::string_view format, std::span<const OptionSpec> options,
                      const boost::json::object& config) {
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
          format, key, known.empty() ? "none" : known, format));
    }
    if (!type_matches(spec->type, value)) {
      const bool an = spec->type == OptionType::integer || spec->type == OptionType::array;
      throw ConfigError(
          fmt::format("Config JSON: option \"{}\" of format '{}' must be {} {}, got {}", spec->name,
                      format, an ? "an" : "a", to_string(spec->type), json_kind(value)));
    }
  }
}

void validate_config(const Format& format, const boost::json::object& config) {
  validate_options(format.name(), format.options(), config);
}

}  // namespace xport
