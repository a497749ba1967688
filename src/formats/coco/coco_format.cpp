#include "formats/coco/coco_format.hpp"

#include "formats/coco/coco_conversion.hpp"
#include "formats/coco/coco_options.hpp"

namespace xport::formats {

std::string_view CocoFormat::description() const {
  return "COCO detection and instance segmentation JSON (annotations/instances.json; one file "
         "per split with \"split\"/\"split_by\"): boxes, polygons, rotated boxes (as polygons), "
         "segmentation zones (holes as RLE), keypoints from point objects with "
         "\"keypoint_classes\". Every asset is an image; anything else is reported.";
}

std::span<const OptionSpec> CocoFormat::options() const {
  return coco::option_specs();
}

std::unique_ptr<Conversion> CocoFormat::start(FormatContext& context) const {
  return std::make_unique<coco::CocoConversion>(context, coco::parse_options(context.config));
}

}  // namespace xport::formats
