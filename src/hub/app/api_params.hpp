// Query and body values of the /api routes (docs/api.md), read the same way on every route.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hub/server/http_types.hpp"

namespace xport::hub::detail {

// An integer query parameter; `fallback` when absent or empty, 400 when not an integer.
std::int64_t int_param(const server::Request& req, std::string_view name, std::int64_t fallback);

// A switch of the /api routes: "true", "1" or "yes" is on, anything else off. (The /v2
// routes are stricter, as the platform is: platform_query.hpp's bool_param.)
bool flag_param(const server::Request& req, std::string_view name);

// Config JSON arrives as text (what the user typed) or, for scripts, as a JSON object;
// nullopt when absent or null, 400 for anything else.
std::optional<std::string> config_text(const boost::json::object& body, std::string_view key);

}  // namespace xport::hub::detail
