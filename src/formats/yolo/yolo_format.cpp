#include "formats/yolo/yolo_format.hpp"

#include <boost/json.hpp>

#include "formats/yolo/yolo_conversion.hpp"
#include "xport/errors.hpp"

namespace xport::formats {
namespace {

const std::vector<OptionSpec> kOptions = {
    {"task", OptionType::string, "\"detect\"",
     "\"detect\": `c cx cy w h` from bounding boxes; \"segment\": `c x1 y1 ... xn yn` from "
     "polygons (>= 3 points), segmentation zones (one line each, holes left out), boxes and "
     "rotated boxes as their corners; \"obb\": `c x1 y1 ... x4 y4` from rotated boxes (corners "
     "in pixels, then normalised) and boxes. Everything else is dropped and reported."},
    {"boxes_from_polygons", OptionType::boolean, "false",
     "Write polygons, segmentations (and, for detect, rotated boxes) as their axis-aligned "
     "bounding box. Off: they are dropped and reported, never silently turned into boxes."},
    {"classes", OptionType::array, "[]",
     "Class names in index order. Objects of other classes are dropped and reported. Empty: "
     "the classes written, in order of first appearance in the export."},
    {"sort_classes", OptionType::boolean, "false",
     "Sort the class names (by UTF-8 bytes) before indexing."},
    {"split", OptionType::object, "null",
     "Split name -> fraction, e.g. {\"train\": 0.8, \"val\": 0.2}: each image goes to a split "
     "by a hash of its externalId, line number and \"seed\" (deterministic). Default: every "
     "image in \"train\"."},
    {"split_by", OptionType::string, "null",
     "\"batch\": each image goes to the split named after its first batch (\"train\" when it "
     "has none). Not together with \"split\"."},
    {"seed", OptionType::integer, "0",
     "Seed of the \"split\" hash: change it for another random split."},
    {"layout", OptionType::string, "\"ultralytics\"",
     "\"ultralytics\": data.yaml, labels/<split>/<stem>.txt; \"darknet\" (detect only): "
     "obj.names, obj.data, <split>.txt, obj_<split>_data/<stem>.txt."},
    {"skip_empty", OptionType::boolean, "false",
     "Leave out images without labels. Default: keep them as negatives (empty label file)."},
};

std::string string_option(const boost::json::object& config, std::string_view key,
                          std::string fallback) {
  auto it = config.find(key);
  return it == config.end() || !it->value().is_string() ? fallback
                                                        : std::string(it->value().as_string());
}

bool bool_option(const boost::json::object& config, std::string_view key) {
  auto it = config.find(key);
  return it != config.end() && it->value().is_bool() && it->value().as_bool();
}

}  // namespace

std::string_view YoloFormat::description() const {
  return "YOLO labels (Ultralytics or Darknet layout) for detect, segment or obb: one label file "
         "per image, a class list, and images.txt with each image's path and URL.";
}

std::span<const OptionSpec> YoloFormat::options() const {
  return kOptions;
}

std::unique_ptr<Conversion> YoloFormat::start(FormatContext& context) const {
  const auto& config = context.config;
  yolo::Settings s;
  std::string task = string_option(config, "task", "detect");
  if (task == "detect")
    s.task = yolo::Task::detect;
  else if (task == "segment")
    s.task = yolo::Task::segment;
  else if (task == "obb")
    s.task = yolo::Task::obb;
  else
    throw ConfigError("Config JSON: \"task\" must be \"detect\", \"segment\" or \"obb\", got \"" +
                      task + "\"");
  std::string layout = string_option(config, "layout", "ultralytics");
  if (layout == "darknet")
    s.layout = yolo::Layout::darknet;
  else if (layout != "ultralytics")
    throw ConfigError("Config JSON: \"layout\" must be \"ultralytics\" or \"darknet\", got \"" +
                      layout + "\"");
  if (s.layout == yolo::Layout::darknet && s.task != yolo::Task::detect)
    throw ConfigError("Config JSON: the Darknet layout holds boxes only (\"task\": \"detect\")");
  s.skip_empty = bool_option(config, "skip_empty");
  s.boxes_from_polygons = bool_option(config, "boxes_from_polygons");
  s.classes = dataset::ClassTable::from_config(config);
  s.split = dataset::SplitRule::from_config(config, "train");
  return std::make_unique<yolo::YoloConversion>(context, std::move(s));
}

}  // namespace xport::formats
