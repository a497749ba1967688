#include "formats/common/python_json.hpp"

#include <array>
#include <bit>
#include <cassert>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <stdexcept>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace xport::pyjson {
namespace {

// ---------------------------------------------------------------------------------------------
// Strings
// ---------------------------------------------------------------------------------------------

// What json.dumps does with each byte under ensure_ascii=True: 0 = copy as is (0x20..0x7e other
// than '"' and '\\'), a letter = two-character escape `\<letter>` ('"' and '\\' escape
// themselves), 'u' = `\u00XX` (other controls and DEL), 'U' = start of a non-ASCII sequence.
// DEL (0x7f) is escaped because Python's ESCAPE_ASCII pattern only passes ' '..'~' through.
constexpr std::array<unsigned char, 256> make_escape_table() {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 0x20; ++c)
    table[c] = 'u';
  table['\b'] = 'b';
  table['\f'] = 'f';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  table['"'] = '"';
  table['\\'] = '\\';
  table[0x7f] = 'u';
  for (int c = 0x80; c < 0x100; ++c)
    table[c] = 'U';
  return table;
}
constexpr std::array<unsigned char, 256> kEscape = make_escape_table();

constexpr char kHexDigits[] = "0123456789abcdef";

std::size_t safe_tail_length(const char* p, const char* end) {
  const char* const begin = p;
  while (p < end && kEscape[static_cast<unsigned char>(*p)] == 0)
    ++p;
  return static_cast<std::size_t>(p - begin);
}

// Portable SWAR scan, 8 bytes per step. Each term sets the high bit of exactly the bytes it
// matches: the additions stay below 0x100 per byte, so no carry crosses into a neighbour and
// the lowest set bit (in memory order) locates the first unsafe byte.
constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
constexpr std::uint64_t kLow7 = 0x7f7f7f7f7f7f7f7fULL;

constexpr std::uint64_t bytes_equal(std::uint64_t w, unsigned char c) {
  const std::uint64_t y = w ^ (kOnes * c);
  return ~(y | ((y & kLow7) + kLow7)) & kHigh;
}

constexpr std::uint64_t unsafe_bytes(std::uint64_t w) {
  const std::uint64_t low7 = w & kLow7;
  const std::uint64_t at_least_7f = (w | (low7 + kOnes)) & kHigh;
  const std::uint64_t below_20 = ~(w | (low7 + kOnes * 0x60)) & kHigh;
  return at_least_7f | below_20 | bytes_equal(w, '"') | bytes_equal(w, '\\');
}

std::size_t safe_prefix_length_swar(const char* p, const char* end) {
  const char* const begin = p;
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    const std::uint64_t mask = unsafe_bytes(w);
    if (mask != 0) {
      const int bit = std::endian::native == std::endian::little ? std::countr_zero(mask)
                                                                 : std::countl_zero(mask);
      return static_cast<std::size_t>(p - begin) + static_cast<std::size_t>(bit / 8);
    }
    p += 8;
  }
  return static_cast<std::size_t>(p - begin) + safe_tail_length(p, end);
}

#if defined(__SSE2__)
// 16 bytes per step. A signed compare against 0x20 catches both the controls (0x00..0x1f) and
// every byte >= 0x80 (negative as int8), so four compares cover the whole unsafe set.
std::size_t safe_prefix_length_sse2(const char* p, const char* end) {
  const char* const begin = p;
  const __m128i space = _mm_set1_epi8(0x20);
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i del = _mm_set1_epi8(0x7f);
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i unsafe =
        _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(v, space), _mm_cmpeq_epi8(v, quote)),
                     _mm_or_si128(_mm_cmpeq_epi8(v, backslash), _mm_cmpeq_epi8(v, del)));
    const auto mask = static_cast<unsigned>(_mm_movemask_epi8(unsafe));
    if (mask != 0) {
      return static_cast<std::size_t>(p - begin) + static_cast<std::size_t>(std::countr_zero(mask));
    }
    p += 16;
  }
  // The last 0..15 bytes: one SWAR step covers 8 of them (short strings live here).
  return static_cast<std::size_t>(p - begin) + safe_prefix_length_swar(p, end);
}
#endif

// Length of the prefix of [p, end) that json.dumps copies unchanged.
std::size_t safe_prefix_length(const char* p, const char* end) {
#if defined(__SSE2__)
  return safe_prefix_length_sse2(p, end);
#else
  return safe_prefix_length_swar(p, end);
#endif
}

