// RawJson: the opaque handle to the parts of an asset the reader did not decode.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xport/aaf/raw_json.hpp"
#include "xport/aaf/reader.hpp"
#include "xport/io.hpp"

namespace xport::aaf {
namespace {

// Reads one asset from `text` and calls `fn` with its raw().
template <class Fn>
void with_raw(std::string_view text, Fn&& fn) {
  Reader reader(std::make_unique<MemorySource>(text));
  const Asset* asset = reader.next();
  ASSERT_NE(asset, nullptr);
  fn(asset->raw());
}

constexpr std::string_view kAsset =
    R"({"asset":"u","n":-7,"big":18446744073709551615,"pi":3.5,"yes":true,"no":false,)"
    R"("nothing":null,"list":[1,"two",[3],{"four":4}],"obj":{"b":1,"a":2},"esc":"a\"b\u00e9"})";

TEST(RawJson, TypesOfEveryKindOfValue) {
  with_raw(kAsset, [](RawJson raw) {
    using T = RawJson::Type;
    EXPECT_EQ(raw.type(), T::object);
    EXPECT_EQ(raw["asset"].type(), T::string);
    EXPECT_EQ(raw["n"].type(), T::number);
    EXPECT_EQ(raw["big"].type(), T::number);
    EXPECT_EQ(raw["pi"].type(), T::number);
    EXPECT_EQ(raw["yes"].type(), T::boolean);
    EXPECT_EQ(raw["nothing"].type(), T::null);
    EXPECT_TRUE(raw["nothing"].is_null());
    EXPECT_TRUE(raw["nothing"].present());
    EXPECT_EQ(raw["list"].type(), T::array);
    EXPECT_EQ(raw["obj"].type(), T::object);
    EXPECT_EQ(raw["missing"].type(), T::absent);
    EXPECT_FALSE(raw["missing"]);
  });
}

TEST(RawJson, TypedGettersAnswerOnlyForTheirType) {
  with_raw(kAsset, [](RawJson raw) {
    EXPECT_EQ(raw["asset"].string(), std::optional<std::string_view>("u"));
    EXPECT_EQ(raw["esc"].string(), std::optional<std::string_view>("a\"b\xc3\xa9"));
    EXPECT_EQ(raw["n"].int64(), std::optional<std::int64_t>(-7));
    EXPECT_EQ(raw["n"].number(), std::optional<double>(-7.0));
    EXPECT_EQ(raw["pi"].number(), std::optional<double>(3.5));
    EXPECT_FALSE(raw["pi"].int64().has_value());
    EXPECT_FALSE(raw["big"].int64().has_value());  // past int64
    EXPECT_EQ(raw["big"].number(), std::optional<double>(18446744073709551615.0));
    EXPECT_EQ(raw["yes"].boolean(), std::optional<bool>(true));
    EXPECT_EQ(raw["no"].boolean(), std::optional<bool>(false));
    EXPECT_FALSE(raw["asset"].int64().has_value());
    EXPECT_FALSE(raw["n"].string().has_value());
    EXPECT_FALSE(raw["nothing"].boolean().has_value());
    EXPECT_FALSE(raw["nothing"].number().has_value());
    EXPECT_FALSE(raw["missing"].string().has_value());
    EXPECT_FALSE(raw["yes"].number().has_value());
  });
}

TEST(RawJson, LookupsThroughTheWrongTypeAreAbsentNotErrors) {
  with_raw(kAsset, [](RawJson raw) {
    EXPECT_FALSE(raw["asset"]["x"]);  // a string has no members
    EXPECT_FALSE(raw["obj"].at(0));   // an object has no elements
    EXPECT_FALSE(raw["list"]["0"]);   // an array has no members
    EXPECT_FALSE(raw["list"].at(4));  // past the end
    EXPECT_FALSE(raw["missing"]["deeper"].at(3)["still"]);
    EXPECT_EQ(raw["missing"].size(), 0u);
    EXPECT_EQ(raw["asset"].size(), 0u);
    EXPECT_EQ(raw["missing"].json(), "");
  });
}

TEST(RawJson, ArraysByIndexAndByIteration) {
  with_raw(kAsset, [](RawJson raw) {
    RawJson list = raw["list"];
    ASSERT_EQ(list.size(), 4u);
    EXPECT_EQ(list.at(1).string(), std::optional<std::string_view>("two"));
    EXPECT_EQ(list.at(2).at(0).int64(), std::optional<std::int64_t>(3));
    EXPECT_EQ(list.at(3)["four"].int64(), std::optional<std::int64_t>(4));
    std::vector<std::string> seen;
    for (RawJson e : list.elements())
      seen.push_back(e.json());
    EXPECT_EQ(seen, (std::vector<std::string>{"1", "\"two\"", "[3]", R"({"four":4})"}));
    // Not an array: nothing to iterate.
    std::size_t n = 0;
    for (RawJson e : raw["obj"].elements()) {
      (void)e;
      ++n;
    }
    for (RawJson e : raw["asset"].elements()) {
      (void)e;
      ++n;
    }
    EXPECT_EQ(n, 0u);
  });
}

TEST(RawJson, MembersInDocumentOrder) {
  with_raw(kAsset, [](RawJson raw) {
    std::vector<std::pair<std::string, std::string>> seen;
    for (const RawJson::Member& m : raw["obj"].members())
      seen.emplace_back(m.key, m.value.json());
    EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{{"b", "1"}, {"a", "2"}}));
    EXPECT_EQ(raw["obj"].size(), 2u);
    std::size_t n = 0;
    for (const RawJson::Member& m : raw.members()) {
      if (n == 0) {
        EXPECT_EQ(m.key, "asset");
      }
      ++n;
    }
    EXPECT_EQ(n, raw.size());
    EXPECT_EQ(n, 10u);
    for (const RawJson::Member& m : raw["list"].members())
      ADD_FAILURE() << "an array has no members, got " << m.key;
  });
}

TEST(RawJson, JsonIsCompactText) {
  with_raw(R"({"asset":"u", "x" : [ 1 , {"y" : "z"} ] })", [](RawJson raw) {
    EXPECT_EQ(raw["x"].json(), R"([1,{"y":"z"}])");
    EXPECT_EQ(raw.json(), R"({"asset":"u","x":[1,{"y":"z"}]})");
  });
}

TEST(RawJson, DefaultIsAbsent) {
  RawJson none;
  EXPECT_FALSE(none);
  EXPECT_EQ(none.type(), RawJson::Type::absent);
  EXPECT_FALSE(none["x"]);
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.members().begin(), none.members().end());
  EXPECT_EQ(none.elements().begin(), none.elements().end());
}

}  // namespace
}  // namespace xport::aaf
