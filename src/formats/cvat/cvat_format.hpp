// `cvat`: CVAT for images 1.1 XML: one annotations.xml with <meta> (labels and their
// attributes) and an <image> per asset holding boxes, polygons, polylines, points and tags.
// See docs/formats/cvat.md.
#pragma once

#include "formats/cvat/cvat_conversion.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats {

class CvatFormat final : public TypedFormat<cvat::CvatOptions> {
 public:
  std::string_view name() const override { return "cvat"; }
  std::string_view description() const override;
  aaf::Fields fields() const override {
    // Relations are read only to report them (CVAT for images has none).
    return aaf::Fields::objects | aaf::Fields::classifications | aaf::Fields::relations;
  }
  // ner, pdf, spline and angle objects are reported by kind only: not decoded.
  aaf::KindSet geometry() const override {
    return {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
            aaf::ObjectKind::polygon,      aaf::ObjectKind::polyline,
            aaf::ObjectKind::point,        aaf::ObjectKind::segmentation};
  }
  std::unique_ptr<Conversion> start_with(FormatContext& context,
                                         cvat::CvatOptions options) const override;
};

}  // namespace xport::formats
