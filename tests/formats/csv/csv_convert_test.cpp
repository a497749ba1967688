// The csv and tsv formats through xport::convert() on hand-written exports: columns,
// quoting and escaping of user text, geometry JSON, flattened classifications, per-asset
// rows, and that everything left out is reported.
#include <gtest/gtest.h>

#include <algorithm>

#include "formats/csv/table_test_support.hpp"
#include "xport/errors.hpp"

namespace xport::test {
namespace {

const std::vector<std::string> kObjectHeader = {
    "asset", "externalId", "assetId",      "taskId",   "line",           "page",
    "class", "objectId",   "geometryType", "geometry", "classifications"};

// A title/answer/externalId with everything that breaks naive writers.
const std::string kNasty = "a,b \"q\"\nline\ttab\\ é 🚀";
const std::string kNastyJson = R"("a,b \"q\"\nline\ttab\\ é 🚀")";

std::string nested_classification() {
  return R"({"tool":"radio","title":"Vehicle","answer":"Car","classifications":[)"
         R"({"tool":"checkbox","title":"Damage","answer":["Dent","Scratch"],"classifications":[]}]},)"
         R"({"tool":"text","title":"Note","answer":"ok"})";
}

TEST(CsvConvert, OneRowPerObjectWithGeometryAndClassifications) {
  std::string tools =
      R"({"objectId":"o1","title":"Car","bounding-box":{"x":1.5,"y":2,"width":3,"height":4},)"
      R"("classifications":[)" +
      nested_classification() + R"(]},)" +
      R"({"objectId":"o2","title":"P","polygon":[[0,0],[10,0],[5,5]],"page":3},)"
      R"({"objectId":"o3","title":"Pt","point":[7,8.25]},)"
      R"({"objectId":"o4","title":"N","ner":{"start":2,"end":9,"selection":"x"}})";
  auto out = convert_table("csv", asset_line(R"("img.jpg")", tools));
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[0], kObjectHeader);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"https://x/a.jpg", "img.jpg", "A1", "T1", "1", "",
                                               "Car", "o1", "bounding-box",
                                               R"({"x":1.5,"y":2,"width":3,"height":4})",
                                               "Vehicle=Car/Damage=Dent|Scratch; Note=ok"}));
  EXPECT_EQ(rows[2][5], "3");
  EXPECT_EQ(rows[2][9], "[[0,0],[10,0],[5,5]]");
  EXPECT_EQ(rows[3][9], "[7,8.25]");
  EXPECT_EQ(rows[4][8], "ner");
  EXPECT_EQ(rows[4][9], R"({"start":2,"end":9})");
  EXPECT_EQ(out.count("objects"), 4u);
  EXPECT_EQ(out.count("assets"), 1u);
  // RFC 4180 line ends.
  EXPECT_NE(out.at("proj.csv").find("classifications\r\n"), std::string::npos);
}

TEST(CsvConvert, RotatedBoxesSegmentationAndPdfAsJson) {
  std::string tools =
      R"({"title":"R","rotated-bounding-box":{"x":0,"y":0,"width":2,"height":4,"rotation":0}},)"
      R"({"title":"S","segmentation":{"zones":[{"region":[[0,0],[4,0],[4,4]],"holes":[[[1,1],[2,1],[2,2]]]}]}},)"
      R"({"title":"D","pdf":{"position":{"boundingRect":{"x1":1,"y1":2,"x2":3,"y2":4,"width":612,"height":792},"rects":[],"pageNumber":2},"content":{"text":"t"}}})";
  auto out = convert_table("csv", asset_line(R"("x")", tools));
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(
      rows[1][9],
      R"({"x":0,"y":0,"width":2,"height":4,"rotation":0,"corners":[[0,0],[0,4],[2,4],[2,0]]})");
  EXPECT_EQ(rows[2][9], R"([{"region":[[0,0],[4,0],[4,4]],"holes":[[[1,1],[2,1],[2,2]]]}])");
  EXPECT_EQ(rows[3][9], R"({"page":2,"x1":1,"y1":2,"x2":3,"y2":4,"width":612,"height":792})");
}

TEST(CsvConvert, RareToolsPassThroughAndUnknownToolsKeepTheirRow) {
  std::string tools = R"({"title":"s","spline":{"points":[[1,2],[3,4]]}},)"
                      R"({"title":"b","brush":{"strokes":[]}})";
  auto out = convert_table("csv", asset_line(R"("a")", tools));
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][8], "spline");
  EXPECT_EQ(rows[1][9], R"({"points":[[1,2],[3,4]]})");
  EXPECT_EQ(rows[2][8], "unknown");
  EXPECT_EQ(rows[2][9], "");
  EXPECT_EQ(out.note("altered", "no known geometry"), 1u);
  EXPECT_EQ(out.count("objects"), 2u);
}

