// The cvat format through xport::convert() on hand-written exports: document structure,
// the rotated-box formula against exported corners, XML escaping of hostile text, nested
// classifications as attributes, tags, the options, and that nothing is dropped silently.
#include <gtest/gtest.h>

#include <cmath>
#include <numbers>

#include "formats/yolo/dataset_test_support.hpp"
#include "xport/errors.hpp"

namespace xport::test {
namespace {

Output cvat(std::string_view input, std::string_view config = "{}", unsigned threads = 2) {
  return convert_to("cvat", input, config, threads);
}

// A v3 asset with task-level classifications and relations (JSON text).
std::string tagged(std::string_view id, std::string_view tools, std::string_view classifications,
                   std::string_view relations = "") {
  return R"({"asset":"https://x/)" + std::string(id) + R"(","externalId":")" + std::string(id) +
         R"(","metadata":{"width":200,"height":100},"task":{"tools":[)" + std::string(tools) +
         R"(],"classifications":[)" + std::string(classifications) + R"(],"relations":[)" +
         std::string(relations) + "]}}\n";
}

// The value of attribute `name` in the first element starting with `open` at or after `from`.
double number(const std::string& xml, std::string_view open, std::string_view name,
              std::size_t from = 0) {
  std::size_t at = xml.find(open, from);
  if (at == std::string::npos) throw std::runtime_error("no " + std::string(open));
  std::string key = " " + std::string(name) + "=\"";
  std::size_t v = xml.find(key, at);
  if (v == std::string::npos || v > xml.find('>', at)) throw std::runtime_error("no " + key);
  return std::stod(xml.substr(v + key.size()));
}

TEST(CvatConvert, WritesMetaThenOneImagePerAsset) {
  std::string input = asset("a.jpg", box("car", 10.5, 20, 30, 40.25)) +
                      asset("b.jpg", R"({"title":"lane","polyline":[[1,2],[3,4.5]]},)"
                                     R"({"title":"pole","point":[7,8]},)"
                                     R"({"title":"roof","polygon":[[0,0],[10,0],[10,5]]})") +
                      asset("c.jpg", "", "{}");
  auto out = cvat(input);
  EXPECT_EQ(out.order, (std::vector<std::string>{"annotations.xml", "report.json"}));
  const std::string& xml = out.at("annotations.xml");
  EXPECT_TRUE(
      xml.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n"
                      "  <version>1.1</version>\n  <meta>\n"));
  EXPECT_LT(xml.find("</meta>"), xml.find("<image "));
  EXPECT_NE(xml.find("<size>3</size>"), std::string::npos);
  EXPECT_NE(xml.find("<image id=\"0\" name=\"a.jpg\" width=\"200\" height=\"100\">\n"
                     "    <box label=\"car\" source=\"manual\" occluded=\"0\" xtl=\"10.5\" "
                     "ytl=\"20\" xbr=\"40.5\" ybr=\"60.25\" z_order=\"0\">\n    </box>\n"
                     "  </image>\n"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<polyline label=\"lane\" source=\"manual\" occluded=\"0\" "
                     "points=\"1,2;3,4.5\" z_order=\"0\">"),
            std::string::npos);
  EXPECT_NE(xml.find("<points label=\"pole\" source=\"manual\" occluded=\"0\" points=\"7,8\""),
            std::string::npos);
  EXPECT_NE(xml.find("<polygon label=\"roof\" source=\"manual\" occluded=\"0\" "
                     "points=\"0,0;10,0;10,5\""),
            std::string::npos);
  // An asset without objects or size is still an image (width and height 0, reported).
  EXPECT_NE(xml.find("<image id=\"2\" name=\"c.jpg\" width=\"0\" height=\"0\">\n  </image>\n"),
            std::string::npos);
  EXPECT_EQ(out.note("altered", "no image size"), 1u);
  // Labels in order of first appearance.
  std::size_t car = xml.find("<name>car</name>"), lane = xml.find("<name>lane</name>"),
              roof = xml.find("<name>roof</name>");
  EXPECT_LT(car, lane);
  EXPECT_LT(lane, roof);
  EXPECT_TRUE(xml.ends_with("</annotations>\n"));
  EXPECT_EQ(out.objects(), 4u);
}

TEST(CvatConvert, RotatedBoxMatchesTheExportedCorners) {
  // The sample's rotated box: corners exported by the platform (rounded to 3 decimals).
  const double corners[4][2] = {{820, 610}, {880, 713.923}, {914.641, 693.923}, {854.641, 590}};
  auto out = cvat(asset(
      "a.jpg",
      R"({"title":"bike","rotated-bounding-box":{"x":820,"y":610,"width":40,"height":120,)"
      R"("rotation":-30,"corners":[[820,610],[880,713.923],[914.641,693.923],[854.641,590]]}})",
      R"({"width":1920,"height":1080})"));
  const std::string& xml = out.at("annotations.xml");
  double xtl = number(xml, "<box", "xtl"), ytl = number(xml, "<box", "ytl"),
         xbr = number(xml, "<box", "xbr"), ybr = number(xml, "<box", "ybr"),
         rotation = number(xml, "<box", "rotation");
  // Centre = mean of the corners, sides 40 x 120, -30 degrees = 330 clockwise.
  EXPECT_NEAR((xtl + xbr) / 2, 867.3205, 1e-3);
  EXPECT_NEAR((ytl + ybr) / 2, 651.9615, 1e-3);
  EXPECT_NEAR(xbr - xtl, 40, 1e-3);
  EXPECT_NEAR(ybr - ytl, 120, 1e-3);
  EXPECT_NEAR(rotation, 330, 1e-3);
  // Rotating the unrotated corners about the centre as CVAT does gives the exported ones
  // (top-left -> corners[0], bottom-left -> [1], bottom-right -> [2], top-right -> [3]).
  const double cx = (xtl + xbr) / 2, cy = (ytl + ybr) / 2, t = rotation * std::numbers::pi / 180;
  const double unrotated[4][2] = {{xtl, ytl}, {xtl, ybr}, {xbr, ybr}, {xbr, ytl}};
  for (int i = 0; i < 4; ++i) {
    double dx = unrotated[i][0] - cx, dy = unrotated[i][1] - cy;
    EXPECT_NEAR(cx + dx * std::cos(t) - dy * std::sin(t), corners[i][0], 2e-3) << i;
    EXPECT_NEAR(cy + dx * std::sin(t) + dy * std::cos(t), corners[i][1], 2e-3) << i;
  }
}

TEST(CvatConvert, RotatedBoxWithoutRotationHasNoRotationAttribute) {
  auto out = cvat(asset("a.jpg", R"({"title":"b","rotated-bounding-box":{"x":10,"y":20,)"
                                 R"("width":30,"height":40,"rotation":0}})"));
  const std::string& xml = out.at("annotations.xml");
  EXPECT_NE(xml.find("xtl=\"10\" ytl=\"20\" xbr=\"40\" ybr=\"60\" z_order"), std::string::npos)
      << xml;
}

TEST(CvatConvert, EscapesHostileTextAndReportsControlCharacters) {
  std::string input =
      tagged(R"(a&<\"'>.jpg)",
             R"({"title":"a<b>&\"c'\u0001","bounding-box":{"x":1,"y":1,"width":2,"height":2},)"
             R"("classifications":[{"tool":"text","title":"n&te","answer":"x<\u0002y"}]})",
             R"({"tool":"radio","title":"W\"x","answer":"<ok>"})");
  auto out = cvat(input);
  const std::string& xml = out.at("annotations.xml");
  EXPECT_NE(xml.find("name=\"a&amp;&lt;&quot;&apos;&gt;.jpg\""), std::string::npos) << xml;
  EXPECT_NE(xml.find("<box label=\"a&lt;b&gt;&amp;&quot;c&apos;\xEF\xBF\xBD\""), std::string::npos);
  EXPECT_NE(xml.find("<name>a&lt;b&gt;&amp;&quot;c&apos;\xEF\xBF\xBD</name>"), std::string::npos);
  EXPECT_NE(xml.find("<attribute name=\"n&amp;te\">x&lt;\xEF\xBF\xBDy</attribute>"),
            std::string::npos);
  EXPECT_NE(xml.find("<tag label=\"W&quot;x\" source=\"manual\">\n"
                     "      <attribute name=\"W&quot;x\">&lt;ok&gt;</attribute>"),
            std::string::npos);
  EXPECT_EQ(xml.find('\x01'), std::string::npos);
  EXPECT_EQ(xml.find('\x02'), std::string::npos);
  EXPECT_EQ(out.note("altered", "characters XML 1.0 forbids"), 1u);
  // The count of replaced characters is the note's detail (label, attribute value).
  auto notes = out.report.at("output").at("notes").as_array();
  bool found = false;
  for (const auto& n : notes)
    if (std::string_view(n.at("reason").as_string()).find("forbids") != std::string_view::npos)
      found = n.at("examples").as_array().at(0).at("detail").as_string() == "2";
  EXPECT_TRUE(found) << boost::json::serialize(notes);
}

