// Config JSON as text: parsing it into an object with messages that point at the mistake.
// What the keys mean is each format's business (validate_config in xport/format.hpp); this
// layer sits below the formats, so that the hub can check a plugin's or a run's Config JSON
// without linking the converters.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string_view>

namespace xport {

// Parses Config JSON text into an object. Throws ConfigError naming the line and column
// and quoting the text around the offending position. Empty text reads as {}.
boost::json::object parse_config(std::string_view text);

// The JSON type of a value as messages name it: "null", "boolean", "integer", "number",
// "string", "array" or "object".
std::string_view json_kind(const boost::json::value& v);

}  // namespace xport