TEST(CsvConvert, UserTextRoundTripsThroughQuoting) {
  std::string tools = R"({"objectId":"o","title":)" + kNastyJson +
                      R"(,"point":[1,2],"classifications":[{"tool":"text","title":)" + kNastyJson +
                      R"(,"answer":)" + kNastyJson + "}]}";
  auto out = convert_table("csv", asset_line(kNastyJson, tools));
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 2u);
  ASSERT_EQ(rows[1].size(), kObjectHeader.size());
  EXPECT_EQ(rows[1][1], kNasty);
  EXPECT_EQ(rows[1][6], kNasty);
  EXPECT_EQ(rows[1][10], kNasty + "=" + kNasty);

  out = convert_table("tsv", asset_line(kNastyJson, tools));
  const std::string& tsv = out.at("proj.tsv");
  rows = parse_tsv(tsv);
  ASSERT_EQ(rows.size(), 2u);  // the newline in the text did not split the row
  ASSERT_EQ(rows[1].size(), kObjectHeader.size());
  EXPECT_EQ(rows[0], kObjectHeader);
  EXPECT_EQ(rows[1][1], kNasty);
  EXPECT_EQ(rows[1][6], kNasty);
  EXPECT_EQ(std::count(tsv.begin(), tsv.end(), '\r'), 0);
}

TEST(CsvConvert, InvalidObjectsAreDroppedWithTheirProblem) {
  std::string tools = R"({"title":"bad","bounding-box":{"x":"nope","y":0,"width":1,"height":1}},)"
                      R"({"title":"good","point":[1,2]})";
  auto out = convert_table("csv", asset_line(R"("a")", tools));
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][6], "good");
  EXPECT_EQ(out.note("dropped", "invalid object"), 1u);
  EXPECT_NE(out.detail("invalid object").find("task.tools[0]"), std::string::npos)
      << out.detail("invalid object");
  EXPECT_EQ(out.count("objects"), 1u);
}

TEST(CsvConvert, AssetsWithoutObjectsAreReportedOrGetAnEmptyRow) {
  std::string input = asset_line(R"("empty")", "") + asset_line(R"("one")", R"({"point":[1,2]})");
  auto out = convert_table("csv", input);
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], "one");
  EXPECT_EQ(rows[1][6], "");  // no title: empty class
  EXPECT_EQ(out.note("ignored", "asset without objects"), 1u);

  out = convert_table("csv", input, R"({"empty_rows":true})");
  rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1], (std::vector<std::string>{"https://x/a.jpg", "empty", "A1", "T1", "1", "", "",
                                               "", "", "", ""}));
  EXPECT_EQ(out.note("ignored", "asset without objects"), 0u);
}

TEST(CsvConvert, OneRowPerAssetWithTaskClassifications) {
  std::string tools = R"({"title":"Car","point":[1,2]},{"title":"Dog","point":[1,2]},)"
                      R"({"title":"Car","point":[3,4]})";
  std::string input = asset_line(R"("a")", tools, nested_classification()) +
                      asset_line(R"("b")", "") + "{\"asset\":\"u\"}\n";
  auto out = convert_table("tsv", input, R"({"one_row_per_asset":true})");
  Rows rows = parse_tsv(out.at("proj.tsv"));
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<std::string>{"asset", "externalId", "assetId", "taskId", "line",
                                               "objects", "classes", "classifications"}));
  EXPECT_EQ(rows[1],
            (std::vector<std::string>{"https://x/a.jpg", "a", "A1", "T1", "1", "3", "Car|Dog",
                                      "Vehicle=Car/Damage=Dent|Scratch; Note=ok"}));
  EXPECT_EQ(rows[2][5], "0");
  // Missing fields are empty cells.
  EXPECT_EQ(rows[3], (std::vector<std::string>{"u", "", "", "", "3", "0", "", ""}));
  EXPECT_EQ(out.count("assets"), 3u);
  EXPECT_EQ(out.note("ignored", "asset without objects"), 0u);
}

TEST(CsvConvert, ClassificationsColumnCanBeLeftOut) {
  auto out = convert_table("csv", asset_line(R"("a")", R"({"point":[1,2]})"),
                           R"({"include_classifications":false})");
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0].size(), kObjectHeader.size() - 1);
  EXPECT_EQ(rows[1].size(), kObjectHeader.size() - 1);
  EXPECT_THROW(convert_table("csv", "", R"({"empty_rows":"yes"})"), ConfigError);
}

TEST(CsvConvert, ManyAssetsKeepInputOrderAcrossChunks) {
  std::string input;
  for (int i = 0; i < 3000; ++i)
    input += asset_line("\"" + std::to_string(i) + "\"", R"({"point":[1,2]},{"point":[3,4]})");
  auto out = convert_table("csv", input, "{}", 4);
  Rows rows = parse_csv(out.at("proj.csv"));
  ASSERT_EQ(rows.size(), 6001u);
  for (int i = 0; i < 3000; ++i)
    ASSERT_EQ(rows[1 + 2 * i][1], std::to_string(i));
  EXPECT_EQ(out.count("objects"), 6000u);
}

}  // namespace
}  // namespace xport::test