struct Decoded {
  char32_t code_point;
  std::size_t length;
};

constexpr char32_t kReplacement = 0xfffd;

// Decodes the UTF-8 sequence starting with the non-ASCII byte p[0]. An ill-formed sequence
// yields U+FFFD covering its maximal subpart (the longest prefix that could still have become
// well-formed, at least one byte): the Unicode-recommended practice that Python's
// bytes.decode("utf-8", "replace") follows, so the output matches Python on such input too.
Decoded decode_utf8(const unsigned char* p, std::size_t available) {
  const unsigned lead = p[0];
  std::size_t continuation;
  char32_t cp;
  // The second byte's range is narrower after some leads: this rejects overlong forms
  // (E0 80..9F, F0 80..8F), surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..).
  unsigned lo = 0x80;
  unsigned hi = 0xbf;
  if (lead >= 0xc2 && lead <= 0xdf) {
    continuation = 1;
    cp = lead & 0x1fU;
  } else if (lead >= 0xe0 && lead <= 0xef) {
    continuation = 2;
    cp = lead & 0x0fU;
    if (lead == 0xe0) lo = 0xa0;
    if (lead == 0xed) hi = 0x9f;
  } else if (lead >= 0xf0 && lead <= 0xf4) {
    continuation = 3;
    cp = lead & 0x07U;
    if (lead == 0xf0) lo = 0x90;
    if (lead == 0xf4) hi = 0x8f;
  } else {
    return {kReplacement, 1};  // stray continuation byte, C0/C1 or F5..FF
  }
  for (std::size_t i = 1; i <= continuation; ++i) {
    if (i >= available) return {kReplacement, i};
    const unsigned byte = p[i];
    if (byte < lo || byte > hi) return {kReplacement, i};
    lo = 0x80;
    hi = 0xbf;
    cp = (cp << 6) | (byte & 0x3fU);
  }
  return {cp, continuation + 1};
}

// Writes `\uXXXX` (lowercase hex) at dst; returns the end.
char* write_u_escape(char* dst, unsigned unit) {
  dst[0] = '\\';
  dst[1] = 'u';
  dst[2] = kHexDigits[(unit >> 12) & 0xfU];
  dst[3] = kHexDigits[(unit >> 8) & 0xfU];
  dst[4] = kHexDigits[(unit >> 4) & 0xfU];
  dst[5] = kHexDigits[unit & 0xfU];
  return dst + 6;
}

// Writes the escape for one code point; above the BMP that is a UTF-16 surrogate pair, as
// Python's py_encode_basestring_ascii does.
char* write_code_point_escape(char* dst, char32_t cp) {
  if (cp < 0x10000) return write_u_escape(dst, static_cast<unsigned>(cp));
  const auto v = static_cast<unsigned>(cp - 0x10000);
  dst = write_u_escape(dst, 0xd800U | (v >> 10));
  return write_u_escape(dst, 0xdc00U | (v & 0x3ffU));
}

// Collects the escaped output of one string in a stack buffer, so that a string with a few
// escapes costs one or two appends to `out` instead of one per safe run and per escape (each
// std::string::append is an out-of-line call with a capacity check). finish() writes the rest;
// there is deliberately no flushing destructor, which could throw (bad_alloc) while unwinding.
class EscapeBuffer {
 public:
  explicit EscapeBuffer(std::string& out) noexcept : out_(out) {}
  EscapeBuffer(const EscapeBuffer&) = delete;
  EscapeBuffer& operator=(const EscapeBuffer&) = delete;

  void finish() { flush(); }

  void put(char c) {
    reserve(1);
    *dst_++ = c;
  }

  // Short runs are gathered in the buffer; long ones go straight from the input to `out`.
  void copy(const char* p, std::size_t n) {
    if (n > kDirectCopy) {
      flush();
      out_.append(p, n);
      return;
    }
    reserve(n);
    std::memcpy(dst_, p, n);
    dst_ += n;
  }

