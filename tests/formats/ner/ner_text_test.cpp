// The ner format's text helpers: UTF-8 validation, Python-compatible whitespace tokens, and
// UTF-16 / code point offsets on accented, CJK and non-BMP (emoji) text.
#include <gtest/gtest.h>

#include "formats/ner/ner_text.hpp"
#include "formats/ner/text_source.hpp"

namespace xport::formats::ner {
namespace {

std::vector<std::string> words(std::string_view text) {
  std::vector<std::string> out;
  for (const Token& t : tokenize(text))
    out.emplace_back(text.substr(t.begin, t.end - t.begin));
  return out;
}

TEST(NerText, Utf8Validation) {
  EXPECT_TRUE(valid_utf8("plain é 漢字 🚀"));
  EXPECT_FALSE(valid_utf8("\xC3"));              // truncated
  EXPECT_FALSE(valid_utf8("\xC0\xAF"));          // overlong
  EXPECT_FALSE(valid_utf8("\xED\xA0\x80"));      // encoded surrogate
  EXPECT_FALSE(valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(valid_utf8("a\xFF"));
}

TEST(NerText, TokensSplitWherePythonSplits) {
  // NBSP, ideographic space, U+2028 and the information separators split (as str.split());
  // the zero-width space and BOM do not.
  EXPECT_EQ(words("  a\tb\n\nc\xC2\xA0"
                  "d\xE3\x80\x80"
                  "e\x1F"
                  "f\xE2\x80\xA8g"),
            (std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g"}));
  EXPECT_EQ(words("x\xE2\x80\x8By\xEF\xBB\xBFz"),
            (std::vector<std::string>{"x\xE2\x80\x8By\xEF\xBB\xBFz"}));
  EXPECT_TRUE(words(" \n\t ").empty());
  auto tokens = tokenize("a b\r\nc");
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_FALSE(tokens[1].line_before);
  EXPECT_TRUE(tokens[2].line_before);
}

TEST(NerText, Utf16OffsetsCountSurrogatePairs) {
  const std::string text = "é 🚀 Lisboa";  // é: 2 bytes; 🚀: 4 bytes, 2 UTF-16 units
  OffsetMap utf16(text, Unit::utf16);
  EXPECT_EQ(utf16.length(), 11u);
  EXPECT_EQ(utf16.byte(2), 3u);  // the rocket
  EXPECT_FALSE(utf16.byte(3));   // between its surrogates
  EXPECT_EQ(utf16.byte(5), 8u);  // "Lisboa"
  EXPECT_EQ(utf16.byte(11), text.size());
  EXPECT_FALSE(utf16.byte(12));
  EXPECT_EQ(utf16.codepoint(8), 4u);  // Python: text.index("Lisboa") == 4

  OffsetMap cps(text, Unit::codepoints);
  EXPECT_EQ(cps.length(), 10u);
  EXPECT_EQ(cps.byte(4), 8u);
  EXPECT_EQ(cps.byte(3), 7u);
}

TEST(NerText, JsonStringsAndLabels) {
  std::string out;
  append_json_string(out, "a\"b\\c\nd\x01 é\xE2\x80\xA8");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\u0001 é\\u2028\"");
  std::string label;
  EXPECT_TRUE(
      conll_label("New York\xC2\xA0"
                  "City",
                  label));
  EXPECT_EQ(label, "New_York_City");
  EXPECT_FALSE(conll_label("PER", label));
  EXPECT_EQ(label, "PER");
}

TEST(NerText, SafeFileNames) {
  EXPECT_TRUE(safe_file_name("review_17.txt"));
  EXPECT_TRUE(safe_file_name("..hidden"));
  EXPECT_FALSE(safe_file_name(""));
  EXPECT_FALSE(safe_file_name(".."));
  EXPECT_FALSE(safe_file_name("a/b"));
  EXPECT_FALSE(safe_file_name("a\\b"));
  EXPECT_FALSE(safe_file_name(std::string_view("a\0b", 3)));
}

}  // namespace
}  // namespace xport::formats::ner
