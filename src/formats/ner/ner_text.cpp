#include "formats/ner/ner_text.hpp"

#include <algorithm>

namespace xport::formats::ner {
namespace {

// Decodes the character at `i` of valid UTF-8; sets its length in bytes.
char32_t decode(std::string_view s, std::size_t i, std::size_t& length) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[i + k]); };
  const unsigned char c = b(0);
  if (c < 0x80) {
    length = 1;
    return c;
  }
  if (c < 0xE0) {
    length = 2;
    return (char32_t{c & 0x1Fu} << 6) | (b(1) & 0x3Fu);
  }
  if (c < 0xF0) {
    length = 3;
    return (char32_t{c & 0x0Fu} << 12) | (char32_t{b(1) & 0x3Fu} << 6) | (b(2) & 0x3Fu);
  }
  length = 4;
  return (char32_t{c & 0x07u} << 18) | (char32_t{b(1) & 0x3Fu} << 12) |
         (char32_t{b(2) & 0x3Fu} << 6) | (b(3) & 0x3Fu);
}

}  // namespace

bool valid_utf8(std::string_view s) {
  std::size_t i = 0;
  const std::size_t n = s.size();
  const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const auto cont = [&](std::size_t k) { return k < n && (at(k) & 0xC0) == 0x80; };
  while (i < n) {
    const unsigned char c = at(i);
    if (c < 0x80) {
      ++i;
    } else if (c >= 0xC2 && c <= 0xDF) {
      if (!cont(i + 1)) return false;
      i += 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(i + 1) || !cont(i + 2)) return false;
      const unsigned char c1 = at(i + 1);
      if (c == 0xE0 && c1 < 0xA0) return false;  // overlong
      if (c == 0xED && c1 > 0x9F) return false;  // surrogate
      i += 3;
    } else if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return false;
      const unsigned char c1 = at(i + 1);
      if (c == 0xF0 && c1 < 0x90) return false;  // overlong
      if (c == 0xF4 && c1 > 0x8F) return false;  // > U+10FFFF
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

bool is_space(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || (c >= 0x1C && c <= 0x20) || c == 0x85 || c == 0xA0 ||
         c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

bool is_line_break(char32_t c) {
  return c == '\n' || c == '\r' || c == 0x85 || c == 0x2028 || c == 0x2029;
}

std::vector<Token> tokenize(std::string_view text) {
  std::vector<Token> tokens;
  bool in_token = false;
  bool line = false;
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t length = 1;
    const char32_t c = decode(text, i, length);
    if (is_space(c)) {
      if (in_token) tokens.back().end = static_cast<std::uint32_t>(i);
      in_token = false;
      line = line || is_line_break(c);
    } else if (!in_token) {
      tokens.push_back({static_cast<std::uint32_t>(i), 0, line});
      in_token = true;
      line = false;
    }
    i += length;
  }
  if (in_token) tokens.back().end = static_cast<std::uint32_t>(text.size());
  return tokens;
}

OffsetMap::OffsetMap(std::string_view text, Unit unit) {
  byte_.reserve(text.size() + 1);
  cp_start_.reserve(text.size() + 1);
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t length = 1;
    const char32_t c = decode(text, i, length);
    byte_.push_back(static_cast<std::uint32_t>(i));
    cp_start_.push_back(static_cast<std::uint32_t>(i));
    // Outside the BMP a character is two UTF-16 units: an offset between them splits it.
    if (unit == Unit::utf16 && c > 0xFFFF) byte_.push_back(kInside);
    i += length;
  }
  byte_.push_back(static_cast<std::uint32_t>(text.size()));
  cp_start_.push_back(static_cast<std::uint32_t>(text.size()));
}

std::optional<std::uint32_t> OffsetMap::byte(std::uint64_t unit) const {
  if (unit >= byte_.size() || byte_[unit] == kInside) return std::nullopt;
  return byte_[unit];
}

std::uint32_t OffsetMap::codepoint(std::uint32_t byte) const {
  auto it = std::lower_bound(cp_start_.begin(), cp_start_.end(), byte);
  return static_cast<std::uint32_t>(it - cp_start_.begin());
}

bool conll_label(std::string_view label, std::string& out) {
  out.clear();
  bool replaced = false;
  std::size_t i = 0;
  while (i < label.size()) {
    std::size_t length = 1;
    const char32_t c = decode(label, i, length);
    if (is_space(c)) {
      out += '_';
      replaced = true;
    } else {
      out.append(label.substr(i, length));
    }
    i += length;
  }
  return replaced;
}

}  // namespace xport::formats::ner