TEST(CvatConvert, NestedClassificationsBecomeAttributesDeclaredInMeta) {
  std::string tools =
      R"({"title":"car","bounding-box":{"x":1,"y":1,"width":2,"height":2},"classifications":[)"
      R"({"tool":"radio","title":"Type","answer":"Sedan","classifications":[)"
      R"({"tool":"checkbox","title":"Damage","answer":["Dent","Scratch"],"classifications":[)"
      R"({"tool":"text","title":"Note","answer":"left door"}]}]},)"
      R"({"tool":"single-dropdown","title":"Color","answer":"Red"},)"
      R"({"tool":"radio","title":"Type","answer":"Again"}]},)"
      R"({"title":"car","bounding-box":{"x":5,"y":1,"width":2,"height":2},"classifications":[)"
      R"({"tool":"radio","title":"Type","answer":"SUV"}]})";
  auto out = cvat(asset("a.jpg", tools));
  const std::string& xml = out.at("annotations.xml");
  EXPECT_NE(xml.find("      <attribute name=\"Type\">Sedan</attribute>\n"
                     "      <attribute name=\"Damage\">Dent,Scratch</attribute>\n"
                     "      <attribute name=\"Note\">left door</attribute>\n"
                     "      <attribute name=\"Color\">Red</attribute>\n    </box>"),
            std::string::npos)
      << xml;
  EXPECT_EQ(out.note("dropped", "title repeated on one shape"), 1u);
  EXPECT_NE(xml.find("<name>Type</name>\n              <mutable>False</mutable>\n"
                     "              <input_type>radio</input_type>\n"
                     "              <default_value>Sedan</default_value>\n"
                     "              <values>Sedan\nSUV</values>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<name>Damage</name>\n              <mutable>False</mutable>\n"
                     "              <input_type>text</input_type>"),
            std::string::npos);
  EXPECT_NE(xml.find("<name>Color</name>\n              <mutable>False</mutable>\n"
                     "              <input_type>select</input_type>"),
            std::string::npos);
}

