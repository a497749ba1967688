// The voc format through xport::convert() on hand-written exports: the pixel convention,
// clamping and truncation, missing sizes, XML escaping of hostile text, image sets, class
// lists, and that everything dropped or changed is reported.
#include <gtest/gtest.h>

#include "formats/yolo/dataset_test_support.hpp"
#include "xport/errors.hpp"

namespace xport::test {
namespace {

Output voc(std::string_view input, std::string_view config = "{}", unsigned threads = 2) {
  return convert_to("voc", input, config, threads);
}

// The text of the first <tag>...</tag> of each object, in order.
std::vector<std::string> values(const std::string& xml, const std::string& tag) {
  std::vector<std::string> out;
  std::string open = "<" + tag + ">", close = "</" + tag + ">";
  for (std::size_t at = xml.find(open); at != std::string::npos; at = xml.find(open, at + 1)) {
    std::size_t begin = at + open.size();
    out.push_back(xml.substr(begin, xml.find(close, begin) - begin));
  }
  return out;
}

std::vector<std::string> bndbox(const std::string& xml, std::size_t i = 0) {
  return {values(xml, "xmin").at(i), values(xml, "ymin").at(i), values(xml, "xmax").at(i),
          values(xml, "ymax").at(i)};
}

TEST(VocConvert, WritesTheDevkitsOneBasedPixelIndices) {
  auto out = voc(asset("a.jpg", box("car", 10.5, 20, 30, 40.25)));
  EXPECT_EQ(out.at("Annotations/a.xml"),
            "<annotation>\n"
            "\t<folder>JPEGImages</folder>\n"
            "\t<filename>a.jpg</filename>\n"
            "\t<size>\n\t\t<width>200</width>\n\t\t<height>100</height>\n\t\t<depth>3</depth>\n"
            "\t</size>\n"
            "\t<segmented>0</segmented>\n"
            "\t<object>\n"
            "\t\t<name>car</name>\n"
            "\t\t<pose>Unspecified</pose>\n"
            "\t\t<truncated>0</truncated>\n"
            "\t\t<difficult>0</difficult>\n"
            "\t\t<bndbox>\n"
            "\t\t\t<xmin>11</xmin>\n\t\t\t<ymin>21</ymin>\n"
            "\t\t\t<xmax>41</xmax>\n\t\t\t<ymax>61</ymax>\n"
            "\t\t</bndbox>\n"
            "\t</object>\n"
            "</annotation>\n");
  EXPECT_EQ(out.at("ImageSets/Main/trainval.txt"), "a\n");
  EXPECT_EQ(out.at("classes.txt"), "car\n");
  EXPECT_EQ(out.at("images.txt"), "JPEGImages/a.jpg\thttps://x/a.jpg\n");
  EXPECT_EQ(out.objects(), 1u);
  // Whole pixels stay whole: [10, 30) covers 0-based pixels 10..29, 1-based 11..30.
  out = voc(asset("a.jpg", box("car", 10, 0, 20, 100)));
  EXPECT_EQ(bndbox(out.at("Annotations/a.xml")),
            (std::vector<std::string>{"11", "1", "30", "100"}));
}

TEST(VocConvert, ZeroBasedOptionKeepsAafCoordinates) {
  auto out = voc(asset("a.jpg", box("car", 10.5, 20, 30, 40.25)), R"({"one_based":false})");
  EXPECT_EQ(bndbox(out.at("Annotations/a.xml")),
            (std::vector<std::string>{"10.5", "20", "40.5", "60.25"}));
}

TEST(VocConvert, BoxesAreClampedToTheImageAndMarkedTruncated) {
  std::string tools = box("car", -5, 90, 50, 30) + "," + box("car", 300, 10, 20, 20) + "," +
                      box("car", 150, 50, -30, -20) + "," + box("car", 5, 5, 10, 0);
  auto out = voc(asset("a.jpg", tools));
  const auto& xml = out.at("Annotations/a.xml");
  EXPECT_EQ(values(xml, "truncated"), (std::vector<std::string>{"1", "0"}));
  EXPECT_EQ(bndbox(xml, 0), (std::vector<std::string>{"1", "91", "45", "100"}));
  EXPECT_EQ(bndbox(xml, 1), (std::vector<std::string>{"121", "31", "150", "50"}));
  EXPECT_EQ(out.note("altered", "truncated = 1"), 1u);
  EXPECT_EQ(out.note("dropped", "outside the image"), 1u);
  EXPECT_EQ(out.note("dropped", "zero width or height"), 1u);
  EXPECT_EQ(out.objects(), 2u);
}

TEST(VocConvert, ThinBoxesStillCoverOnePixelInsideTheImage) {
  auto out = voc(asset("a.jpg", box("car", 199.9999999, 10, 1e-8, 5)));
  EXPECT_EQ(bndbox(out.at("Annotations/a.xml")),
            (std::vector<std::string>{"200", "11", "200", "15"}));
}

TEST(VocConvert, AssetsWithoutImageSizeKeepTheirBoxesAndAreReported) {
  auto out =
      voc(asset("a.jpg", box("car", 500, 20, 30, 40) + "," + box("car", -3, 2, 10, 10), "{}"));
  const auto& xml = out.at("Annotations/a.xml");
  EXPECT_EQ(values(xml, "width"), std::vector<std::string>{"0"});
  EXPECT_EQ(values(xml, "height"), std::vector<std::string>{"0"});
  EXPECT_EQ(bndbox(xml, 0), (std::vector<std::string>{"501", "21", "530", "60"}));
  EXPECT_EQ(bndbox(xml, 1), (std::vector<std::string>{"1", "3", "7", "12"}));
  EXPECT_EQ(values(xml, "truncated"), (std::vector<std::string>{"0", "1"}));
  EXPECT_EQ(out.note("altered", "no image size"), 1u);
  for (const auto& [name, content] : out.entries) {
    EXPECT_EQ(content.find("nan"), std::string::npos) << name;
    EXPECT_EQ(content.find("inf"), std::string::npos) << name;
  }
}

TEST(VocConvert, EscapesEveryTextAndReplacesForbiddenCharacters) {
  std::string input =
      asset(R"(a&b <c>\u0002.jpg)", box(R"(x<y>&\"z\"'w\u0001)", 1, 1, 5, 5) + "," +
                                        box("emoji \xF0\x9F\x9A\x97 tab\\t", 1, 1, 5, 5));
  auto out = voc(input);
  ASSERT_EQ(out.under("Annotations/").size(), 1u);
  const auto& xml = out.at(out.under("Annotations/")[0]);
  EXPECT_EQ(values(xml, "filename"), std::vector<std::string>{"a&amp;b &lt;c&gt;\xEF\xBF\xBD.jpg"});
  EXPECT_EQ(values(xml, "name"),
            (std::vector<std::string>{"x&lt;y&gt;&amp;&quot;z&quot;&apos;w\xEF\xBF\xBD",
                                      "emoji \xF0\x9F\x9A\x97 tab\t"}));
  EXPECT_EQ(out.note("altered", "XML 1.0 forbids"), 1u);  // one asset, 2 characters
  // classes.txt holds the names as they are (one per line).
  EXPECT_EQ(out.at("classes.txt"), "x<y>&\"z\"'w\x01\nemoji \xF0\x9F\x9A\x97 tab\t\n");
}

TEST(VocConvert, CollidingExternalIdsGetUniqueFilesAndKeepTheirFilename) {
  std::string input =
      asset("a/b.jpg", box("c", 1, 1, 5, 5)) + asset("a/b.jpg", "") + asset("a_b.jpg", "");
  auto out = voc(input);
  EXPECT_EQ(out.under("Annotations/"),
            (std::vector<std::string>{"Annotations/a_b.xml", "Annotations/a_b_2.xml",
                                      "Annotations/a_b_3.xml"}));
  EXPECT_EQ(values(out.at("Annotations/a_b_2.xml"), "filename"),
            std::vector<std::string>{"a/b.jpg"});
  EXPECT_EQ(out.at("ImageSets/Main/trainval.txt"), "a_b\na_b_2\na_b_3\n");
  EXPECT_EQ(lines(out.at("images.txt"))[1], "JPEGImages/a_b_2.jpg\thttps://x/a/b.jpg");
}

TEST(VocConvert, ImageSetsFollowTheSplit) {
  std::string input;
  for (int i = 0; i < 300; ++i)
    input += asset("img" + std::to_string(i) + ".jpg", box("c", 1, 1, 5, 5));
  auto out = voc(input, R"({"split":{"train":0.5,"val":0.5}})");
  auto train = lines(out.at("ImageSets/Main/train.txt"));
  auto val = lines(out.at("ImageSets/Main/val.txt"));
  auto trainval = lines(out.at("ImageSets/Main/trainval.txt"));
  EXPECT_EQ(train.size() + val.size(), 300u);
  EXPECT_GT(train.size(), 100u);
  EXPECT_GT(val.size(), 100u);
  EXPECT_EQ(trainval.size(), 300u);
  EXPECT_EQ(trainval.front(), "img0");
  EXPECT_EQ(trainval.back(), "img299");
  // A declared split gets its list even when empty; test + train: no trainval.
  out = voc(input, R"({"split":{"train":1,"test":0}})");
  EXPECT_EQ(out.at("ImageSets/Main/test.txt"), "");
  EXPECT_EQ(lines(out.at("ImageSets/Main/train.txt")).size(), 300u);
  EXPECT_FALSE(out.has("ImageSets/Main/trainval.txt"));
}

TEST(VocConvert, ShapesBecomeBoxesOnlyWhenAsked) {
  std::string tools =
      R"({"title":"p","polygon":[[20,10],[60,10],[40,50]]},)"
      R"({"title":"r","rotated-bounding-box":{"x":20,"y":20,"width":40,"height":20,"rotation":90}},)"
      R"({"title":"l","polyline":[[0,0],[10,10]]})";
  auto out = voc(asset("a.jpg", tools));
  EXPECT_EQ(values(out.at("Annotations/a.xml"), "name").size(), 0u);
  EXPECT_EQ(out.note("dropped", "not a box"), 2u);
  EXPECT_EQ(out.note("dropped", "polyline: not representable in Pascal VOC"), 1u);
  out = voc(asset("a.jpg", tools), R"({"boxes_from_polygons":true})");
  const auto& xml = out.at("Annotations/a.xml");
  EXPECT_EQ(values(xml, "name"), (std::vector<std::string>{"p", "r"}));
  EXPECT_EQ(bndbox(xml, 0), (std::vector<std::string>{"21", "11", "60", "50"}));
  // 90 degrees about (20, 20): [0, 20) x [20, 60), whatever the rounding noise of cos(90).
  EXPECT_EQ(bndbox(xml, 1), (std::vector<std::string>{"1", "21", "20", "60"}));
  EXPECT_EQ(out.note("altered", "written as its bounding box"), 2u);
}

TEST(VocConvert, ClassListFollowsConfiguration) {
  std::string input = asset("a.jpg", box("zeta", 1, 1, 5, 5) + "," + box("alpha", 1, 1, 5, 5)) +
                      asset("b.jpg", box("mid", 1, 1, 5, 5) + "," + box("zeta", 1, 1, 5, 5));
  EXPECT_EQ(voc(input).at("classes.txt"), "zeta\nalpha\nmid\n");
  EXPECT_EQ(voc(input, R"({"sort_classes":true})").at("classes.txt"), "alpha\nmid\nzeta\n");
  auto out = voc(input, R"({"classes":["mid","zeta","other"]})");
  EXPECT_EQ(out.at("classes.txt"), "mid\nzeta\nother\n");
  EXPECT_EQ(out.note("dropped", "class not in the configured"), 1u);
  EXPECT_EQ(values(out.at("Annotations/a.xml"), "name"), std::vector<std::string>{"zeta"});
}

TEST(VocConvert, EmptyImagesAndNonImages) {
  std::string input = asset("empty.jpg", "") + asset("clip.mp4", box("c", 1, 1, 5, 5));
  auto out = voc(input);
  EXPECT_EQ(values(out.at("Annotations/empty.xml"), "object").size(), 0u);
  EXPECT_EQ(out.at("Annotations/empty.xml").find("<object>"), std::string::npos);
  EXPECT_FALSE(out.has("Annotations/clip.xml"));
  EXPECT_EQ(out.note("dropped", "not a single image"), 1u);
  out = voc(input, R"({"skip_empty":true})");
  EXPECT_TRUE(out.under("Annotations/").empty());
  EXPECT_EQ(out.at("ImageSets/Main/trainval.txt"), "");
  EXPECT_EQ(out.note("ignored", "skip_empty"), 1u);
}

TEST(VocConvert, BadConfigurationsAreRejected) {
  for (const char* config : {R"({"one_based":"yes"})", R"({"split":{"a b":1}})",
                             R"({"classes":["a","a"]})", R"({"task":"detect"})"})
    EXPECT_THROW(voc(asset("a.jpg", ""), config), ConfigError) << config;
}

}  // namespace
}  // namespace xport::test
