// JSON text for the small lists the store keeps in text columns (stages, batches).
#pragma once

#include <string>
#include <vector>

namespace xport::hub {

std::string json_string_list(const std::vector<std::string>& items);  // ["a","b"]
// Throws std::invalid_argument unless `text` is a JSON array of strings.
std::vector<std::string> parse_json_string_list(const std::string& text);

}  // namespace xport::hub
