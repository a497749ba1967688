// `kitti`: KITTI 2D object labels: label_2/<stem>.txt per image with the devkit's 15 fields
// per object (3D fields zero-filled), and images.txt (where each image goes, its URL).
// See docs/formats/kitti.md.
#pragma once

#include "formats/kitti/kitti_conversion.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats {

class KittiFormat final : public TypedFormat<kitti::KittiOptions> {
 public:
  std::string_view name() const override { return "kitti"; }
  std::string_view description() const override;
  aaf::Fields fields() const override { return aaf::Fields::objects; }
  aaf::KindSet geometry() const override {
    return {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
            aaf::ObjectKind::polygon, aaf::ObjectKind::segmentation};
  }
  std::unique_ptr<Conversion> start_with(FormatContext& context,
                                         kitti::KittiOptions options) const override;
};

}  // namespace xport::formats
