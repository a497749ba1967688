// The coco format through xport::convert() on hand-written exports: one behaviour per test.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "coco_test_support.hpp"
#include "xport/errors.hpp"

namespace xport::test {
namespace {

using ::testing::ElementsAre;

TEST(CocoConvert, BoxesKeepExactPixelsWithIdsFromOne) {
  auto out = convert_coco(
      asset("a.jpg", R"({"title":"car","bounding-box":{"x":10.25,"y":5,"width":20.5,"height":0.1}},
                                         {"title":"dog","bounding-box":{"x":0,"y":0,"width":3,"height":4}})") +
      asset("b.jpg", R"({"title":"car","bounding-box":{"x":1,"y":2,"width":3,"height":4}})"));
  const auto& anns = out.annotations();
  ASSERT_EQ(anns.size(), 3u);
  const auto& a = anns[0].as_object();
  EXPECT_EQ(a.at("id").as_int64(), 1);
  EXPECT_EQ(a.at("image_id").as_int64(), 1);
  EXPECT_EQ(a.at("category_id").as_int64(), 1);
  EXPECT_THAT(nums(a.at("bbox")), ElementsAre(10.25, 5, 20.5, 0.1));
  EXPECT_EQ(num(a.at("area")), 20.5 * 0.1);
  EXPECT_EQ(a.at("iscrowd").as_int64(), 0);
  EXPECT_TRUE(a.at("segmentation").as_array().empty());
  EXPECT_EQ(anns[1].at("category_id").as_int64(), 2);
  EXPECT_EQ(anns[2].at("id").as_int64(), 3);
  EXPECT_EQ(anns[2].at("image_id").as_int64(), 2);
  EXPECT_EQ(anns[2].at("category_id").as_int64(), 1);
  const auto& cats = out.categories();
  ASSERT_EQ(cats.size(), 2u);
  EXPECT_EQ(cats[0].at("name").as_string(), "car");
  EXPECT_EQ(cats[1].at("name").as_string(), "dog");
  EXPECT_EQ(cats[1].at("id").as_int64(), 2);
  EXPECT_EQ(cats[0].at("supercategory").as_string(), "");
  EXPECT_EQ(out.objects(), 3u);
  EXPECT_EQ(out.doc().at("licenses").as_array().size(), 0u);
}

TEST(CocoConvert, EveryAssetIsAnImageWithNullForUnknownSizes) {
  auto out = convert_coco(asset("a.jpg", "") + asset("b.jpg", "", "{}") +
                          asset("c.jpg", "", R"({"width":7})"));
  const auto& images = out.images();
  ASSERT_EQ(images.size(), 3u);
  EXPECT_EQ(images[0].at("id").as_int64(), 1);
  EXPECT_EQ(images[0].at("file_name").as_string(), "a.jpg");
  EXPECT_EQ(images[0].at("width").as_int64(), 100);
  EXPECT_EQ(images[0].at("height").as_int64(), 50);
  EXPECT_TRUE(images[1].at("width").is_null());
  EXPECT_TRUE(images[1].at("height").is_null());
  EXPECT_EQ(images[2].at("width").as_int64(), 7);
  EXPECT_TRUE(images[2].at("height").is_null());
  EXPECT_EQ(images[2].at("id").as_int64(), 3);
}

TEST(CocoConvert, SkipEmptyLeavesOutUnlabeledImagesAndReportsThem) {
  std::string in =
      asset("a.jpg", "") +
      asset("b.jpg", R"({"title":"car","bounding-box":{"x":1,"y":2,"width":3,"height":4}})") +
      asset("c.jpg", R"({"title":"l","polyline":[[1,2],[3,4]]})");
  auto out = convert_coco(in, R"({"skip_empty": true})");
  ASSERT_EQ(out.images().size(), 1u);
  EXPECT_EQ(out.images()[0].at("file_name").as_string(), "b.jpg");
  EXPECT_EQ(out.images()[0].at("id").as_int64(), 1);
  EXPECT_EQ(out.annotations()[0].at("image_id").as_int64(), 1);
  EXPECT_EQ(out.note("ignored", "image without annotations (skip_empty)"), 2u);
}

TEST(CocoConvert, IdStartsAreConfigurable) {
  auto out = convert_coco(
      asset("a.jpg", R"({"title":"car","bounding-box":{"x":1,"y":2,"width":3,"height":4}})"),
      R"({"image_id_start": 100, "category_id_start": 0})");
  EXPECT_EQ(out.images()[0].at("id").as_int64(), 100);
  EXPECT_EQ(out.annotations()[0].at("image_id").as_int64(), 100);
  EXPECT_EQ(out.annotations()[0].at("category_id").as_int64(), 0);
  EXPECT_EQ(out.annotations()[0].at("id").as_int64(), 1);
  EXPECT_EQ(out.categories()[0].at("id").as_int64(), 0);
}

TEST(CocoConvert, NegativeBoxSizesAreNormalisedAndReported) {
  auto out = convert_coco(
      asset("a.jpg", R"({"title":"car","bounding-box":{"x":30,"y":20,"width":-10,"height":-5}})"));
  EXPECT_THAT(nums(out.annotations()[0].at("bbox")), ElementsAre(20, 15, 10, 5));
  EXPECT_EQ(num(out.annotations()[0].at("area")), 50);
  EXPECT_EQ(out.note("altered", "negative box size normalised"), 1u);
}

TEST(CocoConvert, PolygonsUseShoelaceAreaAndDropFewerThanThreePoints) {
  auto out =
      convert_coco(asset("a.jpg", R"({"title":"roof","polygon":[[10,10],[30,10],[30,20],[10,20]]},
                                         {"title":"roof","polygon":[[0,0],[40,0],[0,30]]},
                                         {"title":"bad","polygon":[[1,1],[2,2]]},
                                         {"title":"flat","polygon":[[1,1],[2,2],[3,3]]})"));
  const auto& anns = out.annotations();
  ASSERT_EQ(anns.size(), 2u);
  EXPECT_THAT(nums(anns[0].at("bbox")), ElementsAre(10, 10, 20, 10));
  EXPECT_EQ(num(anns[0].at("area")), 200);
  ASSERT_EQ(anns[0].at("segmentation").as_array().size(), 1u);
  EXPECT_THAT(nums(anns[0].at("segmentation").as_array()[0]),
              ElementsAre(10, 10, 30, 10, 30, 20, 10, 20));
  EXPECT_EQ(num(anns[1].at("area")), 600);  // a triangle: half its box
  EXPECT_EQ(out.note("dropped", "polygon with fewer than 3 points"), 1u);
  EXPECT_EQ(out.note("dropped", "polygon with zero area"), 1u);
  // Dropped geometry does not create categories.
  ASSERT_EQ(out.categories().size(), 1u);
}

TEST(CocoConvert, RotatedBoxesBecomeTheirCornerPolygon) {
  // Exported corners win over x/y/width/height/rotation.
  auto out = convert_coco(asset(
      "a.jpg",
      R"({"title":"bike","rotated-bounding-box":{"x":10,"y":10,"width":20,"height":10,"rotation":0,
                                              "corners":[[10,10],[30,12],[28,22],[8,20]]}})",
      R"({"width":100,"height":50})"));
  const auto& a = out.annotations()[0];
  EXPECT_THAT(nums(a.at("segmentation").as_array()[0]), ElementsAre(10, 10, 30, 12, 28, 22, 8, 20));
  EXPECT_THAT(nums(a.at("bbox")), ElementsAre(8, 10, 22, 12));
  EXPECT_EQ(out.report.at("output").at("objects_per_kind").at("rotated-bounding-box").as_int64(),
            1);
}

