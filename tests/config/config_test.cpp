// parse_config (xport::config, below the formats): Config JSON text → object, and messages
// that say where the text breaks. Links xport::config alone, as the hub core does.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <string>

#include "xport/config.hpp"
#include "xport/errors.hpp"

namespace xport {
namespace {

std::string error_of(std::string_view text) {
  try {
    parse_config(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  ADD_FAILURE() << "accepted: " << text;
  return {};
}

TEST(ParseConfig, BlankTextIsAnEmptyObject) {
  EXPECT_TRUE(parse_config("").empty());
  EXPECT_TRUE(parse_config(" \t\r\n").empty());
}

TEST(ParseConfig, AnObjectIsReturnedAsParsed) {
  boost::json::object o = parse_config("\n {\"a\": [1, \"x\"], \"b\": {\"c\": null}}\n ");
  EXPECT_EQ(o, boost::json::parse(R"({"a":[1,"x"],"b":{"c":null}})").as_object());
}

TEST(ParseConfig, InvalidJsonNamesLineAndColumnWithACaret) {
  std::string e = error_of("{\n  \"a\": 1,\n  \"b\": tru\n}");
  EXPECT_EQ(e.rfind("Config JSON is invalid (", 0), 0u) << e;
  EXPECT_NE(e.find("line 3, column"), std::string::npos) << e;
  EXPECT_NE(e.find("\n      \"b\": tru\n"), std::string::npos) << e;
  EXPECT_NE(e.find('^'), std::string::npos) << e;
}

TEST(ParseConfig, IncompleteAndTrailingTextAreRefused) {
  std::string incomplete = error_of("{\"a\": [1, 2");
  EXPECT_EQ(incomplete.rfind("Config JSON is incomplete (", 0), 0u) << incomplete;
  EXPECT_NE(incomplete.find("line 1, column 12"), std::string::npos) << incomplete;
  std::string trailing = error_of("{\"a\": 1} x");
  EXPECT_EQ(
      trailing.rfind("Config JSON: unexpected text after the JSON value at line 1, column 10", 0),
      0u)
      << trailing;
}

TEST(ParseConfig, OnlyAnObjectIsAConfig) {
  EXPECT_EQ(error_of("[1]"), "Config JSON must be an object ({...}), got array");
  EXPECT_EQ(error_of("12"), "Config JSON must be an object ({...}), got integer");
  EXPECT_EQ(error_of("\"s\""), "Config JSON must be an object ({...}), got string");
}

TEST(JsonKind, NamesEveryType) {
  EXPECT_EQ(json_kind(boost::json::value(nullptr)), "null");
  EXPECT_EQ(json_kind(boost::json::value(true)), "boolean");
  EXPECT_EQ(json_kind(boost::json::value(-1)), "integer");
  EXPECT_EQ(json_kind(boost::json::value(1u)), "integer");
  EXPECT_EQ(json_kind(boost::json::value(1.5)), "number");
  EXPECT_EQ(json_kind(boost::json::value("s")), "string");
  EXPECT_EQ(json_kind(boost::json::value(boost::json::array{})), "array");
  EXPECT_EQ(json_kind(boost::json::value(boost::json::object{})), "object");
}

}  // namespace
}  // namespace xport
