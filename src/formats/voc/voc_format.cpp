// `voc`: Pascal VOC detection annotations: Annotations/<stem>.xml per image,
// ImageSets/Main/<split>.txt, classes.txt and images.txt (where each image goes, its URL).
// See docs/formats/voc.md.
#include "formats/builtin_formats.hpp"

#include "formats/voc/voc_conversion.hpp"

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

std::unique_ptr<Format> voc_format() {
  return std::make_unique<DeclaredFormat<voc::VocOptions>>(
      FormatInfo{.name = "voc",
                 .description =
                     "Pascal VOC detection: Annotations/<image>.xml with pixel boxes (1-based by "
                     "default), ImageSets/Main/<split>.txt, classes.txt, and images.txt with each "
                     "image's path and URL.",
                 .fields = aaf::Fields::objects,
                 .geometry = {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
                              aaf::ObjectKind::polygon, aaf::ObjectKind::segmentation}},
      construct<voc::VocConversion, voc::VocOptions>);
}

}  // namespace xport::formats