TEST(CocoConvert, RotatedBoxesWithoutCornersRotateInPixels) {
  // On a wide image: rotating in normalised coordinates would distort the sides.
  auto out = convert_coco(asset(
      "a.jpg",
      R"({"title":"bike","rotated-bounding-box":{"x":100,"y":100,"width":20,"height":10,"rotation":30}})",
      R"({"width":4000,"height":500})"));
  const auto seg = nums(out.annotations()[0].at("segmentation").as_array()[0]);
  ASSERT_EQ(seg.size(), 8u);
  // Exactly the reader's corners (the platform's convention lives there, not here).
  aaf::RotatedBox box{100, 100, 20, 10, 30};
  auto corners = box.polygon();
  for (std::size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(seg[2 * i], corners[i].x);
    EXPECT_EQ(seg[2 * i + 1], corners[i].y);
  }
  auto side = [&](std::size_t a, std::size_t b) {
    return std::hypot(seg[2 * a] - seg[2 * b], seg[2 * a + 1] - seg[2 * b + 1]);
  };
  EXPECT_NEAR(side(0, 1) * side(1, 2), 200, 1e-9);
  EXPECT_NEAR(std::max(side(0, 1), side(1, 2)), 20, 1e-9);
  EXPECT_NEAR(num(out.annotations()[0].at("area")), 200, 1e-9);
}

