// The text side of the `ner` format: UTF-8 checks, whitespace tokens, and the mapping from
// the platform's character offsets (UTF-16 code units or code points) to bytes and code
// points. Pure functions on one document, used on worker threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "formats/common/text.hpp"

namespace xport::formats::ner {

// True when `s` is well-formed UTF-8 (no overlongs, no encoded surrogates, <= U+10FFFF).
bool valid_utf8(std::string_view s);

// The characters Python's str.split() splits on (str.isspace()): ASCII white space,
// U+001C..U+001F, U+0085, U+00A0, U+1680, U+2000..U+200A, U+2028, U+2029, U+202F, U+205F,
// U+3000. Tokens never contain one, so any reader that splits lines on white space reads
// back exactly our tokens.
bool is_space(char32_t c);
// The line breaks that end a sentence with "sentences": "lines": LF, CR, U+0085, U+2028,
// U+2029.
bool is_line_break(char32_t c);

struct Token {
  std::uint32_t begin = 0, end = 0;  // byte offsets
  bool line_before = false;          // a line break in the white space before it
};
// Whitespace tokens of valid UTF-8 text.
std::vector<Token> tokenize(std::string_view text);

enum class Unit { utf16, codepoints };

// Character offsets of one valid UTF-8 text. Texts of 4 GiB or more are not supported
// (checked by the caller).
class OffsetMap {
 public:
  OffsetMap(std::string_view text, Unit unit);
  // Units in the text (its length in the configured unit).
  std::uint32_t length() const { return static_cast<std::uint32_t>(byte_.size() - 1); }
  // The byte offset of a unit offset, or nullopt when it is past the end or falls inside a
  // character (between the two halves of a UTF-16 surrogate pair).
  std::optional<std::uint32_t> byte(std::uint64_t unit) const;
  // The code point index of a byte offset that starts a character (or is the end).
  std::uint32_t codepoint(std::uint32_t byte) const;

 private:
  static constexpr std::uint32_t kInside = UINT32_MAX;
  std::vector<std::uint32_t> byte_;      // unit -> byte (kInside within a character)
  std::vector<std::uint32_t> cp_start_;  // code point -> byte
};

// A JSON string literal of valid UTF-8 (formats/common/text.hpp).
using text::append_json_string;

// A label safe as one CoNLL column: white space (is_space) replaced by "_". Returns true
// when anything was replaced.
bool conll_label(std::string_view label, std::string& out);

}  // namespace xport::formats::ner
