// Writers for text that comes from users (class names, answers, externalIds) into the
// syntaxes formats use. Each keeps its output valid for its syntax whatever the input.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace xport::text {

// RFC 4180 field: quoted (with doubled quotes) when it holds the delimiter, a quote, CR or
// LF, or starts/ends with a space; otherwise as is.
void append_csv_field(std::string& out, std::string_view value, char delimiter = ',');

// TSV field (IANA text/tab-separated-values has no quoting): tab, LF, CR and backslash are
// written as the escapes \t \n \r \\ that pandas and most readers understand.
void append_tsv_field(std::string& out, std::string_view value);
// One row of an images.txt (path, URL) as TSV fields, ending in LF.
void append_image_row(std::string& out, std::string_view path, std::string_view url);

// XML 1.0 character data / attribute value: escapes < > & " '. Characters XML 1.0 forbids
// (C0 controls other than tab, LF, CR) cannot be written even as references: each is
// replaced by U+FFFD. Returns how many were replaced (to be reported).
std::size_t append_xml_escaped(std::string& out, std::string_view value);
// The report's line for what append_xml_escaped() replaced.
inline constexpr std::string_view kXmlCharsReplaced =
    "characters XML 1.0 forbids (control characters) replaced with U+FFFD";

// `value` on one line (CR and LF become spaces): a name in a one-name-per-line list file.
std::string one_line(std::string_view value);

// A JSON string literal of valid UTF-8 (kept as UTF-8; quotes, backslashes, control
// characters and DEL escaped; U+2028/U+2029 escaped for JavaScript readers). For the
// Python-exact, ASCII-only form (json.dumps), see python_json.hpp.
void append_json_string(std::string& out, std::string_view utf8);

// A YAML double-quoted scalar that any YAML parser reads back as exactly `value`.
void append_yaml_quoted(std::string& out, std::string_view value);

// Number in the "C" locale, shortest form that reads back as the same double.
void append_number(std::string& out, double value);

// `name` as one file name component: C0 controls, DEL, the characters Windows or zip tools
// reserve (/ \ : * ? " < > |) and bytes that are not well-formed UTF-8 become '_'; other
// non-ASCII UTF-8 stays; cut to at most `max_bytes` bytes before a UTF-8 continuation byte;
// `fallback` when nothing is left. With `trim`, leading and trailing dots and spaces are
// dropped first (so ".." is never a name).
std::string safe_file_name(std::string_view name, std::size_t max_bytes, std::string_view fallback,
                           bool trim = false);

// `name` as a plain ASCII file name (ids in temp directory and download names): ASCII
// letters, digits, '-' and '_' stay, every other byte becomes '_'; at most `max_bytes` bytes
// of `name` are used; `fallback` when the name is empty.
std::string plain_file_name(std::string_view name, std::size_t max_bytes,
                            std::string_view fallback);

// Turns externalIds into file stems that are safe (no separators, no "..", no control
// characters, not empty, bounded length) and unique within one export: a second
// "a/b.jpg" becomes "a_b_2". Not thread-safe: call from commit().
class StemAllocator {
 public:
  // The stem of `external_id`: its file extension (up to 5 characters) dropped.
  std::string allocate(std::string_view external_id);

 private:
  std::unordered_map<std::string, std::uint32_t> used_;
};

}  // namespace xport::text
