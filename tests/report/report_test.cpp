// Report (xport::report, below the formats): counts, notes with examples, merging in input
// order, and its JSON. Links xport::report and the reader (for assets to point at) only.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "xport/aaf/reader.hpp"
#include "xport/io.hpp"
#include "xport/report.hpp"

namespace xport {
namespace {

// Calls fn(asset) for every asset of `ndjson`.
template <class Fn>
void each_asset(std::string_view ndjson, Fn&& fn) {
  aaf::Reader reader(std::make_unique<MemorySource>(ndjson));
  while (const aaf::Asset* a = reader.next())
    fn(*a);
}

constexpr std::string_view kTwoAssets =
    "{\"asset\":\"a\",\"externalId\":\"e1\"}\n{\"asset\":\"b\",\"externalId\":\"e2\"}\n";

TEST(Report, CountsNotesAndMergesInOrder) {
  Report first, second;
  each_asset(kTwoAssets, [&](const aaf::Asset& a) {
    Report& r = a.url() == "a" ? first : second;
    r.count_asset();
    r.count_object("Car", aaf::ObjectKind::bounding_box);
    r.note(Report::Action::dropped, "object: no geometry", a, "tools[0]");
    if (a.url() == "b") r.note(Report::Action::altered, "asset: renamed", a);
  });
  first.count_object("Bus", aaf::ObjectKind::polygon);
  Report total;
  total.merge(first);
  total.merge(second);
  EXPECT_EQ(total.assets(), 2u);
  EXPECT_EQ(total.objects(), 3u);
  EXPECT_EQ(total.count(Report::Action::dropped), 2u);
  EXPECT_EQ(total.count(Report::Action::altered), 1u);
  EXPECT_EQ(total.count(Report::Action::ignored), 0u);

  boost::json::object json = total.to_json();
  EXPECT_EQ(json.at("objects_per_class"), boost::json::parse(R"({"Bus":1,"Car":2})"));
  EXPECT_EQ(json.at("objects_per_kind"), boost::json::parse(R"({"bounding-box":2,"polygon":1})"));
  const boost::json::array& notes = json.at("notes").as_array();
  ASSERT_EQ(notes.size(), 2u);
  bool saw_dropped = false;
  for (const auto& n : notes) {
    if (n.at("action") != "dropped") continue;
    saw_dropped = true;
    EXPECT_EQ(n.at("reason"), "object: no geometry");
    EXPECT_EQ(n.at("count"), 2);
    const auto& examples = n.at("examples").as_array();
    ASSERT_EQ(examples.size(), 2u);
    EXPECT_EQ(examples[0].at("externalId"), "e1");  // input order
    EXPECT_EQ(examples[1].at("externalId"), "e2");
    EXPECT_EQ(examples[1].at("line"), 2);
    EXPECT_EQ(examples[1].at("detail"), "tools[0]");
  }
  EXPECT_TRUE(saw_dropped);
  std::vector<std::string> lines = total.summary_lines();
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_NE(std::find(lines.begin(), lines.end(),
                      "dropped 2: object: no geometry (e.g. line 1, asset 1 \"e1\": tools[0])"),
            lines.end())
      << lines[0] << " | " << lines[1];
}

TEST(Report, ExamplesAreCappedButEveryNoteIsCounted) {
  std::string many;
  for (int i = 0; i < 12; ++i)
    many += "{\"asset\":\"u" + std::to_string(i) + "\"}\n";
  Report r;
  each_asset(many, [&](const aaf::Asset& a) { r.note(Report::Action::ignored, "why", a); });
  EXPECT_EQ(r.count(Report::Action::ignored), 12u);
  const boost::json::object json = r.to_json();
  const auto& note = json.at("notes").as_array().at(0);
  EXPECT_EQ(note.at("count"), 12);
  EXPECT_EQ(note.at("examples").as_array().size(), Report::kExamplesPerReason);
  r.clear();
  EXPECT_EQ(r.count(Report::Action::ignored), 0u);
  EXPECT_TRUE(r.to_json().at("notes").as_array().empty());
}

}  // namespace
}  // namespace xport
