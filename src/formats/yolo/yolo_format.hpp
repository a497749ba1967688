// `yolo`: YOLO label files, in the Ultralytics layout (data.yaml, labels/<split>/<stem>.txt)
// or the Darknet one (obj.names, obj.data, <split>.txt, obj_<split>_data/<stem>.txt), for
// the detect, segment and obb tasks. See docs/formats/yolo.md.
#pragma once

#include "xport/format.hpp"

namespace xport::formats {

class YoloFormat final : public Format {
 public:
  std::string_view name() const override { return "yolo"; }
  std::string_view description() const override;
  std::span<const OptionSpec> options() const override;
  aaf::Fields fields() const override { return aaf::Fields::objects; }
  aaf::KindSet geometry() const override {
    return {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
            aaf::ObjectKind::polygon, aaf::ObjectKind::segmentation};
  }
  std::unique_ptr<Conversion> start(FormatContext& context) const override;
};

}  // namespace xport::formats
