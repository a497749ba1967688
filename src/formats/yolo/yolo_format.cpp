// `yolo`: YOLO label files, in the Ultralytics layout (data.yaml, labels/<split>/<stem>.txt)
// or the Darknet one (obj.names, obj.data, <split>.txt, obj_<split>_data/<stem>.txt), for
// the detect, segment and obb tasks. See docs/formats/yolo.md.
#include "formats/builtin_formats.hpp"

#include "formats/yolo/yolo_conversion.hpp"

#include <boost/json.hpp>

#include "formats/yolo/yolo_conversion.hpp"
#include "xport/errors.hpp"

namespace xport::formats {

const OptionList<yolo::YoloOptions>& yolo::YoloOptions::declarations() {
  static const auto list = [] {
    OptionList<YoloOptions> o;
    o.choice(&YoloOptions::task, "task", Task::detect,
             options::Names<Task>{
                 {"detect", Task::detect}, {"segment", Task::segment}, {"obb", Task::obb}},
             "\"detect\": `c cx cy w h` from bounding boxes; \"segment\": `c x1 y1 ... xn yn` "
             "from polygons (>= 3 points), segmentation zones (one line each, holes left out), "
             "boxes and rotated boxes as their corners; \"obb\": `c x1 y1 ... x4 y4` from "
             "rotated boxes (corners in pixels, then normalised) and boxes. Everything else is "
             "dropped and reported.");
    o.option(&YoloOptions::boxes_from_polygons, "boxes_from_polygons", false,
             "Write polygons, segmentations (and, for detect, rotated boxes) as their "
             "axis-aligned bounding box. Off: they are dropped and reported, never silently "
             "turned into boxes.");
    o.group(&YoloOptions::classes,
            dataset::ClassTable::options(
                "Class names in index order. Objects of other classes are dropped and "
                "reported. Empty: the classes written, in order of first appearance in the "
                "export.",
                "Sort the class names (by UTF-8 bytes) before indexing."));
    o.group(&YoloOptions::split,
            dataset::SplitRule::options(
                "train",
                "Split name -> fraction, e.g. {\"train\": 0.8, \"val\": 0.2}: each image goes "
                "to a split by a hash of its externalId, line number and \"seed\" "
                "(deterministic). Default: every image in \"train\".",
                "\"batch\": each image goes to the split named after its first batch "
                "(\"train\" when it has none). Not together with \"split\"."));
    o.choice(
        &YoloOptions::layout, "layout", Layout::ultralytics,
        options::Names<Layout>{{"ultralytics", Layout::ultralytics}, {"darknet", Layout::darknet}},
        "\"ultralytics\": data.yaml, labels/<split>/<stem>.txt; \"darknet\" (detect "
        "only): obj.names, obj.data, <split>.txt, obj_<split>_data/<stem>.txt.");
    o.option(&YoloOptions::skip_empty, "skip_empty", false,
             "Leave out images without labels. Default: keep them as negatives (empty label "
             "file).");
    o.finish([](YoloOptions& s) {
      if (s.layout == Layout::darknet && s.task != Task::detect)
        throw ConfigError(
            "Config JSON: the Darknet layout holds boxes only (\"task\": \"detect\")");
    });
    return o;
  }();
  return list;
}

std::unique_ptr<Format> yolo_format() {
  return std::make_unique<DeclaredFormat<yolo::YoloOptions>>(
      FormatInfo{
          .name = "yolo",
          .description =
              "YOLO labels (Ultralytics or Darknet layout) for detect, segment or obb: one "
              "label file per image, a class list, and images.txt with each image's path and "
              "URL.",
          .fields = aaf::Fields::objects,
          .geometry = {aaf::ObjectKind::bounding_box, aaf::ObjectKind::rotated_bounding_box,
                       aaf::ObjectKind::polygon, aaf::ObjectKind::segmentation}},
      construct<yolo::YoloConversion, yolo::YoloOptions>);
}

}  // namespace xport::formats
