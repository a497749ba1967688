#include "formats/voc/voc_format.hpp"

#include <boost/json.hpp>

#include "formats/voc/voc_conversion.hpp"

namespace xport::formats {

const OptionList<voc::VocOptions>& voc::VocOptions::declarations() {
  static const auto list = [] {
    OptionList<VocOptions> o;
    o.option(&VocOptions::one_based, "one_based", true,
             "true: the VOC devkit's 1-based pixel indices, both ends inclusive (xmin = floor(x) "
             "+ 1, xmax = ceil(x + width): the pixels the box touches), as integers. false: the "
             "AAF's 0-based continuous coordinates unchanged (xmin = x, xmax = x + width), as "
             "decimals.");
    o.option(&VocOptions::boxes_from_polygons, "boxes_from_polygons", false,
             std::string(dataset::kBoxesFromPolygonsDescription));
    o.group(&VocOptions::classes,
            dataset::ClassTable::options(
                "Class names to keep, in classes.txt order. Objects of other classes are dropped "
                "and reported. Empty: every class written, in order of first appearance.",
                "Sort classes.txt (by UTF-8 bytes)."));
    o.group(&VocOptions::split,
            dataset::SplitRule::options(
                "trainval",
                "Split name -> fraction, e.g. {\"train\": 0.8, \"val\": 0.2}: each image goes "
                "to a split by a hash of its externalId, line number and \"seed\"; "
                "ImageSets/Main/<split>.txt per split, plus trainval.txt when both train and val "
                "are splits. Default: all in trainval.txt.",
                "\"batch\": each image goes to the split named after its first batch "
                "(\"trainval\" when it has none). Not together with \"split\"."));
    o.option(&VocOptions::skip_empty, "skip_empty", false,
             "Leave out images without objects. Default: keep them (an XML without <object>).");
    return o;
  }();
  return list;
}

std::string_view VocFormat::description() const {
  return "Pascal VOC detection: Annotations/<image>.xml with pixel boxes (1-based by default), "
         "ImageSets/Main/<split>.txt, classes.txt, and images.txt with each image's path and URL.";
}

std::unique_ptr<Conversion> VocFormat::start_with(FormatContext& context,
                                                  voc::VocOptions options) const {
  return std::make_unique<voc::VocConversion>(context, std::move(options));
}

}  // namespace xport::formats
