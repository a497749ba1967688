#include "formats/kitti/kitti_format.hpp"

#include <boost/json.hpp>

#include "formats/kitti/kitti_conversion.hpp"
#include "xport/errors.hpp"

namespace xport::formats {
namespace {

const std::vector<OptionSpec> kOptions = {
    {"class_map", OptionType::object, "{}",
     "Class name -> KITTI type, e.g. {\"car\": \"Car\", \"person\": \"Pedestrian\"}; wins over "
     "the automatic mapping (white space in class names becomes '_', reported once per "
     "class). Types must be one token (no white space)."},
    {"boxes_from_polygons", OptionType::boolean, "false",
     "Write rotated boxes, polygons and segmentations as their axis-aligned bounding box. Off: "
     "they are dropped and reported, never silently turned into boxes."},
    {"skip_empty", OptionType::boolean, "false",
     "Leave out images without objects. Default: keep them (an empty label file)."},
};

bool bool_option(const boost::json::object& config, std::string_view key) {
  auto it = config.find(key);
  return it != config.end() && it->value().is_bool() && it->value().as_bool();
}

}  // namespace

std::string_view KittiFormat::description() const {
  return "KITTI 2D object labels: label_2/<image>.txt with 15 fields per object (type, "
         "truncated, occluded, alpha, 0-based pixel box, 3D fields zero-filled), and images.txt "
         "with each image's path and URL.";
}

std::span<const OptionSpec> KittiFormat::options() const {
  return kOptions;
}

std::unique_ptr<Conversion> KittiFormat::start(FormatContext& context) const {
  const auto& config = context.config;
  kitti::Settings s;
  s.skip_empty = bool_option(config, "skip_empty");
  s.boxes_from_polygons = bool_option(config, "boxes_from_polygons");
  if (auto it = config.find("class_map"); it != config.end() && it->value().is_object()) {
    for (const auto& [key, value] : it->value().as_object()) {
      std::string name(key);
      if (!value.is_string() || value.as_string().empty() ||
          kitti::type_token(value.as_string()) != value.as_string())
        throw ConfigError("Config JSON: \"class_map\" maps \"" + name +
                          "\" to something other than a one-token KITTI type (a non-empty "
                          "string without white space)");
      s.class_map.emplace(std::move(name), std::string(value.as_string()));
    }
  }
  return std::make_unique<kitti::KittiConversion>(context, std::move(s));
}

}  // namespace xport::formats
