// OptionList: what the declarations show (`xport formats`), how they parse (defaults,
// values, groups, finishers) and how they refuse (the messages users see); and
// ChunkedConversion, the typed per-chunk state.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "xport/errors.hpp"
#include "xport/format_options.hpp"
#include "xport/typed_format.hpp"

namespace xport {
namespace {

enum class Task { detect, segment, obb };

struct Shared {
  std::uint64_t seed = 99;
  std::optional<std::string> label;
  bool finished = false;
};

struct Demo {
  bool flag = true;
  std::int64_t count = -5;
  double ratio = -1;
  std::string name;
  std::optional<std::string> maybe;
  std::vector<std::string> list;
  std::vector<std::pair<std::string, double>> weights;
  Task task = Task::obb;
  std::optional<Task> other;
  std::string loose;
  Shared shared;
  int checked = 0;
};

const OptionList<Shared>& shared_options() {
  static const auto list = [] {
    OptionList<Shared> o;
    o.option(&Shared::seed, "seed", std::uint64_t{0}, "seed");
    o.option(&Shared::label, "label", std::optional<std::string>(), "label");
    o.finish([](Shared& s) { s.finished = true; });
    return o;
  }();
  return list;
}

const OptionList<Demo>& demo_options() {
  static const auto list = [] {
    OptionList<Demo> o("demo");
    o.option(&Demo::flag, "flag", false, "a flag");
    o.option(&Demo::count, "count", std::int64_t{1}, "a count");
    o.option(&Demo::ratio, "ratio", 0.5, "a ratio");
    o.option(&Demo::name, "name", std::string("x"), "a name");
    o.option(&Demo::maybe, "maybe", std::optional<std::string>(), "maybe a name");
    o.option(&Demo::list, "list", std::vector<std::string>{"a", "b"}, "names");
    o.option(&Demo::weights, "weights", std::vector<std::pair<std::string, double>>{}, "w");
    o.choice(&Demo::task, "task", Task::detect,
             options::Names<Task>{{"detect", Task::detect},
                                  {"segment", Task::segment},
                                  {"seg", Task::segment},
                                  {"obb", Task::obb}},
             "the task");
    o.choice(&Demo::other, "other", std::optional<Task>(),
             options::Names<Task>{{"detect", Task::detect}}, "another");
    o.any_value(&Demo::loose, "loose", std::string("-"), "anything",
                [](const boost::json::value& v) {
                  return v.is_string() ? std::string(v.as_string()) : std::string("-");
                });
    o.group(&Demo::shared, shared_options());
    o.finish([](Demo& d) {
      if (d.maybe && d.other) throw ConfigError("Config JSON: \"maybe\" and \"other\" clash");
      d.checked = 1;
    });
    return o;
  }();
  return list;
}

Demo parse(std::string_view text) {
  return demo_options().parse(boost::json::parse(text).as_object());
}

std::string error_of(std::string_view text) {
  try {
    parse(text);
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(FormatOptions, SpecsShowTypesAndDefaultsAsJson) {
  auto specs = demo_options().specs();
  std::vector<std::string> shown;
  for (const OptionSpec& s : specs)
    shown.push_back(s.name + " " + std::string(to_string(s.type)) + " " + s.default_json);
  EXPECT_EQ(shown, (std::vector<std::string>{
                       "flag boolean false", "count integer 1", "ratio number 0.5",
                       "name string \"x\"", "maybe string null", "list array [\"a\",\"b\"]",
                       "weights object {}", "task string \"detect\"", "other string null",
                       "loose any \"-\"", "seed integer 0", "label string null"}));
  EXPECT_EQ(specs[0].description, "a flag");
}

TEST(FormatOptions, AbsentOptionsTakeTheDeclaredDefaults) {
  Demo d = parse("{}");
  EXPECT_FALSE(d.flag);  // the declaration wins over the member's initialiser
  EXPECT_EQ(d.count, 1);
  EXPECT_EQ(d.ratio, 0.5);
  EXPECT_EQ(d.name, "x");
  EXPECT_FALSE(d.maybe);
  EXPECT_EQ(d.list, (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(d.weights.empty());
  EXPECT_EQ(d.task, Task::detect);
  EXPECT_FALSE(d.other);
  EXPECT_EQ(d.loose, "-");
  EXPECT_EQ(d.shared.seed, 0u);
  EXPECT_FALSE(d.shared.label);
  EXPECT_TRUE(d.shared.finished);
  EXPECT_EQ(d.checked, 1);
}

TEST(FormatOptions, GivenValuesLandInTheirMembers) {
  Demo d = parse(R"({"flag":true,"count":-3,"ratio":2,"name":"n","maybe":"m","list":[],
                     "weights":{"train":0.8,"val":1},"task":"seg","loose":7,"seed":-1,
                     "label":"l","format":"demo"})");
  EXPECT_TRUE(d.flag);
  EXPECT_EQ(d.count, -3);
  EXPECT_EQ(d.ratio, 2.0);  // an integer is a number
  EXPECT_EQ(d.name, "n");
  EXPECT_EQ(d.maybe, "m");
  EXPECT_TRUE(d.list.empty());
  ASSERT_EQ(d.weights.size(), 2u);
  EXPECT_EQ(d.weights[0], (std::pair<std::string, double>{"train", 0.8}));
  EXPECT_EQ(d.weights[1], (std::pair<std::string, double>{"val", 1.0}));
  EXPECT_EQ(d.task, Task::segment);  // an alias
  EXPECT_EQ(d.loose, "-");           // "any": the reader falls back
  EXPECT_EQ(d.shared.seed, UINT64_MAX);
  EXPECT_EQ(d.shared.label, "l");
  EXPECT_EQ(parse(R"({"other":"detect"})").other, Task::detect);
  EXPECT_EQ(parse(R"({"loose":"x"})").loose, "x");
}

TEST(FormatOptions, UnknownKeysAndWrongTypesKeepValidateConfigsMessages) {
  EXPECT_EQ(error_of(R"({"nope":1})"),
            "Config JSON: format 'demo' has no option \"nope\" (its options: flag, count, ratio, "
            "name, maybe, list, weights, task, other, loose, seed, label; see `xport formats "
            "demo`)");
  EXPECT_EQ(error_of(R"({"count":"3"})"),
            "Config JSON: option \"count\" of format 'demo' must be an integer, got string");
  EXPECT_EQ(error_of(R"({"count":1.5})"),
            "Config JSON: option \"count\" of format 'demo' must be an integer, got number");
  EXPECT_EQ(error_of(R"({"flag":null})"),
            "Config JSON: option \"flag\" of format 'demo' must be a boolean, got null");
  EXPECT_EQ(error_of(R"({"list":{}})"),
            "Config JSON: option \"list\" of format 'demo' must be an array, got object");
  EXPECT_EQ(error_of(R"({"weights":[]})"),
            "Config JSON: option \"weights\" of format 'demo' must be a object, got array");
  EXPECT_EQ(error_of(R"({"seed":true})"),
            "Config JSON: option \"seed\" of format 'demo' must be an integer, got boolean");
}

TEST(FormatOptions, EnumsRefuseOtherNamesListingTheAllowedOnes) {
  EXPECT_EQ(error_of(R"({"task":"pose"})"),
            "Config JSON: \"task\" must be \"detect\", \"segment\" (or \"seg\") or \"obb\", got "
            "\"pose\"");
  EXPECT_EQ(error_of(R"({"other":"obb"})"),
            "Config JSON: \"other\" must be \"detect\", got \"obb\"");
  EXPECT_EQ(error_of(R"({"task":1})"),
            "Config JSON: option \"task\" of format 'demo' must be a string, got integer");
  OptionList<Demo> worded("w", options::Refusal{"Config JSON: w: ", "not"});
  worded.choice(&Demo::task, "task", Task::detect,
                options::Names<Task>{{"detect", Task::detect}, {"obb", Task::obb}}, "");
  try {
    worded.parse(boost::json::parse(R"({"task":"x"})").as_object());
    ADD_FAILURE() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_STREQ(e.what(), "Config JSON: w: \"task\" must be \"detect\" or \"obb\", not \"x\"");
  }
}

TEST(FormatOptions, ListAndObjectMembersAreChecked) {
  EXPECT_EQ(error_of(R"({"list":["a",2]})"),
            "Config JSON: option \"list\" must be a list of strings, got 2");
  EXPECT_EQ(error_of(R"({"weights":{"a":"x"}})"),
            "Config JSON: option \"weights\": \"a\" must be number, got \"x\"");
}

TEST(FormatOptions, FinishersCheckAcrossOptions) {
  EXPECT_EQ(error_of(R"({"maybe":"m","other":"detect"})"),
            "Config JSON: \"maybe\" and \"other\" clash");
}

TEST(FormatOptions, IntegersOutOfRangeAreRefused) {
  EXPECT_EQ(error_of(R"({"count":18446744073709551615})"),
            "Config JSON: option \"count\" is too large (at most 2^63-1), got "
            "18446744073709551615");
}

TEST(FormatOptions, NumbersShowAsShortJson) {
  EXPECT_EQ(options::json_number(0), "0");
  EXPECT_EQ(options::json_number(-2), "-2");
  EXPECT_EQ(options::json_number(0.1), "0.1");
  EXPECT_EQ(options::json_number(1e20), "1e+20");
  EXPECT_EQ(options::json_quote("a\"b"), "\"a\\\"b\"");
}

// ChunkedConversion -----------------------------------------------------------------------

struct Tally {
  std::vector<int> seen;
};

class TallyConversion final : public ChunkedConversion<Tally> {
 public:
  void consume_asset(const aaf::Asset&, Tally& chunk) override { chunk.seen.push_back(next_++); }
  void commit_chunk(Tally& chunk) override {
    committed.insert(committed.end(), chunk.seen.begin(), chunk.seen.end());
    chunk.seen.clear();
  }
  void finish() override {}
  std::vector<int> committed;

 private:
  int next_ = 0;
};

TEST(ChunkedConversion, HandsEachChunkItsOwnTypedState) {
  TallyConversion conversion;
  aaf::ParallelConsumer& consumer = conversion;
  auto a = consumer.make_state();
  auto b = consumer.make_state();
  ASSERT_NE(a.get(), b.get());
  const aaf::Asset asset(nullptr);  // the tally never reads it
  consumer.consume(asset, *a);
  consumer.consume(asset, *b);
  consumer.consume(asset, *a);
  consumer.commit(*b);
  consumer.commit(*a);
  EXPECT_EQ(conversion.committed, (std::vector<int>{1, 0, 2}));
  consumer.commit(*a);  // left empty for reuse
  EXPECT_EQ(conversion.committed.size(), 3u);
}

}  // namespace
}  // namespace xport
