// `kitti`: KITTI 2D object labels: label_2/<stem>.txt per image with the devkit's 15 fields
// per object (3D fields zero-filled), and images.txt (where each image goes, its URL).
// See docs/formats/kitti.md.
#include "formats/builtin_formats.hpp"

#include "formats/kitti/kitti_conversion.hpp"

#include <boost/json.hpp>

#include "formats/kitti/kitti_conversion.hpp"
#include "xport/errors.hpp"

namespace xport::formats {

const OptionList<kitti::KittiOptions>& kitti::KittiOptions::declarations() {
  static const auto list = [] {
    OptionList<KittiOptions> o;
    o.custom(&KittiOptions::class_map, "class_map", OptionType::object, "{}",
             "Class name -> KITTI type, e.g. {\"car\": \"Car\", \"person\": \"Pedestrian\"}; "
             "wins over the automatic mapping (white space in class names becomes '_', "
             "reported once per class). Types must be one token (no white space).",
             [](const boost::json::value& v) {
               dataset::StringMap<std::string> map;
               for (const auto& [key, value] : v.as_object()) {
                 std::string name(key);
                 if (!value.is_string() || value.as_string().empty() ||
                     type_token(value.as_string()) != value.as_string())
                   throw ConfigError("Config JSON: \"class_map\" maps \"" + name +
                                     "\" to something other than a one-token KITTI type (a "
                                     "non-empty string without white space)");
                 map.emplace(std::move(name), std::string(value.as_string()));
               }
               return map;
             });
    o.option(&KittiOptions::boxes_from_polygons, "boxes_from_polygons", false,
             std::string(dataset::kBoxesFromPolygonsDescription));
    o.option(&KittiOptions::skip_empty, "skip_empty", false,
             "Leave out images without objects. Default: keep them (an empty label file).");
    return o;
  }();
  return list;
}

std::unique_ptr<Format> kitti_format() {
  return std::make_unique<DeclaredFormat<kitti::KittiOptions>>(
      FormatInfo{.name = "kitti",
                 .description =
                     "KITTI 2D object labels: label_2/<image>.txt with 15 fields per object (type, "
                     "truncated, occluded, alpha, 0-based pixel box, 3D fields zero-filled), and "
                     "images.txt with each image's path and URL.",
                 .fields = aaf::Fields::objects,
                 .geometry = {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
                              aaf::ObjectKind::polygon, aaf::ObjectKind::segmentation}},
      construct<kitti::KittiConversion, kitti::KittiOptions>);
}

}  // namespace xport::formats
