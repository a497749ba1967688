// The yolo format through xport::convert() on hand-written exports: normalisation,
// clamping, missing sizes, hostile names and ids, rotated boxes, tasks, layouts, splits and
// class tables, and that everything dropped or changed is reported.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "formats/yolo/dataset_test_support.hpp"
#include "xport/errors.hpp"

namespace xport::test {
namespace {

Output yolo(std::string_view input, std::string_view config = "{}", unsigned threads = 2) {
  return convert_to("yolo", input, config, threads);
}

// A YAML double-quoted scalar decoded (the escapes append_yaml_quoted writes), so the test
// does not trust the writer to judge itself.
std::string yaml_unquote(std::string_view q) {
  EXPECT_TRUE(q.size() >= 2 && q.front() == '"' && q.back() == '"') << q;
  std::string out;
  for (std::size_t i = 1; i + 1 < q.size(); ++i) {
    if (q[i] != '\\') {
      out += q[i];
      continue;
    }
    char e = q[++i];
    if (e == 'n')
      out += '\n';
    else if (e == 'r')
      out += '\r';
    else if (e == 't')
      out += '\t';
    else if (e == 'x') {
      out += static_cast<char>(std::stoi(std::string(q.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += e;
    }
  }
  return out;
}

// names from data.yaml, in index order ("  <i>: <quoted>" lines after "names:").
std::vector<std::string> yaml_names(const std::string& yaml) {
  std::vector<std::string> names;
  bool in_names = false;
  for (const auto& line : lines(yaml)) {
    if (line.starts_with("names:")) {
      in_names = true;
      continue;
    }
    if (!in_names || !line.starts_with("  ")) continue;
    auto colon = line.find(": ");
    EXPECT_EQ(std::stoul(line.substr(2, colon - 2)), names.size()) << line;
    names.push_back(yaml_unquote(line.substr(colon + 2)));
  }
  return names;
}

TEST(YoloConvert, DetectNormalisesByImageSize) {
  auto out = yolo(asset("a.jpg", box("car", 20, 10, 40, 20)));
  EXPECT_EQ(out.at("labels/train/a.txt"), "0 0.2 0.2 0.2 0.2\n");
  EXPECT_EQ(yaml_names(out.at("data.yaml")), std::vector<std::string>{"car"});
  EXPECT_EQ(out.at("images.txt"), "images/train/a.jpg\thttps://x/a.jpg\n");
  EXPECT_EQ(out.objects(), 1u);
}

TEST(YoloConvert, NegativeBoxSizesAreNormalised) {
  auto out = yolo(asset("a.jpg", box("car", 60, 30, -40, -20)));
  EXPECT_EQ(out.at("labels/train/a.txt"), "0 0.2 0.2 0.2 0.2\n");
}

TEST(YoloConvert, BoxesOutsideTheImageAreClampedOrDroppedAndReported) {
  auto out = yolo(asset("a.jpg", box("car", -20, 80, 60, 40) + "," + box("car", 300, 10, 20, 20) +
                                     "," + box("car", 10, 10, 0, 5)));
  EXPECT_EQ(out.at("labels/train/a.txt"), "0 0.1 0.9 0.2 0.2\n");
  EXPECT_EQ(out.note("altered", "clamped"), 1u);
  EXPECT_EQ(out.note("dropped", "outside the image"), 1u);
  EXPECT_EQ(out.note("dropped", "zero width or height"), 1u);
}

TEST(YoloConvert, AssetsWithoutImageSizeAreReportedAndGetNoLabelFile) {
  std::string input = asset("nosize.jpg", box("car", 1, 1, 5, 5), "{}") +
                      asset("zero.jpg", box("car", 1, 1, 5, 5), R"({"width":0,"height":100})") +
                      asset("text.jpg", box("car", 1, 1, 5, 5), R"({"width":"200","height":"1"})") +
                      asset("ok.jpg", box("dog", 1, 1, 5, 5));
  auto out = yolo(input);
  EXPECT_EQ(out.under("labels/"), std::vector<std::string>{"labels/train/ok.txt"});
  EXPECT_EQ(out.note("dropped", "no image size"), 3u);
  EXPECT_EQ(lines(out.at("images.txt")).size(), 1u);
  EXPECT_EQ(yaml_names(out.at("data.yaml")), std::vector<std::string>{"dog"});
  for (const auto& [name, content] : out.entries) {
    EXPECT_EQ(content.find("nan"), std::string::npos) << name;
    EXPECT_EQ(content.find("inf"), std::string::npos) << name;
  }
}

TEST(YoloConvert, ClassNamesRoundTripThroughDataYaml) {
  // JSON text of each title, and the string it stands for.
  std::vector<std::pair<std::string, std::string>> titles = {
      {R"(quote \" back\\slash)", "quote \" back\\slash"},
      {R"(tab\tnew\nline)", "tab\tnew\nline"},
      {R"(ctl\u0001\u007f)", "ctl\x01\x7f"},
      {"emoji \xF0\x9F\x9A\x97 çağrı", "emoji \xF0\x9F\x9A\x97 çağrı"},
      {"colon: #hash", "colon: #hash"},
      {"- dash", "- dash"},
      {" lead space ", " lead space "},
      {"yes", "yes"},
      {"'single'", "'single'"}};
  std::string tools;
  for (const auto& [json, plain] : titles)
    tools += (tools.empty() ? "" : ",") + box(json, 1, 1, 5, 5);
  auto out = yolo(asset("a.jpg", tools));
  std::vector<std::string> expected;
  for (const auto& [json, plain] : titles)
    expected.push_back(plain);
  EXPECT_EQ(yaml_names(out.at("data.yaml")), expected);
  EXPECT_EQ(lines(out.at("labels/train/a.txt")).size(), titles.size());
}

TEST(YoloConvert, CollidingAndUnsafeExternalIdsGetUniqueSafeStems) {
  std::string input = asset("a/b.jpg", box("c", 1, 1, 5, 5)) + asset("a/b.jpg", "") +
                      asset("a_b.jpg", "") + asset("../x.png", "") + asset("", "") +
                      asset(R"(tab\there.jpg)", "");
  auto out = yolo(input);
  auto labels = out.under("labels/train/");
  ASSERT_EQ(labels.size(), 6u);
  EXPECT_EQ(out.at("labels/train/a_b.txt"), "0 0.0175 0.035 0.025 0.05\n");
  EXPECT_TRUE(out.has("labels/train/a_b_2.txt"));
  EXPECT_TRUE(out.has("labels/train/a_b_3.txt"));
  EXPECT_TRUE(out.has("labels/train/_x.txt"));
  EXPECT_TRUE(out.has("labels/train/asset.txt"));
  EXPECT_TRUE(out.has("labels/train/tab_here.txt"));
  // Each image path in images.txt has the label file of the same stem.
  auto images = lines(out.at("images.txt"));
  ASSERT_EQ(images.size(), 6u);
  std::set<std::string> stems;
  for (const auto& line : images) {
    auto path = line.substr(0, line.find('\t'));
    ASSERT_TRUE(path.starts_with("images/train/")) << path;
    std::string stem = path.substr(13, path.rfind('.') - 13);
    EXPECT_EQ(stem.find('/'), std::string::npos);
    EXPECT_TRUE(out.has("labels/train/" + stem + ".txt")) << stem;
    stems.insert(stem);
  }
  EXPECT_EQ(stems.size(), 6u);
  EXPECT_EQ(images[3], "images/train/_x.png\thttps://x/../x.png");
}

// Corners of a rotated box, normalised: back in pixels they must be a true rectangle of the
// box's size (rotating after normalising would skew it on a non-square image).
void expect_rectangle(const std::vector<double>& v, double width, double height, double w,
                      double h) {
  ASSERT_EQ(v.size(), 9u);
  std::array<std::pair<double, double>, 4> p;
  for (int i = 0; i < 4; ++i) {
    p[i] = {v[1 + 2 * i] * width, v[2 + 2 * i] * height};
    EXPECT_GE(v[1 + 2 * i], 0);
    EXPECT_LE(v[1 + 2 * i], 1);
  }
  auto side = [&](int a, int b) {
    return std::hypot(p[b].first - p[a].first, p[b].second - p[a].second);
  };
  double dot = (p[1].first - p[0].first) * (p[2].first - p[1].first) +
               (p[1].second - p[0].second) * (p[2].second - p[1].second);
  EXPECT_NEAR(std::min(side(0, 1), side(1, 2)), std::min(w, h), 1e-9);
  EXPECT_NEAR(std::max(side(0, 1), side(1, 2)), std::max(w, h), 1e-9);
  EXPECT_NEAR(side(2, 3), side(0, 1), 1e-9);
  EXPECT_NEAR(dot, 0, 1e-6);
}

TEST(YoloConvert, ObbRotatesInPixelsThenNormalises) {
  // The shared sample's rotated box without its corners: computed corners must be the ones
  // the platform exported, normalised by a non-square image.
  const std::vector<double> platform = {820, 610, 880, 713.923, 914.641, 693.923, 854.641, 590};
  auto out = yolo(asset("s.jpg",
                        R"({"title":"r","rotated-bounding-box":{"x":820,"y":610,"width":40,)"
                        R"("height":120,"rotation":-30}})",
                        R"({"width":1920,"height":1080})"),
                  R"({"task":"obb"})");
  auto v = numbers(out.at("labels/train/s.txt"));
  ASSERT_EQ(v.size(), 9u);
  for (std::size_t i = 0; i < platform.size(); ++i)
    EXPECT_NEAR(v[i + 1], platform[i] / (i % 2 == 0 ? 1920 : 1080), 1e-6) << i;
  expect_rectangle(v, 1920, 1080, 40, 120);

  std::string tools =
      R"({"title":"r","rotated-bounding-box":{"x":150,"y":0,"width":100,"height":50,"rotation":90}},)"
      R"({"title":"r","rotated-bounding-box":{"x":60,"y":30,"width":40,"height":20,"rotation":30}},)"
      R"({"title":"r","rotated-bounding-box":{"x":10,"y":10,"width":20,"height":10,"rotation":45,)"
      R"("corners":[[10,10],[30,10],[30,20],[10,20]]}},)"
      R"({"title":"b","bounding-box":{"x":20,"y":10,"width":40,"height":20}})";
  out = yolo(asset("a.jpg", tools), R"({"task":"obb"})");
  auto l = lines(out.at("labels/train/a.txt"));
  ASSERT_EQ(l.size(), 4u);
  // 90 degrees about (150, 0): corners (150,0) (100,0) (100,100) (150,100).
  v = numbers(l[0]);
  std::vector<double> expected = {0, 0.75, 0, 0.5, 0, 0.5, 1, 0.75, 1};
  for (std::size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(v[i], expected[i], 1e-12) << i;
  expect_rectangle(v, 200, 100, 100, 50);
  expect_rectangle(numbers(l[1]), 200, 100, 40, 20);
  // Exported corners win over x/y/rotation.
  EXPECT_EQ(l[2], "0 0.05 0.1 0.15 0.1 0.15 0.2 0.05 0.2");
  EXPECT_EQ(l[3], "1 0.1 0.1 0.3 0.1 0.3 0.3 0.1 0.3");
  EXPECT_EQ(out.objects(), 4u);
  EXPECT_EQ(out.note("altered", "clamped"), 0u);
}

TEST(YoloConvert, ObbDropsPolygonsUnlessAskedAndClampsCorners) {
  std::string tools =
      R"({"title":"p","polygon":[[10,10],[50,10],[30,40]]},)"
      R"({"title":"r","rotated-bounding-box":{"x":-10,"y":0,"width":40,"height":20,"rotation":0}})";
  auto out = yolo(asset("a.jpg", tools), R"({"task":"obb"})");
  // Rotation 0 about (-10, 0): (-10,0) (-10,20) (30,20) (30,0), clamped at x = 0.
  EXPECT_EQ(out.at("labels/train/a.txt"), "0 0 0 0 0.2 0.15 0.2 0.15 0\n");
  EXPECT_EQ(out.note("dropped", "not a box"), 1u);
  EXPECT_EQ(out.note("altered", "clamped"), 1u);
  out = yolo(asset("a.jpg", tools), R"({"task":"obb","boxes_from_polygons":true})");
  EXPECT_EQ(lines(out.at("labels/train/a.txt"))[0], "0 0.05 0.1 0.25 0.1 0.25 0.4 0.05 0.4");
  EXPECT_EQ(out.note("altered", "written as its bounding box"), 1u);
}

TEST(YoloConvert, SegmentWritesPolygonsAndBoxesAsCorners) {
  std::string tools =
      R"({"title":"p","polygon":[[20,10],[60,10],[40,50]]},)"
      R"({"title":"p","polygon":[[20,10],[60,10]]},)"
      R"({"title":"p","polygon":[[0,0],[10,10],[20,20]]},)"
      R"({"title":"b","bounding-box":{"x":20,"y":10,"width":40,"height":20}},)"
      R"({"title":"l","polyline":[[0,0],[10,10],[20,5]]},)"
      R"({"title":"s","segmentation":{"zones":[{"region":[[0,0],[100,0],[100,50]],)"
      R"("holes":[[[10,5],[20,5],[20,10]]]},{"region":[[150,50],[200,50],[200,100]],"holes":[]}]}})";
  auto out = yolo(asset("a.jpg", tools), R"({"task":"segment"})");
  auto l = lines(out.at("labels/train/a.txt"));
  ASSERT_EQ(l.size(), 4u);
  EXPECT_EQ(l[0], "0 0.1 0.1 0.3 0.1 0.2 0.5");
  EXPECT_EQ(l[1], "1 0.1 0.1 0.3 0.1 0.3 0.3 0.1 0.3");
  EXPECT_EQ(l[2], "2 0 0 0.5 0 0.5 0.5");
  EXPECT_EQ(l[3], "2 0.75 0.5 1 0.5 1 1");
  EXPECT_EQ(out.note("dropped", "fewer than 3 points"), 1u);
  EXPECT_EQ(out.note("dropped", "zero area"), 1u);
  EXPECT_EQ(out.note("dropped", "polyline: not representable in YOLO segment"), 1u);
  EXPECT_EQ(out.note("altered", "holes left out"), 1u);
  EXPECT_EQ(out.note("altered", "one label line per zone"), 1u);
  EXPECT_EQ(yaml_names(out.at("data.yaml")), (std::vector<std::string>{"p", "b", "s"}));
  EXPECT_EQ(out.objects(), 3u);
}

TEST(YoloConvert, DetectNeverTurnsShapesIntoBoxesSilently) {
  std::string tools =
      R"({"title":"p","polygon":[[20,10],[60,10],[40,50]]},)"
      R"({"title":"r","rotated-bounding-box":{"x":20,"y":10,"width":40,"height":20}},)"
      R"({"title":"pt","point":[3,4]})";
  auto out = yolo(asset("a.jpg", tools));
  EXPECT_EQ(out.at("labels/train/a.txt"), "");
  EXPECT_EQ(out.note("dropped", "not a box"), 2u);
  EXPECT_EQ(out.note("dropped", "point: not representable in YOLO detect"), 1u);
  EXPECT_EQ(yaml_names(out.at("data.yaml")), std::vector<std::string>{});

  out = yolo(asset("a.jpg", tools), R"({"boxes_from_polygons":true})");
  EXPECT_EQ(out.at("labels/train/a.txt"), "0 0.2 0.3 0.2 0.4\n1 0.2 0.2 0.2 0.2\n");
  EXPECT_EQ(out.note("altered", "written as its bounding box"), 2u);
}

TEST(YoloConvert, EmptyImagesAreKeptUnlessSkipEmpty) {
  std::string input = asset("empty.jpg", "") + asset("a.jpg", box("car", 20, 10, 40, 20));
  auto out = yolo(input);
  EXPECT_EQ(out.at("labels/train/empty.txt"), "");
  EXPECT_EQ(lines(out.at("images.txt")).size(), 2u);
  out = yolo(input, R"({"skip_empty":true})");
  EXPECT_FALSE(out.has("labels/train/empty.txt"));
  EXPECT_EQ(lines(out.at("images.txt")).size(), 1u);
  EXPECT_EQ(out.note("ignored", "skip_empty"), 1u);
}

TEST(YoloConvert, MalformedAndUntitledObjectsAreReported) {
  std::string tools = R"({"title":"a","bounding-box":{"x":1,"y":1,"width":5}},)"
                      R"({"bounding-box":{"x":1,"y":1,"width":5,"height":5}},)" +
                      box("", 1, 1, 5, 5);
  auto out = yolo(asset("a.jpg", tools));
  EXPECT_EQ(out.at("labels/train/a.txt"), "");
  EXPECT_EQ(out.note("dropped", "malformed geometry"), 1u);
  EXPECT_EQ(out.note("dropped", "without a title"), 2u);
}

TEST(YoloConvert, VideosDocumentsAndMultiPageAssetsAreNotImages) {
  std::string input =
      asset("clip.mp4",
            R"({"title":"a","page":3,"bounding-box":{"x":1,"y":1,"width":5,"height":5}})") +
      asset("doc.pdf", "", "{}") +
      asset("pages", box("a", 1, 1, 5, 5), R"({"width":10,"height":10})",
            R"(,"dataset":["https://x/1.jpg","https://x/2.jpg"])") +
      asset("still.jpg",
            R"({"title":"a","page":0,"bounding-box":{"x":1,"y":1,"width":5,"height":5}})");
  auto out = yolo(input);
  EXPECT_EQ(out.under("labels/"), std::vector<std::string>{"labels/train/still.txt"});
  EXPECT_EQ(out.note("dropped", "not a single image"), 3u);
}

TEST(YoloConvert, ConfiguredClassesFixIndicesAndDropOthers) {
  std::string tools =
      box("a", 20, 10, 40, 20) + "," + box("b", 20, 10, 40, 20) + "," + box("c", 20, 10, 40, 20);
  auto out = yolo(asset("x.jpg", tools), R"({"classes":["b","a","unused"]})");
  EXPECT_EQ(out.at("labels/train/x.txt"), "1 0.2 0.2 0.2 0.2\n0 0.2 0.2 0.2 0.2\n");
  EXPECT_EQ(yaml_names(out.at("data.yaml")), (std::vector<std::string>{"b", "a", "unused"}));
  EXPECT_EQ(out.note("dropped", "class not in the configured"), 1u);
  out = yolo(asset("x.jpg", tools), R"({"classes":["b","a"],"sort_classes":true})");
  EXPECT_EQ(out.at("labels/train/x.txt"), "0 0.2 0.2 0.2 0.2\n1 0.2 0.2 0.2 0.2\n");
}

TEST(YoloConvert, SortedClassesKeepIndicesAndNamesInAgreement) {
  // Each class has its own box width, so a line's class can be told from its geometry.
  std::map<std::string, double> width = {{"zeta", 10}, {"alpha", 20}, {"mid", 30}, {"Beta", 40}};
  std::string input;
  int i = 0;
  for (const char* order : {"zeta mid", "alpha zeta", "Beta", "mid alpha zeta"}) {
    std::string tools;
    for (const auto& name : fields(order))
      tools += (tools.empty() ? "" : ",") + box(name, 0, 0, width[name], 10);
    input += asset("img" + std::to_string(i++) + ".jpg", tools);
  }
  auto out = yolo(input, R"({"sort_classes":true})");
  auto names = yaml_names(out.at("data.yaml"));
  EXPECT_EQ(names, (std::vector<std::string>{"Beta", "alpha", "mid", "zeta"}));
  int checked = 0;
  for (const auto& file : out.under("labels/train/")) {
    for (const auto& line : lines(out.at(file))) {
      auto v = numbers(line);
      EXPECT_DOUBLE_EQ(v[3] * 200, width[names.at(static_cast<std::size_t>(v[0]))]) << line;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 8);
  // Without sorting: first appearance.
  out = yolo(input);
  EXPECT_EQ(yaml_names(out.at("data.yaml")),
            (std::vector<std::string>{"zeta", "mid", "alpha", "Beta"}));
}

std::string many_assets(int n, std::string_view extra = "") {
  std::string input;
  for (int i = 0; i < n; ++i) {
    std::string cls = "c" + std::to_string((i * 7919) % 13);
    input += asset("dir/img" + std::to_string(i % (n / 2)) + ".jpg", box(cls, i % 150, 5, 20, 30),
                   R"({"width":200,"height":100})", extra);
  }
  return input;
}

TEST(YoloConvert, SplitIsDeterministicFollowsFractionsAndSeed) {
  std::string input = many_assets(2000);
  auto out = yolo(input, R"({"split":{"train":0.8,"val":0.2}})");
  auto train = out.under("labels/train/").size(), val = out.under("labels/val/").size();
  EXPECT_EQ(train + val, 2000u);
  EXPECT_GT(train, 1500u);
  EXPECT_LT(train, 1700u);
  EXPECT_NE(out.at("data.yaml").find("\nval: \"images/val\"\n"), std::string::npos);
  auto again = yolo(input, R"({"split":{"train":0.8,"val":0.2}})", 1);
  EXPECT_EQ(again.entries, out.entries);
  auto reseeded = yolo(input, R"({"split":{"train":0.8,"val":0.2},"seed":7})");
  EXPECT_NE(reseeded.under("labels/val/"), out.under("labels/val/"));
  auto all_val = yolo(input, R"({"split":{"train":0,"val":1}})");
  EXPECT_EQ(all_val.under("labels/val/").size(), 2000u);
}

TEST(YoloConvert, SplitByBatch) {
  std::string input =
      asset("a.jpg", "", R"({"width":9,"height":9})", R"(,"batches":["train"])") +
      asset("b.jpg", "", R"({"width":9,"height":9})", R"(,"batches":["val"])") +
      asset("c.jpg", "", R"({"width":9,"height":9})", R"(,"batches":[null,"my batch/2"])") +
      asset("d.jpg", "", R"({"width":9,"height":9})");
  auto out = yolo(input, R"({"split_by":"batch"})");
  EXPECT_TRUE(out.has("labels/train/a.txt"));
  EXPECT_TRUE(out.has("labels/val/b.txt"));
  EXPECT_TRUE(out.has("labels/my_batch_2/c.txt"));
  EXPECT_TRUE(out.has("labels/train/d.txt"));
}

TEST(YoloConvert, DarknetLayout) {
  std::string input = asset("a.jpg", box("car", 20, 10, 40, 20)) +
                      asset("b.png", box(R"(bus\nline)", 20, 10, 40, 20));
  auto out = yolo(input, R"({"layout":"darknet"})");
  EXPECT_EQ(out.at("obj_train_data/a.txt"), "0 0.2 0.2 0.2 0.2\n");
  EXPECT_EQ(out.at("obj_train_data/b.txt"), "1 0.2 0.2 0.2 0.2\n");
  EXPECT_EQ(out.at("obj.names"), "car\nbus line\n");
  EXPECT_EQ(out.at("train.txt"), "data/obj_train_data/a.jpg\ndata/obj_train_data/b.png\n");
  EXPECT_EQ(out.at("obj.data"),
            "classes = 2\ntrain = data/train.txt\nnames = data/obj.names\nbackup = backup/\n");
  EXPECT_EQ(out.note("altered", "line break"), 1u);
  EXPECT_FALSE(out.has("data.yaml"));
}

TEST(YoloConvert, OutputDoesNotDependOnThreadsAcrossManyChunks) {
  std::string input = many_assets(40000);  // more than one 4 MiB chunk
  ASSERT_GT(input.size(), std::size_t{5} << 20);
  auto one = yolo(input, R"({"split":{"train":0.5,"val":0.5}})", 1);
  auto four = yolo(input, R"({"split":{"train":0.5,"val":0.5}})", 4);
  EXPECT_EQ(one.entries, four.entries);
  EXPECT_EQ(one.under("labels/").size(), 40000u);
}

TEST(YoloConvert, BadConfigurationsAreRejected) {
  std::string input = asset("a.jpg", "");
  for (const char* config :
       {R"({"task":"pose"})", R"({"layout":"coco"})", R"({"layout":"darknet","task":"segment"})",
        R"({"split":{"../x":1}})", R"({"split":{"train":-1}})", R"({"split":{"train":0}})",
        R"({"split":{"train":1},"split_by":"batch"})", R"({"split_by":"day"})",
        R"({"classes":["a","a"]})", R"({"classes":[1]})", R"({"classes":[""]})",
        R"({"tasks":"detect"})", R"({"task":1})"}) {
    EXPECT_THROW(yolo(input, config), ConfigError) << config;
  }
}

}  // namespace
}  // namespace xport::test