TEST(CocoConvert, SegmentationZonesAreOnePolygonEach) {
  auto out = convert_coco(asset("a.jpg", R"({"title":"road","segmentation":{"zones":[
      {"region":[[0,0],[10,0],[10,10],[0,10]],"holes":[]},
      {"region":[[20,20],[30,20],[30,30]]},
      {"region":[[1,1],[2,2]]}]}})"));
  const auto& a = out.annotations()[0];
  EXPECT_EQ(a.at("iscrowd").as_int64(), 0);
  ASSERT_EQ(a.at("segmentation").as_array().size(), 2u);
  EXPECT_EQ(num(a.at("area")), 150);
  EXPECT_THAT(nums(a.at("bbox")), ElementsAre(0, 0, 30, 30));
  EXPECT_EQ(out.note("dropped", "segmentation zone with fewer than 3 points"), 1u);
}

// Decodes COCO's uncompressed column-major RLE into a mask[y][x].
std::vector<std::vector<int>> decode_rle(const json::object& rle) {
  const auto h = rle.at("size").as_array()[0].to_number<std::size_t>();
  const auto w = rle.at("size").as_array()[1].to_number<std::size_t>();
  std::vector<std::vector<int>> mask(h, std::vector<int>(w, 0));
  std::size_t pos = 0;
  int value = 0;
  for (const json::value& c : rle.at("counts").as_array()) {
    auto n = c.to_number<std::size_t>();
    for (std::size_t i = 0; i < n; ++i, ++pos)
      mask[pos % h][pos / h] = value;
    value ^= 1;
  }
  EXPECT_EQ(pos, h * w);
  return mask;
}

TEST(CocoConvert, ZonesWithHolesAreRleWhenTheSizeIsKnown) {
  auto out = convert_coco(asset("a.jpg", R"({"title":"donut","segmentation":{"zones":[
      {"region":[[1,1],[7,1],[7,5],[1,5]],"holes":[[[3,2],[5,2],[5,4],[3,4]]]}]}})",
                                R"({"width":10,"height":6})"));
  const auto& a = out.annotations()[0].as_object();
  EXPECT_EQ(a.at("iscrowd").as_int64(), 1);
  const auto& rle = a.at("segmentation").as_object();
  EXPECT_THAT(nums(rle.at("size")), ElementsAre(6, 10));
  auto mask = decode_rle(rle);
  int set = 0;
  for (std::size_t y = 0; y < 6; ++y)
    for (std::size_t x = 0; x < 10; ++x) {
      bool in_region = x >= 1 && x < 7 && y >= 1 && y < 5;
      bool in_hole = x >= 3 && x < 5 && y >= 2 && y < 4;
      EXPECT_EQ(mask[y][x], in_region && !in_hole ? 1 : 0) << x << "," << y;
      set += mask[y][x];
    }
  EXPECT_EQ(num(a.at("area")), set);
  EXPECT_EQ(set, 24 - 4);
  EXPECT_THAT(nums(a.at("bbox")), ElementsAre(1, 1, 6, 4));
  EXPECT_EQ(out.note("altered", "segmentation with holes written as RLE (iscrowd 1)"), 1u);
}

TEST(CocoConvert, HolesWithoutImageSizeAreDroppedAndReported) {
  auto out = convert_coco(asset("a.jpg", R"({"title":"donut","segmentation":{"zones":[
      {"region":[[1,1],[7,1],[7,5],[1,5]],"holes":[[[3,2],[5,2],[5,4],[3,4]]]}]}})",
                                "{}"));
  EXPECT_TRUE(out.annotations().empty());
  EXPECT_EQ(out.note("dropped", "segmentation holes need the image size for RLE"), 1u);
  EXPECT_TRUE(out.categories().empty());
}

