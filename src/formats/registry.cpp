// The one place that lists the built-in formats: one line each.
#include <algorithm>

#include "formats/aaf/aaf_format.hpp"
#include "formats/classification/classification_format.hpp"
#include "formats/coco/coco_format.hpp"
#include "formats/csv/csv_format.hpp"
#include "formats/cvat/cvat_format.hpp"
#include "formats/kitti/kitti_format.hpp"
#include "formats/ner/ner_format.hpp"
#include "formats/sample/sample_format.hpp"
#include "formats/voc/voc_format.hpp"
#include "formats/yolo/yolo_format.hpp"
#include "xport/format.hpp"

namespace xport {
namespace {

const std::vector<std::unique_ptr<Format>>& registry() {
  static const auto formats = [] {
    std::vector<std::unique_ptr<Format>> v;
    v.push_back(std::make_unique<formats::AafFormat>());
    v.push_back(std::make_unique<formats::ClassificationFormat>());
    v.push_back(std::make_unique<formats::CocoFormat>());
    v.push_back(std::make_unique<formats::CvatFormat>());
    v.push_back(std::make_unique<formats::DelimitedFormat>(false));  // csv
    v.push_back(std::make_unique<formats::DelimitedFormat>(true));   // tsv
    v.push_back(std::make_unique<formats::KittiFormat>());
    v.push_back(std::make_unique<formats::NerFormat>());
    v.push_back(std::make_unique<formats::SampleFormat>());
    v.push_back(std::make_unique<formats::VocFormat>());
    v.push_back(std::make_unique<formats::YoloFormat>());
    std::sort(v.begin(), v.end(),
              [](const auto& a, const auto& b) { return a->name() < b->name(); });
    return v;
  }();
  return formats;
}

}  // namespace

const Format* find_format(std::string_view name) {
  for (const auto& f : registry())
    if (f->name() == name) return f.get();
  return nullptr;
}

std::vector<const Format*> all_formats() {
  std::vector<const Format*> out;
  for (const auto& f : registry())
    out.push_back(f.get());
  return out;
}

}  // namespace xport
