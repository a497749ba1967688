// Tests for xport::pyjson: hand-written expectations for the edge cases, plus differential tests
// that run the real CPython (/usr/bin/python3) over thousands of generated inputs.
#include "formats/common/python_json.hpp"

#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

namespace pyjson = xport::pyjson;

namespace {

constexpr const char* kPython = "/usr/bin/python3";

std::string str(std::string_view s) {
  std::string out;
  pyjson::append_string(out, s);
  return out;
}

std::string rounded(double v) {
  std::string out;
  pyjson::append_rounded_int(out, v);
  return out;
}

std::string flt(double v) {
  std::string out;
  pyjson::append_float(out, v);
  return out;
}

std::string utf8(char32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xc0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xe0 | (cp >> 12));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  } else {
    s += static_cast<char>(0xf0 | (cp >> 18));
    s += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
    s += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
    s += static_cast<char>(0x80 | (cp & 0x3f));
  }
  return s;
}

// ---------------------------------------------------------------------------------------------
// append_string
// ---------------------------------------------------------------------------------------------

TEST(PythonJsonString, PlainAscii) {
  EXPECT_EQ(str(""), R"("")");
  EXPECT_EQ(str("abc"), R"("abc")");
  EXPECT_EQ(str(" !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~"),
            R"(" !#$%&'()*+,-./09:;<=>?@AZ[]^_`az{|}~")");
  EXPECT_EQ(str("a/b"), R"("a/b")") << "Python does not escape '/'";
}

TEST(PythonJsonString, ShortEscapes) {
  EXPECT_EQ(str("\""), R"("\"")");
  EXPECT_EQ(str("\\"), R"("\\")");
  EXPECT_EQ(str("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(str("say \"hi\"\\n"), R"("say \"hi\"\\n")");
}

TEST(PythonJsonString, ControlsAndDelUseUEscapes) {
  EXPECT_EQ(str(std::string_view("\0", 1)), R"("\u0000")");
  EXPECT_EQ(str("\x01\x0b\x1f"), R"("\u0001\u000b\u001f")");
  // DEL is ASCII but outside ' '..'~', so Python's ensure_ascii escapes it.
  EXPECT_EQ(str("\x7f"), R"("\u007f")");
  EXPECT_EQ(str("a\x7f"
                "b"),
            R"("a\u007fb")");
}

TEST(PythonJsonString, NonAscii) {
  EXPECT_EQ(str(utf8(0x80)), R"("\u0080")");
  EXPECT_EQ(str(utf8(0xe9)), R"("\u00e9")");
  EXPECT_EQ(str(utf8(0x7ff)), R"("\u07ff")");
  EXPECT_EQ(str(utf8(0x800)), R"("\u0800")");
  EXPECT_EQ(str(utf8(0xfffd)), R"("\ufffd")");
  EXPECT_EQ(str(utf8(0xffff)), R"("\uffff")");
  EXPECT_EQ(str("\xe6\x97\xa5\xe6\x9c\xac"), R"("\u65e5\u672c")");  // 日本
  EXPECT_EQ(str(utf8(0x10000)), R"("\ud800\udc00")");
  EXPECT_EQ(str(utf8(0x1f697)), R"("\ud83d\ude97")");  // 🚗
  EXPECT_EQ(str(utf8(0x10ffff)), R"("\udbff\udfff")");
  EXPECT_EQ(str("caf\xc3\xa9 ok"), R"("caf\u00e9 ok")");
}

TEST(PythonJsonString, InvalidUtf8BecomesOneReplacementPerMaximalSubpart) {
  // Expected values from json.dumps(raw.decode("utf-8", "replace")) in Python 3.11.
  EXPECT_EQ(str("\x80"), R"("\ufffd")");
  EXPECT_EQ(str("\xff\xfe"), R"("\ufffd\ufffd")");
  EXPECT_EQ(str("\xc0\xaf"), R"("\ufffd\ufffd")");                      // overlong '/'
  EXPECT_EQ(str("\xe0\x80\xaf"), R"("\ufffd\ufffd\ufffd")");            // overlong, E0 needs A0..BF
  EXPECT_EQ(str("\xed\xa0\x80"), R"("\ufffd\ufffd\ufffd")");            // encoded surrogate
  EXPECT_EQ(str("\xf4\x90\x80\x80"), R"("\ufffd\ufffd\ufffd\ufffd")");  // > U+10FFFF
  EXPECT_EQ(str("\xe2\x82"), R"("\ufffd")");      // truncated: one for the valid prefix
  EXPECT_EQ(str("\xe2\x82x"), R"("\ufffdx")");    // interrupted by ASCII
  EXPECT_EQ(str("\xf0\x9f\x9a"), R"("\ufffd")");  // truncated emoji
  EXPECT_EQ(str("a\xc3"), R"("a\ufffd")");        // truncated at the very end
}

TEST(PythonJsonString, AppendsWithoutTouchingExistingContent) {
  std::string out = "prefix:";
  pyjson::append_string(out, "x\ny");
  pyjson::append_string(out, "plain");
  EXPECT_EQ(out, R"(prefix:"x\ny""plain")");
}

// A byte-at-a-time model of the escaping, used to check the vectorised scanners at every
// alignment and length.
std::string reference_escape_ascii(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
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
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

TEST(PythonJsonString, ScannersFindEveryUnsafeByteAtEveryPosition) {
  for (int byte = 0; byte < 256; ++byte) {
    const auto c = static_cast<unsigned char>(byte);
    const bool unsafe = c < 0x20 || c >= 0x7f || c == '"' || c == '\\';
    for (std::size_t length = 1; length <= 40; ++length) {
      for (std::size_t pos = 0; pos < length; ++pos) {
        std::string s(length, 'a');
        s[pos] = static_cast<char>(c);
        const std::size_t expected = unsafe ? pos : length;
        ASSERT_EQ(pyjson::detail::safe_prefix_length(s), expected) << byte << " " << pos;
        ASSERT_EQ(pyjson::detail::safe_prefix_length_portable(s), expected) << byte << " " << pos;
        if (c < 0x80) {
          ASSERT_EQ(str(s), reference_escape_ascii(s));
        }
      }
    }
  }
}

TEST(PythonJsonString, LongRunsAcrossTheEscapeBuffer) {
  // More escapes in a row than the internal stack buffer holds.
  std::string input;
  std::string expected = "\"";
  for (int i = 0; i < 500; ++i) {
    input += utf8(0x1f697);
    expected += "\\ud83d\\ude97";
    input += "\x01";
    expected += "\\u0001";
  }
  expected += "\"";
  EXPECT_EQ(str(input), expected);
}

// ---------------------------------------------------------------------------------------------
// append_rounded_int
// ---------------------------------------------------------------------------------------------

TEST(PythonJsonRoundedInt, HalvesRoundToEven) {
  EXPECT_EQ(rounded(0.5), "0");
  EXPECT_EQ(rounded(1.5), "2");
  EXPECT_EQ(rounded(2.5), "2");
  EXPECT_EQ(rounded(3.5), "4");
  EXPECT_EQ(rounded(-0.5), "0") << "never -0";
  EXPECT_EQ(rounded(-1.5), "-2");
  EXPECT_EQ(rounded(-2.5), "-2");
  EXPECT_EQ(rounded(4503599627370495.5), "4503599627370496");  // 2^52 - 0.5
  EXPECT_EQ(rounded(4503599627370494.5), "4503599627370494");
}

TEST(PythonJsonRoundedInt, ExactBinaryValueDecides) {
  EXPECT_EQ(rounded(2.675), "3");
  EXPECT_EQ(rounded(0.49999999999999994), "0");  // floor(v + 0.5) would give 1
  EXPECT_EQ(rounded(std::nextafter(0.5, 1.0)), "1");
  EXPECT_EQ(rounded(std::nextafter(2.5, 3.0)), "3");
  EXPECT_EQ(rounded(std::nextafter(2.5, 2.0)), "2");
  EXPECT_EQ(rounded(-0.4), "0");
  EXPECT_EQ(rounded(-0.6), "-1");
  EXPECT_EQ(rounded(0.0), "0");
  EXPECT_EQ(rounded(-0.0), "0");
  EXPECT_EQ(rounded(5e-324), "0");
  EXPECT_EQ(rounded(29.97 * 1001), "30000");
}

TEST(PythonJsonRoundedInt, LargeMagnitudesPrintExactIntegers) {
  EXPECT_EQ(rounded(0x1p52), "4503599627370496");
  EXPECT_EQ(rounded(0x1p53 + 2), "9007199254740994");
  EXPECT_EQ(rounded(1e16 + 2), "10000000000000002");
  EXPECT_EQ(rounded(0x1p63), "9223372036854775808");
  EXPECT_EQ(rounded(-0x1p63), "-9223372036854775808");
  EXPECT_EQ(rounded(0x1p64), "18446744073709551616");
  EXPECT_EQ(rounded(-0x1p64), "-18446744073709551616");
  EXPECT_EQ(rounded(std::nextafter(0x1p64, 0.0)), "18446744073709549568");
  EXPECT_EQ(rounded(1e22), "10000000000000000000000");
  EXPECT_EQ(rounded(1e23), "99999999999999991611392");
  EXPECT_EQ(rounded(1e300),
            "1000000000000000052504760255204420248704468581108159154915854115511802457988908195"
            "7863713750804478640437044438328838781769425232353604305756447921847867069828483872"
            "0092657580373783023379478809005936895323497079994508111903896764088007465274278014"
            "2494579258788820056842838115669472196386865459400540160");
  EXPECT_EQ(rounded(std::numeric_limits<double>::max()),
            "1797693134862315708145274237317043567980705675258449965989174768031572607800285387"
            "6058955863276687817154045895351438246423432132688946418276846754670353751698604991"
            "0576551282076245490090389328944075868508455133942304583236903222948165808559332123"
            "348274797826204144723168738177180919299881250404026184124858368");
}

TEST(PythonJsonRoundedInt, NonFiniteThrowsLikePython) {
  const auto message = [](double v) {
    try {
      rounded(v);
    } catch (const std::domain_error& e) {
      return std::string(e.what());
    }
    return std::string("no exception");
  };
  EXPECT_EQ(message(std::numeric_limits<double>::quiet_NaN()),
            "cannot convert float NaN to integer");
  EXPECT_EQ(message(-std::numeric_limits<double>::quiet_NaN()),
            "cannot convert float NaN to integer");
  EXPECT_EQ(message(std::numeric_limits<double>::infinity()),
            "cannot convert float infinity to integer");
  EXPECT_EQ(message(-std::numeric_limits<double>::infinity()),
            "cannot convert float infinity to integer");
  std::string out = "kept";
  EXPECT_THROW(pyjson::append_rounded_int(out, std::nan("")), std::domain_error);
  EXPECT_EQ(out, "kept");
}

// ---------------------------------------------------------------------------------------------
// append_int / append_uint
// ---------------------------------------------------------------------------------------------

TEST(PythonJsonInt, Decimal) {
  std::string out;
  pyjson::append_int(out, 0);
  out += ' ';
  pyjson::append_int(out, -1);
  out += ' ';
  pyjson::append_int(out, std::numeric_limits<std::int64_t>::min());
  out += ' ';
  pyjson::append_int(out, std::numeric_limits<std::int64_t>::max());
  out += ' ';
  pyjson::append_uint(out, 0);
  out += ' ';
  pyjson::append_uint(out, std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(out, "0 -1 -9223372036854775808 9223372036854775807 0 18446744073709551615");
}

// ---------------------------------------------------------------------------------------------
// append_float
// ---------------------------------------------------------------------------------------------

TEST(PythonJsonFloat, Positional) {
  EXPECT_EQ(flt(0.0), "0.0");
  EXPECT_EQ(flt(-0.0), "-0.0");
  EXPECT_EQ(flt(1.0), "1.0");
  EXPECT_EQ(flt(-2.5), "-2.5");
  EXPECT_EQ(flt(0.1), "0.1");
  EXPECT_EQ(flt(1.0 / 3), "0.3333333333333333");
  EXPECT_EQ(flt(100.0), "100.0");
  EXPECT_EQ(flt(0.0001), "0.0001");
  EXPECT_EQ(flt(0.00015), "0.00015");
  EXPECT_EQ(flt(1e-4 * 1.5), "0.00015000000000000001");
  EXPECT_EQ(flt(123456789012345.0), "123456789012345.0");
  EXPECT_EQ(flt(1e15), "1000000000000000.0");
  EXPECT_EQ(flt(9999999999999998.0), "9999999999999998.0");
  EXPECT_EQ(flt(29.97), "29.97");
}

TEST(PythonJsonFloat, Scientific) {
  EXPECT_EQ(flt(1e16), "1e+16");
  EXPECT_EQ(flt(1.5e16), "1.5e+16");
  EXPECT_EQ(flt(-1e16), "-1e+16");
  EXPECT_EQ(flt(1e-5), "1e-05");
  EXPECT_EQ(flt(9.99e-5), "9.99e-05");
  EXPECT_EQ(flt(-2.5e-7), "-2.5e-07");
  EXPECT_EQ(flt(1e22), "1e+22");
  EXPECT_EQ(flt(1e100), "1e+100");
  EXPECT_EQ(flt(5e-324), "5e-324");
  EXPECT_EQ(flt(std::numeric_limits<double>::max()), "1.7976931348623157e+308");
  EXPECT_EQ(flt(std::numeric_limits<double>::min()), "2.2250738585072014e-308");
}

TEST(PythonJsonFloat, NonFinite) {
  EXPECT_EQ(flt(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(flt(-std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(flt(std::numeric_limits<double>::infinity()), "Infinity");
  EXPECT_EQ(flt(-std::numeric_limits<double>::infinity()), "-Infinity");
}

// ---------------------------------------------------------------------------------------------
// IndentWriter
// ---------------------------------------------------------------------------------------------

// Writes {"a": [], "b": {}, "c": [1, {"d": null, "e": true}], "f": [[]], "g": "\u00e9",
//         "h": 2.5, "i": -3, "j": 4}
void write_sample(pyjson::IndentWriter& w) {
  w.begin_object();
  w.key("a");
  w.begin_list();
  w.end_list();
  w.key("b");
  w.begin_object();
  w.end_object();
  w.key("c");
  w.begin_list();
  w.value_int(1);
  w.begin_object();
  w.key("d");
  w.value_null();
  w.key("e");
  w.value_bool(true);
  w.end_object();
  w.end_list();
  w.key("f");
  w.begin_list();
  w.begin_list();
  w.end_list();
  w.end_list();
  w.key("g");
  w.value_string("\xc3\xa9");
  w.key("h");
  w.value_float(2.5);
  w.key("i");
  w.value_rounded_int(-2.5);
  w.key("j");
  w.value_uint(4);
  w.end_object();
}

TEST(PythonJsonIndentWriter, NestedStructure) {
  std::string out;
  pyjson::IndentWriter w(out);
  write_sample(w);
  EXPECT_EQ(w.depth(), 0);
  EXPECT_EQ(out, R"({
    "a": [],
    "b": {},
    "c": [
        1,
        {
            "d": null,
            "e": true
        }
    ],
    "f": [
        []
    ],
    "g": "\u00e9",
    "h": 2.5,
    "i": -2,
    "j": 4
})");
}

TEST(PythonJsonIndentWriter, TopLevelValues) {
  const auto write = [](auto&& body) {
    std::string out;
    pyjson::IndentWriter w(out);
    body(w);
    return out;
  };
  EXPECT_EQ(write([](auto& w) {
              w.begin_list();
              w.end_list();
            }),
            "[]");
  EXPECT_EQ(write([](auto& w) {
              w.begin_object();
              w.end_object();
            }),
            "{}");
  EXPECT_EQ(write([](auto& w) { w.value_int(5); }), "5");
  EXPECT_EQ(write([](auto& w) { w.value_string("x"); }), R"("x")");
  EXPECT_EQ(write([](auto& w) { w.value_bool(false); }), "false");
  EXPECT_EQ(write([](auto& w) { w.value_float(1e16); }), "1e+16");
  EXPECT_EQ(write([](auto& w) {
              w.begin_list();
              w.value_raw("[1, 2]");
              w.value_null();
              w.end_list();
            }),
            "[\n    [1, 2],\n    null\n]");
}

TEST(PythonJsonIndentWriter, DeepNestingBeyondPrecomputedIndent) {
  constexpr int kDepth = 40;
  std::string out;
  pyjson::IndentWriter w(out);
  for (int i = 0; i < kDepth; ++i)
    w.begin_list();
  w.value_int(7);
  for (int i = 0; i < kDepth; ++i)
    w.end_list();
  std::string expected;
  for (int i = 0; i < kDepth; ++i)
    expected += "[\n" + std::string(4 * (i + 1), ' ');
  expected += "7";
  for (int i = kDepth - 1; i >= 0; --i)
    expected += "\n" + std::string(4 * i, ' ') + "]";
  EXPECT_EQ(out, expected);
}

TEST(PythonJsonIndentWriter, FailedRoundedIntLeavesNoTrace) {
  std::string out;
  pyjson::IndentWriter w(out);
  w.begin_list();
  w.value_int(1);
  EXPECT_THROW(w.value_rounded_int(std::numeric_limits<double>::infinity()), std::domain_error);
  w.value_int(2);
  w.end_list();
  EXPECT_EQ(out, "[\n    1,\n    2\n]");
}

// ---------------------------------------------------------------------------------------------
// Differential tests against CPython
// ---------------------------------------------------------------------------------------------

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(bytes.size() * 2);
  for (const char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    hex += kDigits[c >> 4];
    hex += kDigits[c & 0xf];
  }
  return hex;
}

std::string from_hex(std::string_view hex) {
  std::string bytes;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    bytes += static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16));
  }
  return bytes;
}

std::string double_bits_hex(double v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx",
                static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(v)));
  return buf;
}

