#include "formats/cvat/cvat_format.hpp"

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

std::string_view CvatFormat::description() const {
  return "CVAT for images 1.1: annotations.xml with labels and attributes in <meta>, and per "
         "asset an <image> with boxes (rotated ones with `rotation`), polygons, polylines, "
         "points and tags; object classifications as attributes.";
}

std::unique_ptr<Conversion> CvatFormat::start_with(FormatContext& context,
                                                   cvat::CvatOptions options) const {
  return std::make_unique<cvat::CvatConversion>(context, std::move(options));
}

}  // namespace xport::formats