TEST(CocoConvert, KindsCocoCannotRepresentAreReportedNotSilentlyLost) {
  auto out = convert_coco(asset("a.jpg", R"({"title":"p","point":[1,2]},
      {"title":"l","polyline":[[1,2],[3,4]]},
      {"title":"n","ner":{"start":1,"end":3}},
      {"title":"s","spline":[[1,2]]},
      {"title":"g","angle":{"a":1}},
      {"title":"u","brush":{}},
      {"title":"bad","bounding-box":{"x":"one"}},
      {"bounding-box":{"x":1,"y":1,"width":1,"height":1}},
      {"title":"v","bounding-box":{"x":1,"y":1,"width":1,"height":1},"page":3})"));
  EXPECT_TRUE(out.annotations().empty());
  EXPECT_EQ(
      out.note("ignored", "point (COCO keeps points only as keypoints: see keypoint_classes)"), 1u);
  EXPECT_EQ(out.note("ignored", "polyline (COCO has no open lines)"), 1u);
  EXPECT_EQ(out.note("ignored", "ner span (text, not an image region)"), 1u);
  EXPECT_EQ(out.note("ignored", "spline (COCO cannot represent it)"), 1u);
  EXPECT_EQ(out.note("ignored", "angle (COCO cannot represent it)"), 1u);
  EXPECT_EQ(out.note("ignored", "object without a known geometry (COCO cannot represent it)"), 1u);
  EXPECT_EQ(out.note("dropped", "malformed object"), 1u);
  EXPECT_EQ(out.note("dropped", "object without a title (class name)"), 1u);
  EXPECT_EQ(out.note("dropped", "object on a page or video frame (COCO has one image per asset)"),
            1u);
  EXPECT_EQ(out.images().size(), 1u);
}

TEST(CocoConvert, ExplicitCategoriesWinAndAreAllListed) {
  auto out = convert_coco(
      asset("a.jpg", R"({"title":"dog","bounding-box":{"x":1,"y":1,"width":1,"height":1}},
                        {"title":"cat","bounding-box":{"x":1,"y":1,"width":1,"height":1}},
                        {"title":"car","bounding-box":{"x":1,"y":1,"width":1,"height":1}})"),
      R"({"categories": ["car", "bus", "dog"], "category_id_start": 5})");
  const auto& cats = out.categories();
  ASSERT_EQ(cats.size(), 3u);
  EXPECT_EQ(cats[0].at("name").as_string(), "car");
  EXPECT_EQ(cats[0].at("id").as_int64(), 5);
  EXPECT_EQ(cats[1].at("name").as_string(), "bus");
  EXPECT_EQ(cats[2].at("id").as_int64(), 7);
  const auto& anns = out.annotations();
  ASSERT_EQ(anns.size(), 2u);
  EXPECT_EQ(anns[0].at("category_id").as_int64(), 7);  // dog
  EXPECT_EQ(anns[1].at("category_id").as_int64(), 5);  // car
  EXPECT_EQ(out.note("dropped", "class not in the \"categories\" option"), 1u);
}

TEST(CocoConvert, GeometryIsClippedToTheImageAndReported) {
  auto out = convert_coco(
      asset("a.jpg", R"({"title":"a","bounding-box":{"x":-5,"y":40,"width":20,"height":20}},
      {"title":"a","bounding-box":{"x":200,"y":0,"width":5,"height":5}},
      {"title":"a","bounding-box":{"x":100,"y":0,"width":5,"height":5}},
      {"title":"a","polygon":[[-10,-10],[50,-10],[50,25]]},
      {"title":"a","polygon":[[200,200],[300,200],[300,300]]})",
            R"({"width":100,"height":50})"));
  const auto& anns = out.annotations();
  ASSERT_EQ(anns.size(), 2u);
  EXPECT_THAT(nums(anns[0].at("bbox")), ElementsAre(0, 40, 15, 10));
  EXPECT_EQ(num(anns[0].at("area")), 150);
  for (double v : nums(anns[1].at("segmentation").as_array()[0]))
    EXPECT_GE(v, 0);
  // The hypotenuse from (-10,-10) to (50,25) meets y = 0 at x = 50/7.
  auto bbox = nums(anns[1].at("bbox"));
  EXPECT_NEAR(bbox[0], 50.0 / 7, 1e-9);
  EXPECT_EQ(bbox[1], 0);
  EXPECT_EQ(bbox[2] + bbox[0], 50);
  EXPECT_EQ(bbox[3], 25);
  EXPECT_EQ(out.note("altered", "clipped to the image"), 2u);
  EXPECT_EQ(out.note("dropped", "outside the image"), 3u);  // touching the edge is outside

  auto kept = convert_coco(
      asset("a.jpg", R"({"title":"a","bounding-box":{"x":-5,"y":40,"width":20,"height":20}})"),
      R"({"clip_to_image": false})");
  EXPECT_THAT(nums(kept.annotations()[0].at("bbox")), ElementsAre(-5, 40, 20, 20));
}

