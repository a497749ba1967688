// Percent-decoding and query strings (net/url.hpp), as the hub's router and REST routes see them.
#include <gtest/gtest.h>

#include "net/url.hpp"

namespace xport::net {
namespace {

using Params = std::multimap<std::string, std::string>;

TEST(PercentDecode, DecodesEscapesInEitherCase) {
  EXPECT_EQ(percent_decode("a%20b%2Fc%2fd", false), "a b/c/d");
  EXPECT_EQ(percent_decode("", false), "");
  EXPECT_EQ(percent_decode("%41%62", false), "Ab");
  EXPECT_EQ(percent_decode("100%25", false), "100%");
  EXPECT_EQ(percent_decode("%C3%A9t%C3%A9", false), "\xC3\xA9t\xC3\xA9");  // UTF-8 bytes
  EXPECT_EQ(percent_decode("\xC3\xA9", false), "\xC3\xA9");                // raw UTF-8 kept
}

TEST(PercentDecode, PlusIsASpaceOnlyInQueries) {
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
  EXPECT_EQ(percent_decode("a+b", true), "a b");
  EXPECT_EQ(percent_decode("a%2Bb", true), "a+b");
}

TEST(PercentDecode, RefusesMalformedEscapesAndNul) {
  EXPECT_EQ(percent_decode("%", false), std::nullopt);
  EXPECT_EQ(percent_decode("a%4", false), std::nullopt);
  EXPECT_EQ(percent_decode("%zz", false), std::nullopt);
  EXPECT_EQ(percent_decode("%4g", true), std::nullopt);
  EXPECT_EQ(percent_decode("%%41", false), std::nullopt);
  EXPECT_EQ(percent_decode("a%00b", false), std::nullopt);
}

TEST(ParseQuery, SplitsAndDecodes) {
  EXPECT_EQ(parse_query(""), Params{});
  EXPECT_EQ(parse_query("a=1&b=x+y&c"), (Params{{"a", "1"}, {"b", "x y"}, {"c", ""}}));
  EXPECT_EQ(parse_query("q=a%26b%3Dc"), (Params{{"q", "a&b=c"}}));
  EXPECT_EQ(parse_query("k=v=w"), (Params{{"k", "v=w"}}));
  EXPECT_EQ(parse_query("na+me=1"), (Params{{"na me", "1"}}));
}

TEST(ParseQuery, EmptyPartsAndEmptyKeys) {
  EXPECT_EQ(parse_query("&&a=1&&"), (Params{{"a", "1"}}));
  EXPECT_EQ(parse_query("=v"), (Params{{"", "v"}}));
  EXPECT_EQ(parse_query("="), (Params{{"", ""}}));
}

TEST(ParseQuery, KeepsRepeatedNamesInOrder) {
  auto q = parse_query("t=1&u=0&t=2&t=3");
  ASSERT_TRUE(q);
  auto [first, last] = q->equal_range("t");
  std::vector<std::string> values;
  for (auto it = first; it != last; ++it)
    values.push_back(it->second);
  EXPECT_EQ(values, (std::vector<std::string>{"1", "2", "3"}));
}

TEST(ParseQuery, AcceptsWhatClientsSendUnencoded) {
  // Raw JSON, quotes and UTF-8: not RFC 3986, but what SDKs send and the hub accepts.
  EXPECT_EQ(parse_query("filter={\"stage\":\"a b\"}&n=\xC3\xA9"),
            (Params{{"filter", "{\"stage\":\"a b\"}"}, {"n", "\xC3\xA9"}}));
}

TEST(ParseQuery, RefusesAnyMalformedEscape) {
  EXPECT_EQ(parse_query("a=1&b=%zz"), std::nullopt);
  EXPECT_EQ(parse_query("%=1"), std::nullopt);
  EXPECT_EQ(parse_query("a=%00"), std::nullopt);
}

}  // namespace
}  // namespace xport::net
