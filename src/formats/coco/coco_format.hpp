// `coco`: COCO detection / instance segmentation / keypoints JSON
// (annotations/instances.json, or annotations/instances_<split>.json per split), streamed
// with bounded memory. See docs/formats/coco.md for what is kept, changed and dropped.
#pragma once

#include "formats/coco/coco_options.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats {

class CocoFormat final : public TypedFormat<coco::CocoOptions> {
 public:
  std::string_view name() const override { return "coco"; }
  std::string_view description() const override;
  // Batches, sizes and externalIds are basic fields; only object geometries are added, and
  // only those COCO can write (other kinds are recognised and reported, never decoded).
  aaf::Fields fields() const override { return aaf::Fields::objects; }
  aaf::KindSet geometry() const override {
    return {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
            aaf::ObjectKind::polygon, aaf::ObjectKind::segmentation, aaf::ObjectKind::point};
  }
  std::unique_ptr<Conversion> start_with(FormatContext& context,
                                         coco::CocoOptions options) const override;
};

}  // namespace xport::formats
