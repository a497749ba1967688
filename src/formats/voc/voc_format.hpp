// `voc`: Pascal VOC detection annotations: Annotations/<stem>.xml per image,
// ImageSets/Main/<split>.txt, classes.txt and images.txt (where each image goes, its URL).
// See docs/formats/voc.md.
#pragma once

#include "formats/voc/voc_conversion.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats {

class VocFormat final : public TypedFormat<voc::VocOptions> {
 public:
  std::string_view name() const override { return "voc"; }
  std::string_view description() const override;
  aaf::Fields fields() const override { return aaf::Fields::objects; }
  aaf::KindSet geometry() const override {
    return {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
            aaf::ObjectKind::polygon, aaf::ObjectKind::segmentation};
  }
  std::unique_ptr<Conversion> start_with(FormatContext& context,
                                         voc::VocOptions options) const override;
};

}  // namespace xport::formats