// Each input line is "<op> <hex>"; Python answers each with the hex of its output's UTF-8, one
// line per input, so that multi-line and non-ASCII results survive the trip unchanged.
constexpr const char* kOracleScript = R"PY(
import json, struct, sys

def as_double(h):
    return struct.unpack(">d", bytes.fromhex(h))[0]

ops = {
    "string": lambda h: json.dumps(bytes.fromhex(h).decode("utf-8", "replace")),
    "round": lambda h: str(int(round(as_double(h)))),
    "float": lambda h: json.dumps(as_double(h)),
    "reindent": lambda h: json.dumps(json.loads(bytes.fromhex(h).decode("utf-8")), indent=4),
}
with open(sys.argv[1]) as inputs, open(sys.argv[2], "w") as outputs:
    for line in inputs:
        op, _, h = line.rstrip("\n").partition(" ")
        outputs.write(ops[op](h).encode("utf-8").hex() + "\n")
)PY";

struct Case {
  std::string op;
  std::string input_bytes;  // raw input; written to Python as hex
  std::string ours;         // what xport produced
  std::string label;        // for failure messages
};

class PythonOracle : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::exists(kPython)) GTEST_SKIP() << kPython << " not found; skipping";
  }

  // Runs all cases through Python and compares; reports at most a few mismatches in detail.
  static void check(const std::vector<Case>& cases) {
    const auto dir = std::filesystem::temp_directory_path();
    const std::string stem = "xport_pyjson_" + std::to_string(::getpid()) + "_" +
                             ::testing::UnitTest::GetInstance()->current_test_info()->name();
    const auto script = dir / (stem + ".py");
    const auto input = dir / (stem + ".in");
    const auto output = dir / (stem + ".out");
    std::ofstream(script) << kOracleScript;
    {
      std::ofstream in(input);
      for (const Case& c : cases)
        in << c.op << ' ' << to_hex(c.input_bytes) << '\n';
    }
    const std::string command =
        std::string(kPython) + " " + script.string() + " " + input.string() + " " + output.string();
    const int status = std::system(command.c_str());
    ASSERT_EQ(status, 0) << command;

    std::ifstream out(output);
    std::string line;
    std::size_t index = 0;
    std::size_t mismatches = 0;
    while (std::getline(out, line)) {
      ASSERT_LT(index, cases.size());
      const std::string expected = from_hex(line);
      const Case& c = cases[index++];
      if (expected != c.ours && ++mismatches <= 10) {
        ADD_FAILURE() << c.op << " " << c.label << "\n  python: " << expected
                      << "\n  xport:  " << c.ours;
      }
    }
    EXPECT_EQ(index, cases.size()) << "python answered fewer lines than asked";
    EXPECT_EQ(mismatches, 0U) << "of " << cases.size() << " cases";
    std::filesystem::remove(script);
    std::filesystem::remove(input);
    std::filesystem::remove(output);
  }
};

