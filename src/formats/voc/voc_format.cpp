#include "formats/voc/voc_format.hpp"

#include <boost/json.hpp>

#include "formats/voc/voc_conversion.hpp"

namespace xport::formats {
namespace {

const std::vector<OptionSpec> kOptions = {
    {"one_based", OptionType::boolean, "true",
     "true: the VOC devkit's 1-based pixel indices, both ends inclusive (xmin = floor(x) + 1, "
     "xmax = ceil(x + width): the pixels the box touches), as integers. false: the AAF's "
     "0-based continuous coordinates unchanged (xmin = x, xmax = x + width), as decimals."},
    {"boxes_from_polygons", OptionType::boolean, "false",
     "Write rotated boxes, polygons and segmentations as their axis-aligned bounding box. Off: "
     "they are dropped and reported, never silently turned into boxes."},
    {"classes", OptionType::array, "[]",
     "Class names to keep, in classes.txt order. Objects of other classes are dropped and "
     "reported. Empty: every class written, in order of first appearance."},
    {"sort_classes", OptionType::boolean, "false", "Sort classes.txt (by UTF-8 bytes)."},
    {"split", OptionType::object, "null",
     "Split name -> fraction, e.g. {\"train\": 0.8, \"val\": 0.2}: each image goes to a split by a "
     "hash of its externalId, line number and \"seed\"; ImageSets/Main/<split>.txt per split, "
     "plus trainval.txt when both train and val are splits. Default: all in trainval.txt."},
    {"split_by", OptionType::string, "null",
     "\"batch\": each image goes to the split named after its first batch (\"trainval\" when "
     "it has none). Not together with \"split\"."},
    {"seed", OptionType::integer, "0",
     "Seed of the \"split\" hash: change it for another random split."},
    {"skip_empty", OptionType::boolean, "false",
     "Leave out images without objects. Default: keep them (an XML without <object>)."},
};

bool bool_option(const boost::json::object& config, std::string_view key, bool fallback) {
  auto it = config.find(key);
  return it != config.end() && it->value().is_bool() ? it->value().as_bool() : fallback;
}

}  // namespace

std::string_view VocFormat::description() const {
  return "Pascal VOC detection: Annotations/<image>.xml with pixel boxes (1-based by default), "
         "ImageSets/Main/<split>.txt, classes.txt, and images.txt with each image's path and URL.";
}

std::span<const OptionSpec> VocFormat::options() const {
  return kOptions;
}

std::unique_ptr<Conversion> VocFormat::start(FormatContext& context) const {
  const auto& config = context.config;
  voc::Settings s;
  s.one_based = bool_option(config, "one_based", true);
  s.skip_empty = bool_option(config, "skip_empty", false);
  s.boxes_from_polygons = bool_option(config, "boxes_from_polygons", false);
  s.classes = dataset::ClassTable::from_config(config);
  s.split = dataset::SplitRule::from_config(config, "trainval");
  return std::make_unique<voc::VocConversion>(context, std::move(s));
}

}  // namespace xport::formats
