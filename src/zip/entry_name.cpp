// Entry-name validation. Names end up as paths when someone extracts the archive, so a name
// that is absolute, climbs with "..", or reads differently on Windows ("a\b", "C:x") could
// write outside the extraction directory ("zip slip") or land somewhere unexpected.
#include <string>

#include "xport/zip.hpp"

namespace xport::zip {
namespace {

// The local and central headers store the name length in 16 bits.
constexpr std::size_t kMaxNameBytes = 65535;
// Messages quote at most this much of a name: a 64 KiB name would drown the message.
constexpr std::size_t kMaxQuotedBytes = 120;

unsigned char byte_at(std::string_view text, std::size_t i) {
  return static_cast<unsigned char>(text[i]);
}

void append_hex_escape(std::string& out, unsigned char value) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += "\\x";
  out += kDigits[value >> 4];
  out += kDigits[value & 0x0F];
}

// The name in double quotes, with control characters, invalid UTF-8 bytes, quotes and
// backslashes escaped, so the message itself stays printable, valid UTF-8 and unambiguous.
std::string quote(std::string_view name) {
  std::string out = "\"";
  std::size_t i = 0;
  while (i < name.size() && i < kMaxQuotedBytes) {
    const unsigned char c = byte_at(name, i);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
      ++i;
    } else if (c < 0x20 || c == 0x7F) {
      append_hex_escape(out, c);
      ++i;
    } else if (std::size_t length = utf8_sequence_length(name, i); length > 0) {
      out.append(name.substr(i, length));
      i += length;
    } else {
      append_hex_escape(out, c);
      ++i;
    }
  }
  out += '"';
  if (i < name.size()) out += "... (" + std::to_string(name.size()) + " bytes)";
  return out;
}

[[noreturn]] void reject(std::string_view name, const std::string& rule) {
  throw NameError("invalid zip entry name " + quote(name) + ": " + rule);
}

void check_control_characters(std::string_view name) {
  for (std::size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = byte_at(name, i);
    if (c == 0) reject(name, "it contains a NUL byte");
    if (c < 0x20) {
      std::string escaped;
      append_hex_escape(escaped, c);
      reject(name, "it contains the control character " + escaped);
    }
  }
}

bool is_ascii_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void check_not_absolute(std::string_view name) {
  if (name.front() == '/') reject(name, "it is an absolute path (starts with '/')");
  // "C:x" is drive-relative and "C:/x" absolute on Windows; both escape the target there.
  if (name.size() >= 2 && is_ascii_letter(name[0]) && name[1] == ':') {
    reject(name, "it is an absolute path (starts with a drive letter)");
  }
}

void check_components(std::string_view name) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t slash = name.find('/', start);
    const std::string_view component = name.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (component.empty()) {
      reject(name, "it has an empty path component (\"//\" or a trailing '/')");
    }
    if (component == ".") reject(name, "it has a \".\" path component");
    if (component == "..") {
      reject(name, "it has a \"..\" path component (it could escape the extraction directory)");
    }
    if (slash == std::string_view::npos) return;
    start = slash + 1;
  }
}

void check_utf8(std::string_view name) {
  std::size_t i = 0;
  while (i < name.size()) {
    const std::size_t length = utf8_sequence_length(name, i);
    if (length == 0) {
      reject(name, "it is not valid UTF-8 (bad byte at offset " + std::to_string(i) + ")");
    }
    i += length;
  }
}

}  // namespace

std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const unsigned char lead = byte_at(text, i);
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  unsigned char low = 0x80;  // allowed range of the second byte
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // past U+10FFFF
  } else {
    return 0;
  }
  if (text.size() - i < length) return 0;
  const unsigned char second = byte_at(text, i + 1);
  if (second < low || second > high) return 0;
  for (std::size_t k = 2; k < length; ++k) {
    if ((byte_at(text, i + k) & 0xC0) != 0x80) return 0;
  }
  return length;
}

std::string_view check_entry_name(std::string_view name) {
  if (name.empty()) reject(name, "it is empty");
  if (name.size() > kMaxNameBytes) {
    reject(name, "it is " + std::to_string(name.size()) + " bytes long; at most " +
                     std::to_string(kMaxNameBytes) + " are allowed");
  }
  check_control_characters(name);
  if (name.find('\\') != std::string_view::npos) {
    reject(name, "it contains a backslash (use '/' as the separator)");
  }
  check_not_absolute(name);
  check_components(name);
  check_utf8(name);
  return name;
}

}  // namespace xport::zip