// strtod, unlike std::stod, accepts subnormal results such as 1e-320.
double parse(const std::string& text) {
  return std::strtod(text.c_str(), nullptr);
}

// Doubles that stress both rounding and repr: random bit patterns (all exponents, subnormals),
// exact halves and their neighbours, powers of two and ten, short decimals, signed zeros.
std::vector<double> interesting_doubles(std::mt19937_64& rng) {
  std::vector<double> values = {0.0,
                                -0.0,
                                0.5,
                                -0.5,
                                1.5,
                                2.5,
                                2.675,
                                0.49999999999999994,
                                1e16,
                                1e-5,
                                1e22,
                                1e23,
                                0x1p63,
                                0x1p64,
                                5e-324,
                                std::numeric_limits<double>::min(),
                                std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::infinity(),
                                -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  for (int e = -1074; e <= 1023; e += 7)
    values.push_back(std::ldexp(1.0, e));
  for (int e = -323; e <= 308; e += 3)
    values.push_back(parse("1e" + std::to_string(e)));
  for (int e = -6; e <= 18; ++e) {
    values.push_back(parse("1.5e" + std::to_string(e)));
    values.push_back(-parse("1e" + std::to_string(e)));
  }
  std::uniform_int_distribution<std::uint64_t> bits;
  for (int i = 0; i < 1500; ++i)
    values.push_back(std::bit_cast<double>(bits(rng)));
  for (int shift = 0; shift < 52; ++shift) {  // k < 2^52, so k + 0.5 is exact
    for (int i = 0; i < 10; ++i) {
      const auto k = static_cast<double>(bits(rng) >> (12 + shift));
      const double half = (i % 2 == 0 ? k : -k) + 0.5;
      values.push_back(half);
      values.push_back(std::nextafter(half, 0.0));
      values.push_back(std::nextafter(half, HUGE_VAL));
    }
  }
  std::uniform_real_distribution<double> uniform(-1e6, 1e6);
  std::uniform_int_distribution<int> digits(1, 17);
  std::uniform_int_distribution<int> exponent(-30, 30);
  for (int i = 0; i < 500; ++i) {
    values.push_back(uniform(rng));
    // Short decimals such as 0.0123 or 4.5e+20 whose repr must print exactly those digits.
    std::string text = std::to_string(bits(rng) % 1000000000);
    text.resize(static_cast<std::size_t>(digits(rng)) % text.size() + 1);
    values.push_back(parse(text + "e" + std::to_string(exponent(rng))));
  }
  return values;
}

TEST_F(PythonOracle, AppendFloatMatchesRepr) {
  std::mt19937_64 rng(12345);
  std::vector<Case> cases;
  for (const double v : interesting_doubles(rng)) {
    const std::string bits = double_bits_hex(v);
    cases.push_back({"float", from_hex(bits), flt(v), bits});
  }
  check(cases);
}

TEST_F(PythonOracle, AppendRoundedIntMatchesStrIntRound) {
  std::mt19937_64 rng(678);
  std::vector<Case> cases;
  for (const double v : interesting_doubles(rng)) {
    if (!std::isfinite(v)) continue;
    const std::string bits = double_bits_hex(v);
    cases.push_back({"round", from_hex(bits), rounded(v), bits});
  }
  check(cases);
}

TEST_F(PythonOracle, AppendStringMatchesJsonDumps) {
  std::mt19937_64 rng(91011);
  // Code points chosen to hit every branch: escapes, DEL, each UTF-8 length boundary,
  // the BMP edge, surrogate-pair outputs, CJK, plus random valid scalars.
  const std::vector<char32_t> special = {
      0x00,   0x01,    0x08,    0x09,    0x0a,     0x0c,   0x0d,  0x1f,  '"',
      '\\',   '/',     0x7e,    0x7f,    0x80,     0xff,   0x7ff, 0x800, 0xfffd,
      0xffff, 0x10000, 0x1f697, 0x1f600, 0x10ffff, 0xd7ff, 0xe000};
  std::uniform_int_distribution<int> pick(0, 9);
  std::uniform_int_distribution<std::size_t> special_index(0, special.size() - 1);
  std::uniform_int_distribution<int> printable(0x20, 0x7e);
  std::uniform_int_distribution<char32_t> cjk(0x4e00, 0x9fff);
  std::uniform_int_distribution<char32_t> any(0x80, 0x10ffff);
  std::uniform_int_distribution<std::size_t> length(0, 80);
  std::uniform_int_distribution<int> raw_byte(0, 255);

  std::vector<Case> cases;
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const std::size_t n = length(rng);
    for (std::size_t j = 0; j < n; ++j) {
      const int kind = pick(rng);
      if (kind < 5) {
        s += static_cast<char>(printable(rng));
      } else if (kind < 7) {
        s += utf8(special[special_index(rng)]);
      } else if (kind < 8) {
        s += utf8(cjk(rng));
      } else {
        char32_t cp = any(rng);
        if (cp >= 0xd800 && cp <= 0xdfff) cp -= 0x800;  // surrogates are not scalar values
        s += utf8(cp);
      }
    }
    cases.push_back({"string", s, str(s), to_hex(s)});
  }
  // Arbitrary bytes: checks the documented replacement of ill-formed UTF-8 against Python's
  // decode("utf-8", "replace").
  for (int i = 0; i < 1000; ++i) {
    std::string s;
    const std::size_t n = length(rng) / 4;
    for (std::size_t j = 0; j < n; ++j)
      s += static_cast<char>(raw_byte(rng));
    cases.push_back({"string", s, str(s), to_hex(s)});
  }
  check(cases);
}

