#include "formats/aaf/json_text.hpp"

#include <stdexcept>

namespace xport::formats::json_text {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

[[noreturn]] void broken() {
  throw std::runtime_error("internal error: JSON text does not match its parse");
}

std::size_t skip_space(std::string_view s, std::size_t i) {
  while (i < s.size() && is_space(s[i]))
    ++i;
  return i;
}

// s[i] is the opening quote; returns the index after the closing one.
std::size_t string_end(std::string_view s, std::size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\')
      ++i;  // the escaped character (a 'u' escape's hex digits need no care)
    else if (s[i] == '"')
      return i + 1;
  }
  broken();
}

// s[i] is the first character of a value; returns the index after its last.
std::size_t value_end(std::string_view s, std::size_t i) {
  if (i >= s.size()) broken();
  char c = s[i];
  if (c == '"') return string_end(s, i);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (i < s.size()) {
      c = s[i];
      if (c == '"') {
        i = string_end(s, i);
        continue;
      }
      if (c == '{' || c == '[') {
        ++depth;
      } else if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    broken();
  }
  while (i < s.size() && !is_space(s[i]) && s[i] != ',' && s[i] != ']' && s[i] != '}')
    ++i;
  return i;
}

}  // namespace

std::string_view trim(std::string_view s) {
  std::size_t b = skip_space(s, 0);
  std::size_t e = s.size();
  while (e > b && is_space(s[e - 1]))
    --e;
  return s.substr(b, e - b);
}

bool has_line_break(std::string_view s) {
  return s.find_first_of("\r\n") != std::string_view::npos;
}

void append_compact(std::string& out, std::string_view value) {
  std::size_t i = 0;
  while (i < value.size()) {
    // Copy runs of non-space bytes, strings whole (they may hold spaces).
    std::size_t run = i;
    while (run < value.size() && !is_space(value[run]) && value[run] != '"')
      ++run;
    out.append(value.data() + i, run - i);
    i = run;
    if (i >= value.size()) break;
    if (value[i] == '"') {
      std::size_t end = string_end(value, i);
      out.append(value.data() + i, end - i);
      i = end;
    } else {
      i = skip_space(value, i);
    }
  }
}

void members(std::string_view object,
             std::vector<std::pair<std::string_view, std::string_view>>& out) {
  if (object.empty() || object[0] != '{') broken();
  std::size_t i = skip_space(object, 1);
  if (i < object.size() && object[i] == '}') return;
  for (;;) {
    if (i >= object.size() || object[i] != '"') broken();
    std::size_t key_end = string_end(object, i);
    std::string_view key = object.substr(i, key_end - i);
    i = skip_space(object, key_end);
    if (i >= object.size() || object[i] != ':') broken();
    i = skip_space(object, i + 1);
    std::size_t end = value_end(object, i);
    out.emplace_back(key, object.substr(i, end - i));
    i = skip_space(object, end);
    if (i < object.size() && object[i] == ',') {
      i = skip_space(object, i + 1);
      continue;
    }
    if (i < object.size() && object[i] == '}') return;
    broken();
  }
}

void elements(std::string_view array, std::vector<std::string_view>& out) {
  if (array.empty() || array[0] != '[') broken();
  std::size_t i = skip_space(array, 1);
  if (i < array.size() && array[i] == ']') return;
  for (;;) {
    std::size_t end = value_end(array, i);
    out.push_back(array.substr(i, end - i));
    i = skip_space(array, end);
    if (i < array.size() && array[i] == ',') {
      i = skip_space(array, i + 1);
      continue;
    }
    if (i < array.size() && array[i] == ']') return;
    broken();
  }
}

bool neutralize_numbers(std::string& text) {
  auto digit = [&](std::size_t i) { return i < text.size() && text[i] >= '0' && text[i] <= '9'; };
  std::size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '"') {
      i = string_end(text, i);
      continue;
    }
    if (c != '-' && !digit(i)) {
      ++i;
      continue;
    }
    // -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
    const std::size_t start = i;
    if (text[i] == '-') ++i;
    if (!digit(i)) return false;
    if (text[i] == '0') {
      ++i;
    } else {
      while (digit(i))
        ++i;
    }
    if (i < text.size() && text[i] == '.') {
      ++i;
      if (!digit(i)) return false;
      while (digit(i))
        ++i;
    }
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
      ++i;
      if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
      if (!digit(i)) return false;
      while (digit(i))
        ++i;
    }
    text[start] = '0';
    for (std::size_t k = start + 1; k < i; ++k)
      text[k] = ' ';
  }
  return true;
}

}  // namespace xport::formats::json_text
