// Config JSON: parsed with Boost.JSON's incremental parser, which reports how far it got,
// so a user sees exactly where their JSON breaks.
#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>

#include "xport/errors.hpp"
#include "xport/format.hpp"

namespace xport {
namespace {

// "line 2, column 17: ..."  plus the offending line with a caret under the position.
std::string describe_position(std::string_view text, std::size_t pos) {
  pos = std::min(pos, text.size());
  std::size_t line_start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  line_start = (line_start == std::string_view::npos || pos == 0) ? 0 : line_start + 1;
  if (pos > 0 && text[pos - 1] == '\n') line_start = pos;
  std::size_t line_end = text.find('\n', pos);
  if (line_end == std::string_view::npos) line_end = text.size();
  auto line_no =
      1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(line_start), '\n');
  std::size_t column = pos - line_start;
  // Show at most 60 characters of context around the position.
  std::size_t from = column > 40 ? pos - 40 : line_start;
  std::size_t to = std::min(line_end, pos + 20);
  std::string snippet(text.substr(from, to - from));
  std::replace(snippet.begin(), snippet.end(), '\t', ' ');
  return fmt::format("line {}, column {}:\n    {}\n    {}^", line_no, column + 1, snippet,
                     std::string(pos - from, ' '));
}

std::string_view json_kind(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
      return "integer";
    case boost::json::kind::double_:
      return "number";
    case boost::json::kind::string:
      return "string";
    case boost::json::kind::array:
      return "array";
    case boost::json::kind::object:
      return "object";
  }
  return "value";
}

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

boost::json::object parse_config(std::string_view text) {
  auto blank = std::all_of(text.begin(), text.end(),
                           [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
  if (blank) return {};
  boost::json::stream_parser parser;
  boost::system::error_code ec;
  std::size_t used = parser.write_some(text.data(), text.size(), ec);
  if (!ec) {
    // write_some stops after one complete value; anything but white space after it is an error.
    std::string_view rest = text.substr(used);
    auto extra = std::find_if(rest.begin(), rest.end(), [](char c) {
      return c != ' ' && c != '\t' && c != '\n' && c != '\r';
    });
    if (extra != rest.end()) {
      throw ConfigError(fmt::format(
          "Config JSON: unexpected text after the JSON value at {}",
          describe_position(text, used + static_cast<std::size_t>(extra - rest.begin()))));
    }
    parser.finish(ec);
    if (ec) {
      throw ConfigError(fmt::format("Config JSON is incomplete ({}) at {}", ec.message(),
                                    describe_position(text, text.size())));
    }
  } else {
    throw ConfigError(fmt::format("Config JSON is invalid ({}) at {}", ec.message(),
                                  describe_position(text, used)));
  }
  boost::json::value v = parser.release();
  if (!v.is_object()) {
    throw ConfigError(fmt::format("Config JSON must be an object ({{...}}), got {}", json_kind(v)));
  }
  return std::move(v.as_object());
}

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