TEST(CocoConvert, KeypointClassesGroupPointsPerAsset) {
  std::string in =
      asset("a.jpg", R"({"title":"nose","point":[10,20]},{"title":"tail","point":[30,5]},
                        {"title":"other","point":[1,1]})") +
      asset("b.jpg", R"({"title":"nose","point":[1,2]},{"title":"nose","point":[3,4]})") +
      asset("c.jpg", R"({"title":"eye","point":[2,3]})");
  auto out =
      convert_coco(in, R"({"keypoint_classes": {"animal": {"keypoints": ["nose", "eye", "tail"],
                                   "skeleton": [[1, 2], [1, 3]]}}})");
  const auto& anns = out.annotations();
  ASSERT_EQ(anns.size(), 2u);
  const auto& a = anns[0].as_object();
  EXPECT_EQ(a.at("image_id").as_int64(), 1);
  EXPECT_THAT(nums(a.at("keypoints")), ElementsAre(10, 20, 2, 0, 0, 0, 30, 5, 2));
  EXPECT_EQ(a.at("num_keypoints").as_int64(), 2);
  EXPECT_THAT(nums(a.at("bbox")), ElementsAre(10, 5, 20, 15));
  EXPECT_EQ(num(a.at("area")), 300);
  EXPECT_TRUE(a.at("segmentation").as_array().empty());
  EXPECT_EQ(anns[1].at("image_id").as_int64(), 3);
  EXPECT_EQ(anns[1].at("num_keypoints").as_int64(), 1);
  const auto& cats = out.categories();
  ASSERT_EQ(cats.size(), 1u);
  EXPECT_EQ(cats[0].at("name").as_string(), "animal");
  EXPECT_EQ(json::serialize(cats[0].at("keypoints")), R"(["nose","eye","tail"])");
  EXPECT_EQ(json::serialize(cats[0].at("skeleton")), "[[1,2],[1,3]]");
  EXPECT_EQ(out.note("dropped",
                     "keypoint group with a repeated name (one instance per asset and category)"),
            1u);
  EXPECT_EQ(
      out.note("ignored", "point (COCO keeps points only as keypoints: see keypoint_classes)"), 1u);
  EXPECT_EQ(out.note("altered", "points grouped into a keypoint annotation"), 2u);
}

TEST(CocoConvert, UnusedKeypointCategoriesAreStillListed) {
  auto out = convert_coco(asset("a.jpg", ""), R"({"keypoint_classes": {"person": ["nose"]}})");
  ASSERT_EQ(out.categories().size(), 1u);
  EXPECT_EQ(json::serialize(out.categories()[0].at("skeleton")), "[]");
}

TEST(CocoConvert, TextFromUsersStaysValidJson) {
  // Titles and ids with quotes, backslashes, controls, emoji and non-ASCII.
  std::string title = R"(q\" b\\ t\t n\n c\u0001 e\ud83d\ude97 \u00e7)";
  auto out = convert_coco(
      asset(R"(x\"y\\z\n.jpg)",
            R"({"title":")" + title + R"(","bounding-box":{"x":1,"y":1,"width":1,"height":1}})"));
  EXPECT_EQ(out.images()[0].at("file_name").as_string(), "x\"y\\z\n.jpg");
  EXPECT_EQ(out.categories()[0].at("name").as_string(),
            "q\" b\\ t\t n\n c\x01 e\xF0\x9F\x9A\x97 \xC3\xA7");
}

