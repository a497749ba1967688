// `yolo`: YOLO label files, in the Ultralytics layout (data.yaml, labels/<split>/<stem>.txt)
// or the Darknet one (obj.names, obj.data, <split>.txt, obj_<split>_data/<stem>.txt), for
// the detect, segment and obb tasks. See docs/formats/yolo.md.
#pragma once

#include "formats/yolo/yolo_conversion.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats {

class YoloFormat final : public TypedFormat<yolo::YoloOptions> {
 public:
  std::string_view name() const override { return "yolo"; }
  std::string_view description() const override;
  aaf::Fields fields() const override { return aaf::Fields::objects; }
  aaf::KindSet geometry() const override {
    return {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
            aaf::ObjectKind::polygon, aaf::ObjectKind::segmentation};
  }
  std::unique_ptr<Conversion> start_with(FormatContext& context,
                                         yolo::YoloOptions options) const override;
};

}  // namespace xport::formats
