// The built-in formats: one factory each, defined in the format's folder (its *_format.cpp,
// beside the options' declarations) and listed once by registry.cpp.
#pragma once

#include <memory>

#include "xport/typed_format.hpp"

namespace xport::formats {

std::unique_ptr<Format> aaf_format();
std::unique_ptr<Format> classification_format();
std::unique_ptr<Format> coco_format();
std::unique_ptr<Format> csv_format();
std::unique_ptr<Format> cvat_format();
std::unique_ptr<Format> kitti_format();
std::unique_ptr<Format> ner_format();
std::unique_ptr<Format> sample_format();
std::unique_ptr<Format> tsv_format();
std::unique_ptr<Format> voc_format();
std::unique_ptr<Format> yolo_format();

}  // namespace xport::formats
