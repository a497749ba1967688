// The one place that lists the built-in formats: one line each.
#include <algorithm>

#include "formats/builtin_formats.hpp"

#include "xport/format.hpp"

namespace xport {
namespace {

const std::vector<std::unique_ptr<Format>>& registry() {
  static const auto formats = [] {
    std::vector<std::unique_ptr<Format>> v;
    for (auto factory :
         {formats::aaf_format, formats::classification_format, formats::coco_format,
          formats::csv_format, formats::cvat_format, formats::kitti_format, formats::ner_format,
          formats::sample_format, formats::tsv_format, formats::voc_format, formats::yolo_format})
      v.push_back(factory());
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
