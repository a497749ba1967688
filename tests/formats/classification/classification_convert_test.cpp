// The classification format through xport::convert(): one column per question in
// first-appearance order (rows written before a column appeared are padded), nested and
// list answers, user text, and labels.txt with everything left out reported.
#include <gtest/gtest.h>

#include "formats/csv/table_test_support.hpp"

namespace xport::test {
namespace {

std::string radio(std::string_view title_json, std::string_view answer_json,
                  std::string_view children = "") {
  return std::string(R"({"tool":"radio","title":)") + std::string(title_json) + R"(,"answer":)" +
         std::string(answer_json) + R"(,"classifications":[)" + std::string(children) + "]}";
}

TEST(ClassificationConvert, OneColumnPerQuestionInFirstAppearanceOrder) {
  std::string input =
      asset_line(R"("a.jpg")", "", radio(R"("Weather")", R"("Sunny")")) +
      asset_line(R"("b.jpg")", "",
                 radio(R"("Scene")", R"("Urban")",
                       R"({"tool":"checkbox","title":"Users","answer":["Car","Bike"]})") +
                     "," + radio(R"("Weather")", R"("Rain")")) +
      asset_line(R"("c.jpg")", "", "");
  auto out = convert_table("classification", input);
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"asset", "externalId", "assetId", "line", "Weather",
                                               "Scene", "Scene/Users"}));
  // Row 1 was written when only "Weather" was known: padded to the header's width.
  EXPECT_EQ(rows[1],
            (std::vector<std::string>{"https://x/a.jpg", "a.jpg", "A1", "1", "Sunny", "", ""}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"https://x/a.jpg", "b.jpg", "A1", "2", "Rain",
                                               "Urban", "Car|Bike"}));
  EXPECT_EQ(rows[3], (std::vector<std::string>{"https://x/a.jpg", "c.jpg", "A1", "3", "", "", ""}));
  EXPECT_FALSE(out.has("labels.txt"));
  EXPECT_EQ(out.note("ignored", "option \"question\" not set"), 3u);
  EXPECT_EQ(out.count("assets"), 3u);
}

TEST(ClassificationConvert, UserTextRoundTrips) {
  const std::string nasty = "a,b \"q\"\nline\ttab\\ é 🚀";
  const std::string nasty_json = R"("a,b \"q\"\nline\ttab\\ é 🚀")";
  auto out =
      convert_table("classification", asset_line(nasty_json, "", radio(nasty_json, nasty_json)),
                    R"({"question":)" + nasty_json + "}");
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0][4], nasty);
  EXPECT_EQ(rows[1][1], nasty);
  EXPECT_EQ(rows[1][4], nasty);
  Rows labels = parse_tsv(out.at("labels.txt"));
  ASSERT_EQ(labels.size(), 1u);
  EXPECT_EQ(labels[0], (std::vector<std::string>{nasty, nasty}));
}

TEST(ClassificationConvert, LabelsForTheQuestionAndReportsTheRest) {
  std::string input =
      asset_line(R"("a.jpg")", "", radio(R"("Weather")", R"("Sunny")")) +
      asset_line(R"("b.jpg")", "", radio(R"("Other")", R"("x")")) +
      asset_line(R"("c.jpg")", "",
                 R"({"tool":"checkbox","title":"Weather","answer":["Sunny","Rain"]})") +
      asset_line(R"("d.jpg")", "", radio(R"("Weather")", R"("")")) +
      asset_line(R"("e.jpg")", "", radio(R"("Weather")", R"("Fog")"));
  auto out = convert_table("classification", input, R"({"question":"Weather"})");
  EXPECT_EQ(out.at("labels.txt"), "a.jpg\tSunny\ne.jpg\tFog\n");
  EXPECT_EQ(out.note("ignored", "without an answer"), 2u);
  EXPECT_EQ(out.note("ignored", "list answer"), 1u);
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 6u);
  EXPECT_EQ(rows[3][4], "Sunny|Rain");
}

TEST(ClassificationConvert, RepeatedQuestionsAreJoinedAndReported) {
  // Video/multi-page assets answer a question per frame/page.
  std::string input = asset_line(
      R"("v.mp4")", "", radio(R"("Light")", R"("Day")") + "," + radio(R"("Light")", R"("Night")"));
  auto out = convert_table("classification", input);
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].size(), 5u);
  EXPECT_EQ(rows[1][4], "Day|Night");
  EXPECT_EQ(out.note("altered", "answered more than once"), 1u);
}

TEST(ClassificationConvert, ManyAssetsAcrossChunksStayRectangular) {
  std::string input;
  for (int i = 0; i < 3000; ++i)
    input +=
        asset_line("\"" + std::to_string(i) + "\"", "",
                   radio("\"Q" + std::to_string(i % 7) + "\"", "\"v" + std::to_string(i) + "\""));
  auto out = convert_table("classification", input, "{}", 4);
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 3001u);
  ASSERT_EQ(rows[0].size(), 11u);
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(rows[1 + i].size(), 11u);
    ASSERT_EQ(rows[1 + i][1], std::to_string(i));
    ASSERT_EQ(rows[1 + i][4 + i % 7], "v" + std::to_string(i));
  }
}

}  // namespace
}  // namespace xport::test