// Random trees written with IndentWriter must survive json.loads + json.dumps(indent=4)
// unchanged, which pins down separators, indentation and value formatting at once.
class TreeWriter {
 public:
  explicit TreeWriter(std::mt19937_64& rng) : rng_(rng) {}

  void value(pyjson::IndentWriter& w, int depth) {
    const int kind = std::uniform_int_distribution<int>(0, depth >= 5 ? 6 : 9)(rng_);
    switch (kind) {
      case 0:
        w.value_null();
        break;
      case 1:
        w.value_bool(coin());
        break;
      case 2:
        w.value_int(static_cast<std::int64_t>(rng_()));
        break;
      case 3:
        w.value_float(random_double());
        break;
      case 4:
        w.value_rounded_int(finite_double());
        break;
      case 5:
        w.value_string(random_string());
        break;
      case 6:
        w.value_uint(rng_());
        break;
      case 7:
      case 8: {
        w.begin_list();
        const int n = size();
        for (int i = 0; i < n; ++i)
          value(w, depth + 1);
        w.end_list();
        break;
      }
      default: {
        w.begin_object();
        const int n = size();
        for (int i = 0; i < n; ++i) {
          w.key("k" + std::to_string(i) + random_string());  // unique keys
          value(w, depth + 1);
        }
        w.end_object();
      }
    }
  }