  // Escapes the run of unsafe bytes starting at p, up to the next safe byte. Precondition:
  // p < end. Always consumes at least one byte, so the caller's loop makes progress even if the
  // scanner and the table were ever to disagree. Returns where the run ended.
  const char* escape_run(const char* p, const char* end) {
    do {
      reserve(kMaxEscape);
      const auto byte = static_cast<unsigned char>(*p);
      const unsigned char kind = kEscape[byte];
      if (kind == 'U') {
        const Decoded d = decode_utf8(reinterpret_cast<const unsigned char*>(p),
                                      static_cast<std::size_t>(end - p));
        dst_ = write_code_point_escape(dst_, d.code_point);
        p += d.length;
      } else if (kind == 'u') {
        dst_ = write_u_escape(dst_, byte);
        ++p;
      } else if (kind != 0) {
        dst_[0] = '\\';
        dst_[1] = static_cast<char>(kind);
        dst_ += 2;
        ++p;
      } else {
        *dst_++ = *p++;  // a safe byte: only reachable as the first byte, see above
      }
    } while (p < end && kEscape[static_cast<unsigned char>(*p)] != 0);
    return p;
  }

 private:
  static constexpr std::size_t kSize = 512;
  static constexpr std::size_t kDirectCopy = 128;
  static constexpr std::size_t kMaxEscape = 12;  // a surrogate pair

  void reserve(std::size_t n) {
    if (static_cast<std::size_t>(buffer_ + kSize - dst_) < n) flush();
  }
  void flush() {
    out_.append(buffer_, static_cast<std::size_t>(dst_ - buffer_));
    dst_ = buffer_;
  }

  std::string& out_;
  char buffer_[kSize];
  char* dst_ = buffer_;
};

// ---------------------------------------------------------------------------------------------
// Integers
// ---------------------------------------------------------------------------------------------

template <typename Int>
void append_decimal(std::string& out, Int v) {
  char buffer[24];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, v);
  out.append(buffer, result.ptr);
}

// Sign and digits in one append (this is the hot path of append_rounded_int).
void append_signed_decimal(std::string& out, bool negative, std::uint64_t magnitude) {
  char buffer[24];
  buffer[0] = '-';
  char* const first = buffer + (negative ? 1 : 0);
  const auto result = std::to_chars(first, buffer + sizeof buffer, magnitude);
  out.append(buffer, result.ptr);
}

// int(v) raises ValueError for NaN and OverflowError for infinities, with these messages.
void throw_if_not_finite(double v) {
  if (std::isnan(v)) throw std::domain_error("cannot convert float NaN to integer");
  if (std::isinf(v)) throw std::domain_error("cannot convert float infinity to integer");
}

// Exact decimal digits of an integral double >= 2^64 (up to 309 digits). Rare, so a simple
// schoolbook conversion: the 53-bit significand in base-1e9 limbs, multiplied by 2^exponent in
// steps of 2^32 (limb * 2^32 + carry stays below 2^63).
void append_big_integral(std::string& out, double magnitude) {
  constexpr std::uint32_t kBase = 1'000'000'000;
  constexpr int kSignificandBits = 53;
  int exponent = 0;
  const double fraction = std::frexp(magnitude, &exponent);  // magnitude = fraction * 2^exponent
  auto significand = static_cast<std::uint64_t>(std::ldexp(fraction, kSignificandBits));
  int shift = exponent - kSignificandBits;  // >= 11 here, since magnitude >= 2^64

  std::array<std::uint32_t, 40> limbs{};  // 1.8e308 needs 35 limbs
  std::size_t count = 0;
  while (significand != 0) {
    limbs[count++] = static_cast<std::uint32_t>(significand % kBase);
    significand /= kBase;
  }
  while (shift > 0) {
    const int step = shift < 32 ? shift : 32;
    shift -= step;
    std::uint64_t carry = 0;
    for (std::size_t i = 0; i < count; ++i) {
      const std::uint64_t x = (static_cast<std::uint64_t>(limbs[i]) << step) + carry;
      limbs[i] = static_cast<std::uint32_t>(x % kBase);
      carry = x / kBase;
    }
    while (carry != 0) {
      limbs[count++] = static_cast<std::uint32_t>(carry % kBase);
      carry /= kBase;
    }
  }

  char buffer[9 * 40 + 1];
  char* dst = std::to_chars(buffer, buffer + 9, limbs[count - 1]).ptr;
  for (std::size_t i = count - 1; i-- > 0;) {
    std::uint32_t limb = limbs[i];
    for (int d = 8; d >= 0; --d) {
      dst[d] = static_cast<char>('0' + limb % 10);
      limb /= 10;
    }
    dst += 9;
  }
  out.append(buffer, dst);
}

// ---------------------------------------------------------------------------------------------
// Floats
// ---------------------------------------------------------------------------------------------

