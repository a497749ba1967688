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

std::unique_ptr<Conversion> CocoFormat::start_with(FormatContext& context,
                                                   coco::CocoOptions options) const {
  return std::make_unique<coco::CocoConversion>(context, std::move(options));
}

}  // namespace xport::formats
