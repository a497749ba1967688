// JSON text for the small lists the store keeps in text columns (stages, batches).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace xport::hub {

std::string json_string_list(const std::vector<std::string>& items);  // ["a","b"]
// Throws std::invalid_argument unless `text` is a JSON array of strings.
std::vector<std::string> parse_json_string_list(const std::string& text);

// Unix milliseconds as the platform writes times: "2024-03-11T09:21:30.210Z".
std::string iso8601_utc(std::int64_t ms);

}  // namespace xport::hub