struct ShortestDigits {
  char digits[20];  // at most 17 significant digits
  int count;
  int exponent;  // value = 0.d1d2d3... * 10^(exponent + 1), i.e. d1 is at 10^exponent
  bool negative;
};

// Shortest round-trip digits via std::to_chars in scientific form ("-d.ddde+XX"), the same
// digits Python's repr gets from dtoa mode 0 (both pick the shortest string that round-trips,
// and the one closest to the exact value among those).
ShortestDigits shortest_digits(double v) {
  char buffer[40];
  const auto result =
      std::to_chars(buffer, buffer + sizeof buffer, v, std::chars_format::scientific);
  ShortestDigits s{};
  const char* p = buffer;
  if (*p == '-') {
    s.negative = true;
    ++p;
  }
  while (*p != 'e') {
    if (*p != '.') s.digits[s.count++] = *p;
    ++p;
  }
  ++p;                 // 'e'
  if (*p == '+') ++p;  // from_chars accepts '-' but not '+'
  std::from_chars(p, result.ptr, s.exponent);
  return s;
}

void append_scientific(std::string& out, const ShortestDigits& s) {
  out.push_back(s.digits[0]);
  if (s.count > 1) {
    out.push_back('.');
    out.append(s.digits + 1, static_cast<std::size_t>(s.count - 1));
  }
  out.push_back('e');
  out.push_back(s.exponent < 0 ? '-' : '+');
  const int magnitude = s.exponent < 0 ? -s.exponent : s.exponent;
  if (magnitude < 10) out.push_back('0');  // repr always prints two exponent digits at least
  append_decimal(out, magnitude);
}

void append_positional(std::string& out, const ShortestDigits& s) {
  const int point = s.exponent + 1;  // digits before the decimal point
  if (point <= 0) {
    out.append("0.", 2);
    out.append(static_cast<std::size_t>(-point), '0');
    out.append(s.digits, static_cast<std::size_t>(s.count));
  } else if (point < s.count) {
    out.append(s.digits, static_cast<std::size_t>(point));
    out.push_back('.');
    out.append(s.digits + point, static_cast<std::size_t>(s.count - point));
  } else {
    out.append(s.digits, static_cast<std::size_t>(s.count));
    out.append(static_cast<std::size_t>(point - s.count), '0');
    out.append(".0", 2);
  }
}

// ---------------------------------------------------------------------------------------------
// IndentWriter helpers
// ---------------------------------------------------------------------------------------------

// ",\n" followed by enough spaces for 32 levels, so an item break is usually one append.
constexpr std::size_t kIndentWidth = 4;
constexpr std::size_t kPrecomputedLevels = 32;
constexpr std::array<char, 2 + kIndentWidth * kPrecomputedLevels> make_separator() {
  std::array<char, 2 + kIndentWidth * kPrecomputedLevels> s{};
  s[0] = ',';
  s[1] = '\n';
  for (std::size_t i = 2; i < s.size(); ++i)
    s[i] = ' ';
  return s;
}
constexpr auto kSeparator = make_separator();

}  // namespace

namespace detail {
std::size_t safe_prefix_length(std::string_view s) {
  return xport::pyjson::safe_prefix_length(s.data(), s.data() + s.size());
}
std::size_t safe_prefix_length_portable(std::string_view s) {
  return safe_prefix_length_swar(s.data(), s.data() + s.size());
}
}  // namespace detail

// ---------------------------------------------------------------------------------------------
// Public functions
// ---------------------------------------------------------------------------------------------

void append_string(std::string& out, std::string_view utf8) {
  const char* p = utf8.data();
  const char* const end = p + utf8.size();
  // Short strings (names, identifiers) end up as a single append of the buffer; long safe runs
  // are appended straight from the input.
  EscapeBuffer buffer(out);
  buffer.put('"');
  while (p < end) {
    const std::size_t safe = safe_prefix_length(p, end);
    buffer.copy(p, safe);
    p += safe;
    if (p == end) break;
    p = buffer.escape_run(p, end);
  }
  buffer.put('"');
  buffer.finish();
}

