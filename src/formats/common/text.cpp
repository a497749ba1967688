#include "formats/common/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>

#include "xport/zip.hpp"

namespace xport::text {

void append_csv_field(std::string& out, std::string_view value, char delimiter) {
  bool quote = !value.empty() && (value.front() == ' ' || value.back() == ' ');
  for (char c : value) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') {
      quote = true;
      break;
    }
  }
  if (!quote) {
    out += value;
    return;
  }
  out += '"';
  for (char c : value) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
}

void append_tsv_field(std::string& out, std::string_view value) {
  for (char c : value) {
    switch (c) {
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\\':
        out += "\\\\";
        break;
      default:
        out += c;
    }
  }
}

std::size_t append_xml_escaped(std::string& out, std::string_view value) {
  std::size_t replaced = 0;
  for (char c : value) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&apos;";
        break;
      case '\t':
      case '\n':
      case '\r':
        out += c;
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          out += "\xEF\xBF\xBD";  // U+FFFD
          ++replaced;
        } else {
          out += c;
        }
    }
  }
  return replaced;
}

void append_json_string(std::string& out, std::string_view utf8) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c < 0x20 || c == 0x7F) {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c == 0xE2 && i + 2 < utf8.size() && utf8[i + 1] == '\x80' &&
               (utf8[i + 2] == '\xA8' || utf8[i + 2] == '\xA9')) {
      out += utf8[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += static_cast<char>(c);
    }
  }
  out += '"';
}

void append_yaml_quoted(std::string& out, std::string_view value) {
  out += '"';
  for (unsigned char c : value) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_image_row(std::string& out, std::string_view path, std::string_view url) {
  append_tsv_field(out, path);
  out += '\t';
  append_tsv_field(out, url);
  out += '\n';
}

std::string one_line(std::string_view value) {
  std::string out(value);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return out;
}

void append_number(std::string& out, double value) {
  if (value == 0) value = 0;  // no "-0"
  std::array<char, 32> buf;
  auto [end, ec] = std::to_chars(buf.data(), buf.data() + buf.size(), value);
  out.append(buf.data(), end);
}

std::string safe_file_name(std::string_view name, std::size_t max_bytes, std::string_view fallback,
                           bool trim) {
  std::string out;
  out.reserve(name.size());
  for (std::size_t i = 0; i < name.size();) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (c >= 0x80) {
      // Well-formed UTF-8 stays; a stray or overlong byte ("\xc0\xae" is a dot to some
      // decoders) becomes '_', as zip entry names must be valid UTF-8.
      const std::size_t length = zip::utf8_sequence_length(name, i);
      if (length == 0) {
        out += '_';
        ++i;
      } else {
        out.append(name.substr(i, length));
        i += length;
      }
      continue;
    }
    const bool reserved = c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':' || c == '*' ||
                          c == '?' || c == '"' || c == '<' || c == '>' || c == '|';
    out += reserved ? '_' : static_cast<char>(c);
    ++i;
  }
  if (trim) {
    while (!out.empty() && (out.front() == '.' || out.front() == ' '))
      out.erase(0, 1);
    while (!out.empty() && (out.back() == '.' || out.back() == ' '))
      out.pop_back();
  }
  if (out.size() > max_bytes) {
    // Keep whole UTF-8 sequences: cut before a continuation byte.
    std::size_t cut = max_bytes;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80)
      --cut;
    out.resize(cut);
  }
  if (out.empty()) out = fallback;
  return out;
}

std::string plain_file_name(std::string_view name, std::size_t max_bytes,
                            std::string_view fallback) {
  std::string out;
  for (char c : name.substr(0, max_bytes)) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '_';
    out += plain ? c : '_';
  }
  if (out.empty()) out = fallback;
  return out;
}

std::string StemAllocator::allocate(std::string_view external_id) {
  // Drop a trailing extension (the label file gets its own).
  auto dot = external_id.rfind('.');
  auto slash = external_id.find_last_of("/\\");
  if (dot != std::string_view::npos && dot > 0 &&
      (slash == std::string_view::npos || dot > slash + 1) && external_id.size() - dot <= 6)
    external_id = external_id.substr(0, dot);
  std::string stem = safe_file_name(external_id, 180, "asset", true);
  std::uint32_t& count = used_[stem];
  ++count;
  if (count == 1) return stem;
  // A collision: number the later ones, and make sure the numbered name is free too.
  for (;;) {
    std::string candidate = stem + "_" + std::to_string(count);
    std::uint32_t& other = used_[candidate];
    if (other == 0) {
      other = 1;
      return candidate;
    }
    ++count;
  }
}

}  // namespace xport::text
