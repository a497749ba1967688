#include "hub/json_text.hpp"

#include <boost/json.hpp>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace xport::hub {

// Built by hand: GCC 12 at -O3 reports false dangling pointers inside json::array.
std::string json_string_list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (const auto& item : items) {
    if (out.size() > 1) out += ',';
    out += boost::json::serialize(boost::json::string(item));
  }
  return out + "]";
}

std::vector<std::string> parse_json_string_list(const std::string& text) {
  boost::system::error_code error;
  const boost::json::value value = boost::json::parse(text, error);
  if (error || !value.is_array()) throw std::invalid_argument("not a JSON array: " + text);
  std::vector<std::string> out;
  for (const auto& item : value.get_array()) {
    if (!item.is_string()) throw std::invalid_argument("not a JSON array of strings: " + text);
    out.emplace_back(item.get_string());
  }
  return out;
}

std::string iso8601_utc(std::int64_t ms) {
  std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[64];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return text;
}

}  // namespace xport::hub