TEST(CvatConvert, TagsFromRadioClassificationsOnly) {
  std::string input = tagged("a.jpg", "",
                             R"({"tool":"radio","title":"Weather","answer":"Sunny"},)"
                             R"({"tool":"checkbox","title":"Users","answer":["Car"]})");
  auto out = cvat(input);
  const std::string& xml = out.at("annotations.xml");
  EXPECT_NE(xml.find("<tag label=\"Weather\" source=\"manual\">\n"
                     "      <attribute name=\"Weather\">Sunny</attribute>\n    </tag>"),
            std::string::npos)
      << xml;
  EXPECT_NE(xml.find("<name>Weather</name>"), std::string::npos);
  EXPECT_EQ(xml.find("Users"), std::string::npos);
  EXPECT_EQ(out.note("ignored", "not of radio type"), 1u);
  EXPECT_EQ(out.objects(), 0u);  // tags are not objects

  out = cvat(input, R"({"include_tags":false})");
  EXPECT_EQ(out.at("annotations.xml").find("<tag"), std::string::npos);
  EXPECT_EQ(out.note("ignored", "\"include_tags\": false"), 2u);
}

TEST(CvatConvert, LabelsOptionFixesOrderAndDropsOthers) {
  std::string input = tagged("a.jpg", box("car", 1, 1, 2, 2) + "," + box("dog", 1, 1, 2, 2),
                             R"({"tool":"radio","title":"Weather","answer":"Sunny"})");
  auto out = cvat(input, R"({"labels":["unused","car"]})");
  const std::string& xml = out.at("annotations.xml");
  EXPECT_LT(xml.find("<name>unused</name>"), xml.find("<name>car</name>"));
  EXPECT_EQ(xml.find("dog"), std::string::npos);
  EXPECT_EQ(xml.find("Weather"), std::string::npos);
  EXPECT_EQ(out.note("dropped", "not in the configured \"labels\""), 2u);
  EXPECT_THROW(cvat(input, R"({"labels":["a","a"]})"), ConfigError);
  EXPECT_THROW(cvat(input, R"({"labels":[1]})"), ConfigError);
  EXPECT_THROW(cvat(input, R"({"include_tags":"yes"})"), ConfigError);
}

