// Byte-exact reproductions of the text CPython 3.11 produces for `json.dumps(obj, indent=4)`
// (default ensure_ascii=True) and for `str(int(round(v)))`.
//
// Every function appends to `out` and allocates nothing besides what growing `out` needs, so a
// writer can reuse one std::string buffer for a whole document.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace xport::pyjson {

// json.dumps(s) for a str s, ensure_ascii=True: the quoted string with `\"`, `\\`, `\n`, `\r`,
// `\t`, `\b`, `\f`, and every other byte outside 0x20..0x7e (this includes DEL 0x7f, which
// Python escapes as well) and every non-ASCII code point as lowercase `\uXXXX`; code points
// above U+FFFF become a UTF-16 surrogate pair (`\ud83d\ude97`). `/` is not escaped.
//
// `utf8` should be valid UTF-8. Invalid sequences do not crash: each maximal ill-formed
// subpart becomes one `\ufffd`, exactly what Python gives for
// json.dumps(raw.decode("utf-8", "replace")). Encoded surrogates (ED A0..BF xx) are ill-formed
// UTF-8 and are replaced the same way.
void append_string(std::string& out, std::string_view utf8);

// str(int(round(v))) for a Python float v: round half to even on the exact binary value,
// then the exact decimal integer (1e300 prints all 301 digits), "0" for -0.5 (never "-0").
// Throws std::domain_error("cannot convert float NaN to integer") for NaN and
// std::domain_error("cannot convert float infinity to integer") for +/-infinity; Python raises
// ValueError and OverflowError respectively with the same messages.
void append_rounded_int(std::string& out, double v);

// Decimal integers, as Python prints int values.
void append_int(std::string& out, std::int64_t v);
void append_uint(std::string& out, std::uint64_t v);

// json.dumps(v) for a float v, i.e. float.__repr__: the shortest digits that round-trip,
// positional when the decimal exponent is in [-4, 16) ("0.0001", "1.0", "-0.0",
// "123456789012345.0"), scientific otherwise with at least two exponent digits ("1e-05",
// "1.5e+16"). Non-finite values are written as json.dumps writes them: NaN, Infinity,
// -Infinity.
void append_float(std::string& out, double v);

// Streams the output of json.dumps(value, indent=4) into a caller-owned string.
//
// Python separates items with ",\n" plus the indentation, puts ": " after keys, prints empty
// containers as "[]" / "{}" and adds no trailing newline. The writer needs no stack for this:
// one flag remembers whether the innermost open container is still empty, and the caller says
// which bracket to close. The caller is responsible for well-formed call sequences (a key
// before each object member value, balanced begin/end); this is checked with assert() only.
class IndentWriter {
 public:
  explicit IndentWriter(std::string& out) noexcept : out_(&out) {}

  void begin_list();
  void end_list();
  void begin_object();
  void end_object();

  // An object member's key; the next call writes its value.
  void key(std::string_view utf8);

  void value_string(std::string_view utf8);
  void value_int(std::int64_t v);
  void value_uint(std::uint64_t v);
  void value_float(double v);
  // int(round(v)) as a JSON number; throws like append_rounded_int.
  void value_rounded_int(double v);
  void value_bool(bool v);
  void value_null();
  // Pre-encoded JSON text written as one value (the caller guarantees it is single-line or
  // already indented for this depth).
  void value_raw(std::string_view json);

  // Open containers; 0 once the top-level value is complete.
  [[nodiscard]] int depth() const noexcept { return depth_; }

 private:
  void before_value();
  void begin_container(char open);
  void end_container(char close);
  // "\n" (after "," when `comma`) and the indentation for `depth` open containers.
  void line_break(bool comma, int depth);

  std::string* out_;
  int depth_ = 0;
  // The innermost open container has no item yet (so the next item needs no comma, and
  // closing it prints "[]" / "{}").
  bool container_empty_ = false;
  // key() was just written; the value follows ": " directly.
  bool after_key_ = false;
};

namespace detail {
// Exposed for tests: the length of the prefix append_string copies unescaped, as found by the
// scanner in use (SSE2 where available) and by the portable SWAR scanner.
std::size_t safe_prefix_length(std::string_view s);
std::size_t safe_prefix_length_portable(std::string_view s);
}  // namespace detail

}  // namespace xport::pyjson
