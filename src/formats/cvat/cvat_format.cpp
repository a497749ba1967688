#include "formats/cvat/cvat_format.hpp"

#include <boost/json.hpp>

#include "formats/cvat/cvat_conversion.hpp"

namespace xport::formats {
namespace {

const std::vector<OptionSpec> kOptions = {
    {"labels", OptionType::array, "[]",
     "Label names in <meta> order; all are declared, even unused. Objects and tags of other "
     "labels are dropped and reported. Empty: every label met, in order of first appearance."},
    {"include_tags", OptionType::boolean, "true",
     "Write task-level radio classifications as image <tag>s (label = the classification's "
     "title, answer in an attribute of the same name). false: they are left out and reported."},
};

}  // namespace

std::string_view CvatFormat::description() const {
  return "CVAT for images 1.1: annotations.xml with labels and attributes in <meta>, and per "
         "asset an <image> with boxes (rotated ones with `rotation`), polygons, polylines, "
         "points and tags; object classifications as attributes.";
}

std::span<const OptionSpec> CvatFormat::options() const {
  return kOptions;
}

std::unique_ptr<Conversion> CvatFormat::start(FormatContext& context) const {
  const auto& config = context.config;
  cvat::Settings s;
  s.labels = cvat::LabelTable::from_config(config);
  auto it = config.find("include_tags");
  if (it != config.end() && it->value().is_bool()) s.include_tags = it->value().as_bool();
  return std::make_unique<cvat::CvatConversion>(context, std::move(s));
}

}  // namespace xport::formats
