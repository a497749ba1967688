// `coco`: COCO detection / instance segmentation / keypoints JSON
// (annotations/instances.json, or annotations/instances_<split>.json per split), streamed
// with bounded memory. See docs/formats/coco.md for what is kept, changed and dropped.
#include "formats/builtin_formats.hpp"

#include "formats/coco/coco_options.hpp"

#include "formats/coco/coco_conversion.hpp"
#include "formats/coco/coco_options.hpp"

namespace xport::formats {

std::unique_ptr<Format> coco_format() {
  return std::make_unique<DeclaredFormat<coco::CocoOptions>>(
      FormatInfo{
          .name = "coco",
          .description =
              "COCO detection and instance segmentation JSON (annotations/instances.json; one "
              "file per split with \"split\"/\"split_by\"): boxes, polygons, rotated boxes "
              "(as polygons), segmentation zones (holes as RLE), keypoints from point objects "
              "with \"keypoint_classes\". Every asset is an image; anything else is reported.",
          .fields = aaf::Fields::objects,
          .geometry = {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
                       aaf::ObjectKind::polygon, aaf::ObjectKind::segmentation,
                       aaf::ObjectKind::point}},
      construct<coco::CocoConversion, coco::CocoOptions>);
}

}  // namespace xport::formats
