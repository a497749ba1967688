// Walking JSON text that is already known to be valid (simdjson's DOM parsed it): the spans
// of an object's members and an array's elements, and a compact copy. Tokens (strings,
// numbers, literals) are never decoded or re-encoded, so they come out byte for byte as
// they went in: no precision is lost on numbers like 1e300 or 12345678901234567890, and
// escapes stay exactly as the input wrote them.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xport::formats::json_text {

// `s` without leading and trailing JSON white space.
std::string_view trim(std::string_view s);

// Whether `s` has a line break anywhere (a valid JSON text has none inside
// strings, so any line break is white space between tokens).
bool has_line_break(std::string_view s);

// Appends `value` with all white space between tokens removed.
void append_compact(std::string& out, std::string_view value);

// The members of the object `object` (text starting with '{'), as (key token with its
// quotes, value text) pairs, appended to `out`. Throws std::runtime_error if the text is
// not an object (never for valid JSON).
void members(std::string_view object,
             std::vector<std::pair<std::string_view, std::string_view>>& out);

// The elements of the array `array` (text starting with '['), appended to `out`.
void elements(std::string_view array, std::vector<std::string_view>& out);

// Overwrites every number token outside strings with "0" and spaces (same length, so every
// other token keeps its offset). For simdjson's DOM, which rejects valid JSON numbers it
// cannot hold (integers past 64 bits, 1e400): the copy parses, and the original's text is
// what gets written. Returns false when a number token breaks JSON's grammar.
bool neutralize_numbers(std::string& text);

}  // namespace xport::formats::json_text
