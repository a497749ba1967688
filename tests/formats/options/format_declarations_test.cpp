// The built-in formats' declarations: the options `xport formats NAME` lists (names, types
// and defaults exactly as before the typed declarations), the messages their checks give
// (enum refusals, semantic checks, type errors), and the parsed defaults of one format.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "formats/yolo/yolo_conversion.hpp"
#include "xport/errors.hpp"
#include "xport/format.hpp"
#include "xport/io.hpp"

namespace xport {
namespace {

std::vector<std::string> listing(std::string_view format) {
  const Format* f = find_format(format);
  if (!f) return {"(no format)"};
  std::vector<std::string> out;
  for (const OptionSpec& o : f->options())
    out.push_back(o.name + " (" + std::string(to_string(o.type)) + ", default " + o.default_json +
                  ")");
  return out;
}

TEST(FormatDeclarations, ListingsShowTodaysNamesTypesAndDefaults) {
  const std::map<std::string, std::vector<std::string>> expected = {
      {"aaf",
       {"layout (string, default \"ndjson\")", "normalize (any, default false)",
        "stages (array, default null)", "batches (array, default null)",
        "key_frames_only (boolean, default false)", "classes (array, default null)",
        "file_name (string, default null)"}},
      {"classification", {"question (string, default null)"}},
      {"coco",
       {"categories (array, default null)", "category_id_start (integer, default 1)",
        "image_id_start (integer, default 1)", "skip_empty (boolean, default false)",
        "clip_to_image (boolean, default true)", "keypoint_classes (object, default null)",
        "split (object, default null)", "split_by (string, default null)",
        "seed (integer, default 0)"}},
      {"csv",
       {"one_row_per_asset (boolean, default false)",
        "include_classifications (boolean, default true)", "empty_rows (boolean, default false)"}},
      {"cvat", {"labels (array, default [])", "include_tags (boolean, default true)"}},
      {"kitti",
       {"class_map (object, default {})", "boxes_from_polygons (boolean, default false)",
        "skip_empty (boolean, default false)"}},
      {"ner",
       {"output (string, default \"both\")", "scheme (string, default \"BIO\")",
        "texts (string, default null)", "text_field (string, default null)",
        "offsets (string, default \"utf16\")", "sentences (string, default \"document\")"}},
      {"sample", {"separator-character (any, default \"-\")"}},
      {"voc",
       {"one_based (boolean, default true)", "boxes_from_polygons (boolean, default false)",
        "classes (array, default [])", "sort_classes (boolean, default false)",
        "split (object, default null)", "split_by (string, default null)",
        "seed (integer, default 0)", "skip_empty (boolean, default false)"}},
      {"yolo",
       {"task (string, default \"detect\")", "boxes_from_polygons (boolean, default false)",
        "classes (array, default [])", "sort_classes (boolean, default false)",
        "split (object, default null)", "split_by (string, default null)",
        "seed (integer, default 0)", "layout (string, default \"ultralytics\")",
        "skip_empty (boolean, default false)"}},
  };
  for (const auto& [format, options] : expected)
    EXPECT_EQ(listing(format), options) << format;
  EXPECT_EQ(listing("tsv"), listing("csv"));
  EXPECT_EQ(all_formats().size(), expected.size() + 1);  // + tsv
  for (const Format* f : all_formats())
    for (const OptionSpec& o : f->options())
      EXPECT_FALSE(o.description.empty()) << f->name() << " " << o.name;
}

// The ConfigError a conversion with `config` stops with, or "(no error)".
std::string refusal(std::string_view format, std::string_view config) {
  const Format* f = find_format(format);
  if (!f) return "(no format)";
  StringSink sink;
  try {
    convert(std::make_unique<MemorySource>(std::string()), sink, *f, parse_config(config), {});
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(FormatDeclarations, RefusalsKeepTheirMessages) {
  const std::vector<std::tuple<std::string, std::string, std::string>> cases = {
      {"yolo", R"({"task":"pose"})",
       R"(Config JSON: "task" must be "detect", "segment" or "obb", got "pose")"},
      {"yolo", R"({"layout":"coco"})",
       R"(Config JSON: "layout" must be "ultralytics" or "darknet", got "coco")"},
      {"yolo", R"({"layout":"darknet","task":"segment"})",
       R"(Config JSON: the Darknet layout holds boxes only ("task": "detect"))"},
      {"yolo", R"({"split_by":"day"})", R"(Config JSON: "split_by" must be "batch")"},
      {"voc", R"({"split":{"train":1},"split_by":"batch"})",
       R"(Config JSON: use either "split" or "split_by", not both)"},
      {"voc", R"({"split":{"t":0}})", R"(Config JSON: the "split" fractions add up to 0)"},
      {"voc", R"({"classes":["a","a"]})", R"(Config JSON: class "a" appears twice in "classes")"},
      {"voc", R"({"classes":[1]})",
       R"(Config JSON: "classes" must hold non-empty strings (class names))"},
      {"ner", R"({"output":"xml"})",
       R"(Config JSON: "output" must be "conll", "jsonl" or "both", not "xml")"},
      {"ner", R"({"scheme":"IOB1"})",
       R"(Config JSON: "scheme" must be "BIO" (or "IOB2") or "BIOES", not "IOB1")"},
      {"ner", R"({"offsets":"bytes"})",
       R"(Config JSON: "offsets" must be "utf16" or "codepoints", not "bytes")"},
      {"ner", R"({"sentences":"words"})",
       R"(Config JSON: "sentences" must be "document" or "lines", not "words")"},
      {"ner", R"({"text_field":"a..b"})",
       R"("text_field": "a..b" is not a dotted path of keys (e.g. "contextData.text"))"},
      {"aaf", R"({"layout":"xml"})",
       R"(Config JSON: aaf: "layout" must be "ndjson" or "json", not "xml")"},
      {"aaf", R"({"normalize":true})", R"(Config JSON: aaf: "normalize" must be false or "v3")"},
      {"aaf", R"({"stages":[]})",
       R"(Config JSON: aaf: "stages" is empty (it would drop everything); omit it to keep all)"},
      {"aaf", R"({"file_name":"report.json"})",
       R"(Config JSON: aaf: "file_name" cannot be report.json)"},
      {"coco", R"({"split_by":"stage"})",
       R"(Config JSON: coco: "split_by" must be "batch", got "stage")"},
      {"coco", R"({"split":{"train":0.8},"split_by":"batch"})",
       R"(Config JSON: coco: "split" and "split_by" exclude each other)"},
      {"coco", R"({"keypoint_classes":{"person":["x"]},"categories":["car"]})",
       R"(Config JSON: coco: keypoint class "person" is not in "categories")"},
      {"coco", R"({"image_id_start":-1})",
       R"(Config JSON: coco: "image_id_start" must be between 0 and 2^53, got -1)"},
      {"coco", R"({"categories":[]})", R"(Config JSON: coco: "categories" must not be empty)"},
      {"kitti", R"({"class_map":{"a":"two words"}})",
       R"(Config JSON: "class_map" maps "a" to something other than a one-token KITTI type (a )"
       R"(non-empty string without white space))"},
      {"cvat", R"({"labels":["a","a"]})", R"("labels": "a" is listed twice)"},
      {"yolo", R"({"task":1})",
       R"(Config JSON: option "task" of format 'yolo' must be a string, got integer)"},
      {"tsv", R"({"x":1})",
       "Config JSON: format 'tsv' has no option \"x\" (its options: one_row_per_asset, "
       "include_classifications, empty_rows; see `xport formats tsv`)"},
      {"sample", R"({"separator-character":5})", "(no error)"},
      {"aaf", R"({"normalize":null,"file_name":"dir/x.json"})", "(no error)"},
  };
  for (const auto& [format, config, message] : cases)
    EXPECT_EQ(refusal(format, config), message) << format << " " << config;
}

TEST(FormatDeclarations, YoloDefaultsComeFromTheDeclarations) {
  auto o = formats::yolo::YoloOptions::declarations().parse({});
  EXPECT_EQ(o.task, formats::yolo::Task::detect);
  EXPECT_EQ(o.layout, formats::yolo::Layout::ultralytics);
  EXPECT_FALSE(o.skip_empty);
  EXPECT_FALSE(o.boxes_from_polygons);
  EXPECT_FALSE(o.classes.fixed());
  EXPECT_EQ(o.split.declared(), std::vector<std::string>{"train"});
  auto s = formats::yolo::YoloOptions::declarations().parse(
      boost::json::parse(R"({"split":{"b":1,"a":1},"classes":["x"],"task":"obb"})").as_object());
  EXPECT_EQ(s.task, formats::yolo::Task::obb);
  EXPECT_TRUE(s.classes.fixed());
  EXPECT_EQ(s.split.declared(), (std::vector<std::string>{"b", "a"}));
}

}  // namespace
}  // namespace xport
