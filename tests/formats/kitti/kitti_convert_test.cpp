// The kitti format through xport::convert() on hand-written exports: the 15 fields, the
// truncation fraction, type tokens and class_map, missing sizes, file naming, and that
// everything dropped or changed is reported.
#include <gtest/gtest.h>

#include "formats/yolo/dataset_test_support.hpp"
#include "xport/errors.hpp"

namespace xport::test {
namespace {

Output kitti(std::string_view input, std::string_view config = "{}") {
  return convert_to("kitti", input, config);
}

TEST(KittiConvert, WritesFifteenFieldsAsTheDevkitDoes) {
  auto out = kitti(asset("street.jpg", box("Car", 412.5, 388, 236.25, 141.75),
                         R"({"width":1920,"height":1080})"));
  EXPECT_EQ(out.at("label_2/street.txt"),
            "Car 0.00 0 -10.00 412.50 388.00 648.75 529.75 0.00 0.00 0.00 0.00 0.00 0.00 0.00\n");
  EXPECT_EQ(out.at("images.txt"), "image_2/street.jpg\thttps://x/street.jpg\n");
  EXPECT_EQ(out.objects(), 1u);
  for (const auto& line : lines(out.at("label_2/street.txt")))
    EXPECT_EQ(fields(line).size(), 15u);
}

TEST(KittiConvert, TruncatedIsTheFractionOutsideTheImage) {
  std::string tools = box("c", -50, 10, 100, 20) + "," + box("c", 150, 75, 100, 100) + "," +
                      box("c", 300, 10, 5, 5) + "," + box("c", 60, 30, -40, -20);
  auto out = kitti(asset("a.jpg", tools));
  auto l = lines(out.at("label_2/a.txt"));
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(l[0], "c 0.50 0 -10.00 0.00 10.00 50.00 30.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00");
  // 50 x 25 of 100 x 100 inside.
  EXPECT_EQ(l[1], "c 0.88 0 -10.00 150.00 75.00 200.00 100.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00");
  EXPECT_EQ(l[2], "c 0.00 0 -10.00 20.00 10.00 60.00 30.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00");
  EXPECT_EQ(out.note("altered", "clamped to the image"), 2u);
  EXPECT_EQ(out.note("dropped", "outside the image"), 1u);
}

TEST(KittiConvert, ClassNamesBecomeOneTokenAndEveryMappingIsReportedPerClass) {
  std::string tools = box("traffic light", 1, 1, 5, 5) + "," + box("traffic light", 1, 1, 5, 5) +
                      "," + box(R"(a\tb\nc)", 1, 1, 5, 5) + "," +
                      box("nb\xC2\xA0sp\xE3\x80\x80x", 1, 1, 5, 5) + "," + box("Car", 1, 1, 5, 5);
  auto out = kitti(asset("a.jpg", tools));
  auto l = lines(out.at("label_2/a.txt"));
  ASSERT_EQ(l.size(), 5u);
  std::vector<std::string> types;
  for (const auto& line : l) {
    EXPECT_EQ(fields(line).size(), 15u) << line;
    types.push_back(fields(line)[0]);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"traffic_light", "traffic_light", "a_b_c", "nb_sp_x",
                                             "Car"}));
  EXPECT_EQ(out.note("altered", R"("traffic light" -> "traffic_light")"), 2u);
  EXPECT_EQ(out.note("altered", "class name mapped to a KITTI type"), 4u);
  // One report line per class.
  std::size_t mapping_lines = 0;
  for (const auto& n : out.report.at("output").at("notes").as_array())
    if (std::string_view(n.at("reason").as_string()).starts_with("class name mapped"))
      ++mapping_lines;
  EXPECT_EQ(mapping_lines, 3u);
}

TEST(KittiConvert, ClassMapWins) {
  std::string tools = box("traffic light", 1, 1, 5, 5) + "," + box("car", 1, 1, 5, 5) + "," +
                      box("bus stop", 1, 1, 5, 5);
  auto out =
      kitti(asset("a.jpg", tools), R"({"class_map":{"traffic light":"TrafficLight","car":"Car"}})");
  auto l = lines(out.at("label_2/a.txt"));
  ASSERT_EQ(l.size(), 3u);
  EXPECT_EQ(fields(l[0])[0], "TrafficLight");
  EXPECT_EQ(fields(l[1])[0], "Car");
  EXPECT_EQ(fields(l[2])[0], "bus_stop");
  EXPECT_EQ(out.note("altered", "class name mapped"), 1u);
  for (const char* config : {R"({"class_map":{"a":"Traffic Light"}})", R"({"class_map":{"a":1}})",
                             R"({"class_map":{"a":""}})", R"({"class_map":[]})"})
    EXPECT_THROW(kitti(asset("a.jpg", ""), config), ConfigError) << config;
}

TEST(KittiConvert, AssetsWithoutImageSizeKeepTheirBoxes) {
  auto out =
      kitti(asset("a.jpg", box("c", 500, 20, 30, 40) + "," + box("c", -10, 0, 20, 10), "{}"));
  auto l = lines(out.at("label_2/a.txt"));
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0], "c 0.00 0 -10.00 500.00 20.00 530.00 60.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00");
  EXPECT_EQ(l[1], "c 0.50 0 -10.00 0.00 0.00 10.00 10.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00");
  EXPECT_EQ(out.note("altered", "no image size"), 1u);
}

TEST(KittiConvert, FilesImagesAndShapes) {
  std::string polygon = R"({"title":"p","polygon":[[20,10],[60,10],[40,50]]})";
  std::string input = asset("a/b.png", polygon) + asset("a/b.png", "") + asset("clip.mp4", "") +
                      asset("pages", "", R"({"width":9,"height":9})", R"(,"dataset":["u"])");
  auto out = kitti(input);
  EXPECT_EQ(out.under("label_2/"),
            (std::vector<std::string>{"label_2/a_b.txt", "label_2/a_b_2.txt"}));
  EXPECT_EQ(out.at("label_2/a_b.txt"), "");
  EXPECT_EQ(out.at("images.txt"),
            "image_2/a_b.png\thttps://x/a/b.png\nimage_2/a_b_2.png\thttps://x/a/b.png\n");
  EXPECT_EQ(out.note("dropped", "not a box"), 1u);
  EXPECT_EQ(out.note("dropped", "not a single image"), 2u);
  out = kitti(input, R"({"boxes_from_polygons":true,"skip_empty":true})");
  EXPECT_EQ(out.under("label_2/"), std::vector<std::string>{"label_2/a_b.txt"});
  EXPECT_EQ(out.at("label_2/a_b.txt"),
            "p 0.00 0 -10.00 20.00 10.00 60.00 50.00 0.00 0.00 0.00 0.00 0.00 0.00 0.00\n");
  EXPECT_EQ(out.note("ignored", "skip_empty"), 1u);
}

}  // namespace
}  // namespace xport::test