TEST(CvatConvert, UnrepresentableObjectsAreReported) {
  std::string tools =
      R"({"title":"loc","ner":{"start":1,"end":3}},)"
      R"({"title":"v","pdf":{"position":{"boundingRect":{"x1":1,"y1":1,"x2":2,"y2":2,)"
      R"("width":9,"height":9},"rects":[],"pageNumber":1}}},)"
      R"({"title":"bad","polygon":"nope"},)"
      R"({"title":"thin","polygon":[[1,1],[2,2]]},)"
      R"({"title":"later","page":1,"bounding-box":{"x":1,"y":1,"width":2,"height":2}},)"
      R"({"bounding-box":{"x":1,"y":1,"width":2,"height":2}},)"
      R"({"title":"road","segmentation":{"zones":[{"region":[[0,0],[9,0],[9,9]],)"
      R"("holes":[[[1,1],[2,1],[2,2]]]},{"region":[[20,0],[29,0],[29,9]],"holes":[]}]}})";
  auto out = cvat(tagged("a.jpg", tools, "", R"({"title":"r","from":"a","to":"b"})"));
  const std::string& xml = out.at("annotations.xml");
  EXPECT_EQ(out.note("dropped", "ner: not representable"), 1u);
  EXPECT_EQ(out.note("dropped", "pdf: not representable"), 1u);
  EXPECT_EQ(out.note("dropped", "malformed geometry"), 1u);
  EXPECT_EQ(out.note("dropped", "fewer than 3 points"), 1u);
  EXPECT_EQ(out.note("dropped", "page or frame after the first"), 1u);
  EXPECT_EQ(out.note("dropped", "without a title"), 1u);
  EXPECT_EQ(out.note("altered", "holes dropped"), 1u);
  EXPECT_EQ(out.note("altered", "one <polygon> per zone"), 1u);
  EXPECT_EQ(out.note("ignored", "relations left out"), 1u);
  EXPECT_NE(xml.find("points=\"0,0;9,0;9,9\""), std::string::npos);
  EXPECT_NE(xml.find("points=\"20,0;29,0;29,9\""), std::string::npos);
  EXPECT_EQ(out.objects(), 1u);
}

TEST(CvatConvert, ImageIdsFollowInputOrderAcrossThreads) {
  // Padded to ~10 MB so that the reader splits the export into several chunks.
  const std::string pad = R"(,"pad":")" + std::string(800, 'p') + "\"";
  std::string input;
  for (int i = 0; i < 10000; ++i)
    input += asset("img" + std::to_string(i) + ".jpg", box(i % 2 ? "odd" : "even", 1, 1, 2, 2),
                   R"({"width":200,"height":100})", pad);
  auto out = cvat(input, "{}", 4);
  const std::string& xml = out.at("annotations.xml");
  std::size_t at = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string expected =
        "<image id=\"" + std::to_string(i) + "\" name=\"img" + std::to_string(i) + ".jpg\"";
    at = xml.find(expected, at);
    ASSERT_NE(at, std::string::npos) << i;
  }
  EXPECT_LT(xml.find("<name>even</name>"), xml.find("<name>odd</name>"));
  EXPECT_EQ(out.objects(), 10000u);
  EXPECT_NE(xml.find("<size>10000</size>"), std::string::npos);
}

}  // namespace
}  // namespace xport::test
