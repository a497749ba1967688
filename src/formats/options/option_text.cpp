// The JSON text of option defaults and refused values (format_options.hpp).
#include <boost/json.hpp>

#include <cmath>
#include <cstdio>

#include "xport/format_options.hpp"

namespace xport::options {

std::string json_quote(std::string_view s) {
  return boost::json::serialize(boost::json::string(s));
}

std::string json_number(double d) {
  // Shortest round-trip text ("0.5", "1", "1e+20"): Boost.JSON would write "5E-1".
  if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15)
    return std::to_string(static_cast<std::int64_t>(d));
  char buffer[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, d);
    if (std::strtod(buffer, nullptr) == d) break;
  }
  return buffer;
}

std::string json_list(const std::vector<std::string>& list) {
  boost::json::array array;
  for (const std::string& item : list)
    array.emplace_back(item);
  return boost::json::serialize(array);
}

std::string json_text(const boost::json::value& value) {
  return boost::json::serialize(value);
}

}  // namespace xport::options
