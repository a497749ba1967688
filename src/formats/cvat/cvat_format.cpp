// `cvat`: CVAT for images 1.1 XML: one annotations.xml with <meta> (labels and their
// attributes) and an <image> per asset holding boxes, polygons, polylines, points and tags.
// See docs/formats/cvat.md.
#include "formats/builtin_formats.hpp"

#include "formats/cvat/cvat_conversion.hpp"

#include <boost/json.hpp>

#include "formats/cvat/cvat_conversion.hpp"

namespace xport::formats {

const OptionList<cvat::CvatOptions>& cvat::CvatOptions::declarations() {
  static const auto list = [] {
    OptionList<CvatOptions> o;
    o.custom(&CvatOptions::labels, "labels", OptionType::array, "[]",
             "Label names in <meta> order; all are declared, even unused. Objects and tags of "
             "other labels are dropped and reported. Empty: every label met, in order of first "
             "appearance.",
             [](const boost::json::value& v) { return LabelTable::from_list(v.as_array()); });
    o.option(&CvatOptions::include_tags, "include_tags", true,
             "Write task-level radio classifications as image <tag>s (label = the "
             "classification's title, answer in an attribute of the same name). false: they are "
             "left out and reported.");
    return o;
  }();
  return list;
}

std::unique_ptr<Format> cvat_format() {
  return std::make_unique<DeclaredFormat<cvat::CvatOptions>>(
      FormatInfo{
          .name = "cvat",
          .description =
              "CVAT for images 1.1: annotations.xml with labels and attributes in <meta>, and "
              "per asset an <image> with boxes (rotated ones with `rotation`), polygons, "
              "polylines, points and tags; object classifications as attributes.",
          .fields = aaf::Fields::objects | aaf::Fields::classifications | aaf::Fields::relations,
          .geometry = {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
                       aaf::ObjectKind::polygon, aaf::ObjectKind::polyline, aaf::ObjectKind::point,
                       aaf::ObjectKind::segmentation}},
      construct<cvat::CvatConversion, cvat::CvatOptions>);
}

}  // namespace xport::formats