 private:
  bool coin() { return (rng_() & 1U) != 0; }
  int size() { return std::uniform_int_distribution<int>(0, 4)(rng_); }
  double random_double() { return std::bit_cast<double>(rng_()); }
  double finite_double() {
    double v = random_double();
    while (!std::isfinite(v))
      v = random_double();
    return coin() ? v : std::ldexp(v, -std::ilogb(v) + 10);  // often a modest magnitude
  }
  std::string random_string() {
    static const std::vector<std::string> pieces = {
        "a", "Z ",  "\"", "\\", "\n", "\t", "\x7f", "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x9a\x97",
        "/", "\x01"};
    std::string s;
    const int n = std::uniform_int_distribution<int>(0, 5)(rng_);
    for (int i = 0; i < n; ++i)
      s += pieces[rng_() % pieces.size()];
    return s;
  }

  std::mt19937_64& rng_;
};

TEST_F(PythonOracle, IndentWriterMatchesJsonDumpsIndent4) {
  std::mt19937_64 rng(1314);
  std::vector<Case> cases;
  {
    std::string out;
    pyjson::IndentWriter w(out);
    write_sample(w);
    cases.push_back({"reindent", out, out, "sample"});
  }
  TreeWriter trees(rng);
  for (int i = 0; i < 300; ++i) {
    std::string out;
    pyjson::IndentWriter w(out);
    trees.value(w, 0);
    cases.push_back({"reindent", out, out, "tree " + std::to_string(i)});
  }
  check(cases);
}

}  // namespace