TEST(CocoConvert, ExternalIdThatIsNotAStringIsReported) {
  std::string in = R"({"asset":"u","externalId":42,"task":{"tools":[]}})"
                   "\n"
                   R"({"asset":"u","task":{"tools":[]}})"
                   "\n";
  auto out = convert_coco(in);
  EXPECT_EQ(out.images()[0].at("file_name").as_string(), "42");
  EXPECT_EQ(out.images()[1].at("file_name").as_string(), "");
  EXPECT_EQ(out.note("altered", "externalId is not a string: file_name is its JSON text"), 1u);
  EXPECT_EQ(out.note("altered", "asset without an externalId: file_name is \"\""), 1u);
}

TEST(CocoConvert, V2AndV3AssetsConvertAlike) {
  std::string v2 =
      R"({"asset":"u","externalId":"a.jpg","metadata":{"width":100,"height":50},"tasks":[{"objects":[{"title":"car","bounding-box":{"x":1,"y":2,"width":3,"height":4}}]}]})"
      "\n";
  std::string v3 =
      asset("a.jpg", R"({"title":"car","bounding-box":{"x":1,"y":2,"width":3,"height":4}})");
  EXPECT_EQ(convert_coco(v2).raw.at("annotations/instances.json"),
            convert_coco(v3).raw.at("annotations/instances.json"));
}

TEST(CocoConvert, EmptyExportIsAValidDocument) {
  auto out = convert_coco("");
  EXPECT_TRUE(out.images().empty());
  EXPECT_TRUE(out.annotations().empty());
  EXPECT_TRUE(out.categories().empty());
}

// Large enough for several 4 MiB chunks, with classes appearing late and splits mixed.
std::string many_assets(int n) {
  std::string in;
  for (int i = 0; i < n; ++i) {
    std::string tools;
    for (int k = 0; k < 6; ++k) {
      if (k) tools += ',';
      tools +=
          R"({"title":"class)" + std::to_string((i * 7 + k) % (1 + i / 500)) +
          R"(","bounding-box":{"x":)" + std::to_string(i % 50) +
          R"(.5,"y":1,"width":2,"height":3},"classifications":[{"title":"padding","answer":")" +
          std::string(300, 'p') + R"("}]})";
    }
    in += asset("img" + std::to_string(i) + ".jpg", tools, R"({"width":100,"height":50})",
                R"(,"batches":["b)" + std::to_string(i % 3) + R"("])");
  }
  return in;
}

TEST(CocoConvert, OutputDoesNotDependOnThreadCount) {
  const std::string in = many_assets(6000);
  ASSERT_GT(in.size(), 10u << 20);
  for (const char* config :
       {"{}", R"({"split": {"train": 0.7, "val": 0.3}})", R"({"split_by": "batch"})"}) {
    auto one = convert_coco(in, config, 1);
    auto four = convert_coco(in, config, 4);
    for (auto& [name, text] : one.raw)
      if (name != "report.json") {
        EXPECT_EQ(text, four.raw.at(name)) << name << " " << config;
      }
    EXPECT_EQ(one.raw.size(), four.raw.size());
  }
}