void append_rounded_int(std::string& out, double v) {
  throw_if_not_finite(v);
  const double magnitude = std::fabs(v);
  if (magnitude < 0x1p52) {
    // Below 2^52 a double may have a fractional part. trunc() and the subtraction are exact,
    // so comparing the fraction with 0.5 is round-half-even on the exact binary value, without
    // depending on the floating-point rounding mode (as nearbyint would).
    const double whole = std::trunc(magnitude);
    const double fraction = magnitude - whole;
    auto rounded = static_cast<std::uint64_t>(whole);
    if (fraction > 0.5 || (fraction == 0.5 && (rounded & 1U) != 0)) ++rounded;
    // round(-0.4) is the int 0, which prints as "0", never "-0".
    append_signed_decimal(out, rounded != 0 && v < 0, rounded);
    return;
  }
  // From 2^52 on every double is an integer already.
  if (magnitude < 0x1p64) {
    append_signed_decimal(out, v < 0, static_cast<std::uint64_t>(magnitude));
  } else {
    if (v < 0) out.push_back('-');
    append_big_integral(out, magnitude);
  }
}

void append_int(std::string& out, std::int64_t v) {
  append_decimal(out, v);
}

void append_uint(std::string& out, std::uint64_t v) {
  append_decimal(out, v);
}

void append_float(std::string& out, double v) {
  if (std::isnan(v)) {
    out.append("NaN", 3);  // Python writes NaN for -nan too
    return;
  }
  if (std::isinf(v)) {
    if (v < 0) {
      out.append("-Infinity", 9);
    } else {
      out.append("Infinity", 8);
    }
    return;
  }
  const ShortestDigits s = shortest_digits(v);
  if (s.negative) out.push_back('-');
  // float_repr_style 'short': scientific when the decimal exponent is < -4 or >= 16.
  if (s.exponent < -4 || s.exponent >= 16) {
    append_scientific(out, s);
  } else {
    append_positional(out, s);
  }
}

// ---------------------------------------------------------------------------------------------
// IndentWriter
// ---------------------------------------------------------------------------------------------

void IndentWriter::line_break(bool comma, int depth) {
  const std::size_t spaces = static_cast<std::size_t>(depth) * kIndentWidth;
  if (depth <= static_cast<int>(kPrecomputedLevels)) {
    const std::size_t skip = comma ? 0 : 1;  // kSeparator starts with the comma
    out_->append(kSeparator.data() + skip, 2 - skip + spaces);
  } else {
    if (comma) out_->push_back(',');
    out_->push_back('\n');
    out_->append(spaces, ' ');
  }
}

void IndentWriter::before_value() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (depth_ == 0) return;  // the top-level value
  line_break(!container_empty_, depth_);
  container_empty_ = false;
}

void IndentWriter::begin_container(char open) {
  before_value();
  out_->push_back(open);
  ++depth_;
  container_empty_ = true;
}

void IndentWriter::end_container(char close) {
  assert(depth_ > 0 && "end without matching begin");
  assert(!after_key_ && "key without value");
  --depth_;
  // Python prints an empty container as "[]" / "{}" with nothing between the brackets.
  if (!container_empty_) line_break(false, depth_);
  out_->push_back(close);
  container_empty_ = false;  // the parent now holds this container as an item
}

void IndentWriter::begin_list() {
  begin_container('[');
}
void IndentWriter::end_list() {
  end_container(']');
}
void IndentWriter::begin_object() {
  begin_container('{');
}
void IndentWriter::end_object() {
  end_container('}');
}

void IndentWriter::key(std::string_view utf8) {
  assert(!after_key_ && "two keys in a row");
  before_value();
  append_string(*out_, utf8);
  out_->append(": ", 2);
  after_key_ = true;
}

void IndentWriter::value_string(std::string_view utf8) {
  before_value();
  append_string(*out_, utf8);
}

void IndentWriter::value_int(std::int64_t v) {
  before_value();
  append_int(*out_, v);
}

void IndentWriter::value_uint(std::uint64_t v) {
  before_value();
  append_uint(*out_, v);
}

void IndentWriter::value_float(double v) {
  before_value();
  append_float(*out_, v);
}

void IndentWriter::value_rounded_int(double v) {
  // Validate first so that a throw leaves no dangling separator or key state behind.
  throw_if_not_finite(v);
  before_value();
  append_rounded_int(*out_, v);
}

void IndentWriter::value_bool(bool v) {
  before_value();
  if (v) {
    out_->append("true", 4);
  } else {
    out_->append("false", 5);
  }
}

void IndentWriter::value_null() {
  before_value();
  out_->append("null", 4);
}

void IndentWriter::value_raw(std::string_view json) {
  before_value();
  out_->append(json);
}

}  // namespace xport::pyjson
