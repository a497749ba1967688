// The escapers of formats/common/text.hpp and the file-name rules every format shares.
#include "formats/common/text.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace xport::text {
namespace {

std::string csv(std::string_view v, char delimiter = ',') {
  std::string out;
  append_csv_field(out, v, delimiter);
  return out;
}

TEST(CsvField, PlainValuesStayAsTheyAre) {
  EXPECT_EQ(csv(""), "");
  EXPECT_EQ(csv("cat"), "cat");
  EXPECT_EQ(csv("a;b"), "a;b");                  // not the delimiter
  EXPECT_EQ(csv("caf\xC3\xA9"), "caf\xC3\xA9");  // UTF-8 untouched
  EXPECT_EQ(csv("a\tb"), "a\tb");
}

TEST(CsvField, QuotesWhatWouldBreakTheRow) {
  EXPECT_EQ(csv("a,b"), "\"a,b\"");
  EXPECT_EQ(csv("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(csv("line\nbreak"), "\"line\nbreak\"");
  EXPECT_EQ(csv("cr\r"), "\"cr\r\"");
  EXPECT_EQ(csv(" lead"), "\" lead\"");
  EXPECT_EQ(csv("trail "), "\"trail \"");
  EXPECT_EQ(csv("a;b", ';'), "\"a;b\"");
  EXPECT_EQ(csv("a,b", ';'), "a,b");
}

TEST(TsvField, EscapesInsteadOfQuoting) {
  std::string out;
  append_tsv_field(out, "a\tb\nc\rd\\e\"f");
  EXPECT_EQ(out, "a\\tb\\nc\\rd\\\\e\"f");
}

TEST(XmlEscaped, EscapesMarkupAndReplacesForbiddenControls) {
  std::string out;
  EXPECT_EQ(append_xml_escaped(out, "<a href=\"x\">&'</a>"), 0u);
  EXPECT_EQ(out, "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;");
  out.clear();
  EXPECT_EQ(append_xml_escaped(out, std::string_view("a\x01"
                                                     "b\0c\td\ne\rf",
                                                     11)),
            2u);
  EXPECT_EQ(out,
            "a\xEF\xBF\xBD"
            "b\xEF\xBF\xBD"
            "c\td\ne\rf");
  out.clear();
  EXPECT_EQ(append_xml_escaped(out, "\xE2\x82\xAC \xF0\x9F\x9A\x97"), 0u);  // € 🚗 kept
  EXPECT_EQ(out, "\xE2\x82\xAC \xF0\x9F\x9A\x97");
}

TEST(YamlQuoted, RoundTripsEverything) {
  std::string out;
  append_yaml_quoted(out, "a\"b\\c\nd\re\tf\x01g\x7f\xC3\xA9");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\nd\\re\\tf\\x01g\\x7f\xC3\xA9\"");
}

TEST(JsonString, KeepsUtf8AndEscapesTheRest) {
  std::string out;
  append_json_string(out, "");
  EXPECT_EQ(out, "\"\"");
  out.clear();
  append_json_string(out, "q\"b\\n\nr\rt\t\x01\x1f\x7f");
  EXPECT_EQ(out, "\"q\\\"b\\\\n\\nr\\rt\\t\\u0001\\u001f\\u007f\"");
  out.clear();
  append_json_string(out, "\xC3\xA9\xE2\x80\xA8\xE2\x80\xA9\xE2\x80\xAA");  // é LS PS and U+202A
  EXPECT_EQ(out, "\"\xC3\xA9\\u2028\\u2029\xE2\x80\xAA\"");
}

TEST(SafeFileName, ReplacesReservedAndControlCharacters) {
  EXPECT_EQ(safe_file_name("a/b\\c:d*e?f\"g<h>i|j", 100, "_"), "a_b_c_d_e_f_g_h_i_j");
  EXPECT_EQ(safe_file_name(std::string_view("a\x01\x1f\x7f"
                                            "b\0",
                                            6),
                           100, "_"),
            "a___b_");
  EXPECT_EQ(safe_file_name("caf\xC3\xA9 \xF0\x9F\x9A\x97", 100, "_"),
            "caf\xC3\xA9 \xF0\x9F\x9A\x97");
  EXPECT_EQ(safe_file_name("", 100, "fallback"), "fallback");
  // Bytes that are not well-formed UTF-8 (overlong dots, a stray continuation byte, a lone
  // lead byte at the end, a surrogate) become '_': zip entry names must be valid UTF-8.
  EXPECT_EQ(safe_file_name("\xC0\xAE\xC0\xAE/x", 100, "_"), "_____x");
  EXPECT_EQ(safe_file_name("a\x80"
                           "b\xC3",
                           100, "_"),
            "a_b_");
  EXPECT_EQ(safe_file_name("\xED\xA0\x80", 100, "_"), "___");
}

TEST(SafeFileName, TrimsDotsAndSpacesOnlyWhenAsked) {
  EXPECT_EQ(safe_file_name("..", 100, "_"), "..");
  EXPECT_EQ(safe_file_name("..", 100, "asset", true), "asset");
  EXPECT_EQ(safe_file_name(" .a.b. ", 100, "asset", true), "a.b");
  EXPECT_EQ(safe_file_name("../x", 100, "asset", true), "_x");  // ".._x" after replacing
}

TEST(SafeFileName, CutsOnUtf8Boundaries) {
  EXPECT_EQ(safe_file_name("abcdef", 3, "_"), "abc");
  // "aé" is 3 bytes; a cut at 2 would split é: the whole character goes.
  EXPECT_EQ(safe_file_name("a\xC3\xA9", 2, "_"), "a");
  EXPECT_EQ(safe_file_name("\xF0\x9F\x9A\x97x", 3, "_"), "_");  // nothing whole: fallback
  EXPECT_EQ(safe_file_name("\xF0\x9F\x9A\x97x", 4, "_"), "\xF0\x9F\x9A\x97");
}

TEST(PlainFileName, KeepsOnlyAsciiLettersDigitsDashAndUnderscore) {
  EXPECT_EQ(plain_file_name("proj-1_A", 100, "export"), "proj-1_A");
  EXPECT_EQ(plain_file_name("a b/c.d\xC3\xA9", 100, "export"), "a_b_c_d__");
  EXPECT_EQ(plain_file_name("", 100, "export"), "export");
  EXPECT_EQ(plain_file_name("..", 100, "export"), "__");
  EXPECT_EQ(plain_file_name("abcdef", 4, ""), "abcd");
  EXPECT_EQ(plain_file_name("", 4, ""), "");
}

TEST(StemAllocator, DropsShortExtensionsOnly) {
  StemAllocator stems;
  EXPECT_EQ(stems.allocate("image.jpg"), "image");
  EXPECT_EQ(stems.allocate("scan.tiff2"), "scan");            // 5 characters: dropped
  EXPECT_EQ(stems.allocate("data.archive"), "data.archive");  // 7: kept
  EXPECT_EQ(stems.allocate(".hidden"), "hidden");  // no stem before the dot: leading dot trimmed
  EXPECT_EQ(stems.allocate("dir.v2/file"), "dir.v2_file");  // the dot is not in the last part
}

TEST(StemAllocator, MakesReservedNamesSafe) {
  StemAllocator stems;
  EXPECT_EQ(stems.allocate(".."), "asset");
  EXPECT_EQ(stems.allocate("../../etc/passwd"), "_.._etc_passwd");
  EXPECT_EQ(stems.allocate(""), "asset_2");
  EXPECT_EQ(stems.allocate("a\nb\x01"), "a_b_");
  EXPECT_EQ(stems.allocate("C:\\x\\y.png"), "C__x_y");
}

TEST(StemAllocator, NumbersDuplicatesAndSkipsTakenNumbers) {
  StemAllocator stems;
  EXPECT_EQ(stems.allocate("a/b.jpg"), "a_b");
  EXPECT_EQ(stems.allocate("a/b.png"), "a_b_2");
  EXPECT_EQ(stems.allocate("a_b_3.jpg"), "a_b_3");
  EXPECT_EQ(stems.allocate("a:b"), "a_b_4");  // _3 is taken by a real id
  EXPECT_EQ(stems.allocate("a_b_2"), "a_b_2_2");
}

TEST(StemAllocator, LongIdsAreCutAndStayUnique) {
  StemAllocator stems;
  const std::string long_id(300, 'x');
  const std::string first = stems.allocate(long_id);
  EXPECT_EQ(first, std::string(180, 'x'));
  EXPECT_EQ(stems.allocate(long_id + "y"), std::string(180, 'x') + "_2");
  std::string utf8;
  for (int i = 0; i < 100; ++i)
    utf8 += "\xC3\xA9";                          // 200 bytes
  EXPECT_EQ(stems.allocate(utf8).size(), 180u);  // 90 whole characters
  std::set<std::string> seen;
  StemAllocator many;
  for (int i = 0; i < 50; ++i)
    EXPECT_TRUE(seen.insert(many.allocate("same.jpg")).second);
}

}  // namespace
}  // namespace xport::text