TEST(CocoConvert, RatioSplitsMakeCompleteDocumentsWithDenseIds) {
  const std::string in = many_assets(3000);
  auto out = convert_coco(in, R"({"split": {"train": 0.8, "val": 0.2, "test": 0}})");
  ASSERT_EQ(out.docs.size(), 3u);
  std::size_t images = 0, annotations = 0;
  std::set<std::string> names;
  for (const char* split : {"train", "val", "test"}) {
    std::string entry = std::string("annotations/instances_") + split + ".json";
    const auto& imgs = out.images(entry);
    const auto& anns = out.annotations(entry);
    for (std::size_t i = 0; i < imgs.size(); ++i) {
      EXPECT_EQ(imgs[i].at("id").as_int64(), static_cast<std::int64_t>(i + 1));
      names.insert(std::string(imgs[i].at("file_name").as_string()));
    }
    for (std::size_t i = 0; i < anns.size(); ++i)
      EXPECT_EQ(anns[i].at("id").as_int64(), static_cast<std::int64_t>(i + 1));
    images += imgs.size();
    annotations += anns.size();
    // One class table for the whole export.
    EXPECT_EQ(out.categories(entry), out.categories("annotations/instances_train.json"));
  }
  EXPECT_EQ(images, 3000u);
  EXPECT_EQ(names.size(), 3000u);
  EXPECT_EQ(annotations, out.objects());
  EXPECT_TRUE(out.images("annotations/instances_test.json").empty());
  EXPECT_NEAR(static_cast<double>(out.images("annotations/instances_train.json").size()), 2400,
              120);

  // Another seed, another assignment.
  auto other = convert_coco(in, R"({"split": {"train": 0.8, "val": 0.2, "test": 0}, "seed": 9})");
  EXPECT_NE(other.raw.at("annotations/instances_val.json"),
            out.raw.at("annotations/instances_val.json"));
}

TEST(CocoConvert, SplitByBatchMakesOneDocumentPerBatchWithSafeNames) {
  std::string in = asset("a.jpg", "", "{}", R"(,"batches":["Batch A"])") +
                   asset("b.jpg", "", "{}", R"(,"batches":["x/y","Batch A"])") +
                   asset("c.jpg", "", "{}", R"(,"batches":[])") +
                   asset("d.jpg", "", "{}", R"(,"batches":["Batch A"])") +
                   asset("e.jpg", "", "{}", R"(,"batches":["x_y"])") +
                   asset("f.jpg", "", "{}", R"(,"batches":["../up"])");
  auto out = convert_coco(in, R"({"split_by": "batch"})");
  std::vector<std::string> names;
  for (const auto& [name, doc] : out.docs)
    names.push_back(name);
  EXPECT_THAT(names,
              ElementsAre("annotations/instances_.._up.json", "annotations/instances_Batch A.json",
                          "annotations/instances_no_batch.json", "annotations/instances_x_y.json",
                          "annotations/instances_x_y_2.json"));
  const auto& a = out.images("annotations/instances_Batch A.json");
  ASSERT_EQ(a.size(), 2u);
  EXPECT_EQ(a[1].at("file_name").as_string(), "d.jpg");
  EXPECT_EQ(a[1].at("id").as_int64(), 2);
  EXPECT_EQ(out.images("annotations/instances_x_y.json")[0].at("file_name").as_string(), "b.jpg");
  EXPECT_EQ(out.images("annotations/instances_x_y_2.json")[0].at("file_name").as_string(), "e.jpg");
  EXPECT_EQ(out.images("annotations/instances_no_batch.json")[0].at("file_name").as_string(),
            "c.jpg");
  EXPECT_EQ(out.note("altered", "asset in several batches: written to its first batch's file"), 1u);
}

TEST(CocoConvert, BadOptionsAreConfigErrors) {
  const std::string in = asset("a.jpg", "");
  for (const char* config : {
           R"({"split": {"train": 0.8}, "split_by": "batch"})",
           R"({"split": {"train": -1}})",
           R"({"split": {"train": 0}})",
           R"({"split": {"a/b": 1}})",
           R"({"split_by": "stage"})",
           R"({"categories": ["car", "car"]})",
           R"({"categories": []})",
           R"({"categories": ["car", 3]})",
           R"({"image_id_start": -1})",
           R"({"keypoint_classes": {"a": ["x"], "b": ["x"]}})",
           R"({"keypoint_classes": {"a": {"keypoints": ["x"], "skeleton": [[1, 2]]}}})",
           R"({"keypoint_classes": {"a": {"names": ["x"]}}})",
           R"({"keypoint_classes": {"person": ["x"]}, "categories": ["car"]})",
           R"({"no_such_option": 1})",
           R"({"skip_empty": "yes"})",
       }) {
    EXPECT_THROW(convert_coco(in, config), ConfigError) << config;
  }
}

}  // namespace
}  // namespace xport::test
