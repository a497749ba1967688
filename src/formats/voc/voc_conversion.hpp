// The Pascal VOC conversion: each image's XML is built on a worker thread (it does not
// depend on the file stem); commit() names the file, fills the split lists and the class
// table in input order.
#pragma once

#include <memory>

#include "formats/common/class_table.hpp"
#include "formats/common/spool.hpp"
#include "formats/common/text.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats::voc {

// The `voc` format's Config JSON options (declared in voc_format.cpp).
struct VocOptions {
  bool one_based;
  bool skip_empty;
  bool boxes_from_polygons;
  dataset::ClassTable classes;
  dataset::SplitRule split;
  static const OptionList<VocOptions>& declarations();
};

struct Image {
  std::string xml;
  std::string stem_source;
  std::string url;
  std::string split;
  std::uint32_t first_object = 0, objects = 0;  // in VocChunk::object_classes
};

struct VocChunk {
  dataset::ChunkClasses classes;
  std::vector<std::uint32_t> object_classes;  // chunk-local class id of each written object
  std::vector<Image> images;
  Report report;
  // Scratch for one asset.
  dataset::PendingNotes notes;
  std::string xml;
};

class VocConversion final : public ChunkedConversion<VocChunk> {
 public:
  VocConversion(FormatContext& context, VocOptions settings);

  void consume_asset(const aaf::Asset& asset, VocChunk& chunk) override;
  void commit_chunk(VocChunk& chunk) override;
  void finish() override;

 private:
  struct Box {
    double xmin, ymin, xmax, ymax;
    bool truncated;
  };
  // The box in the chosen pixel convention, clamped to the image when its size is known;
  // nullopt (noted) when nothing is left.
  std::optional<Box> to_voc(dataset::Bounds b, std::optional<double> width,
                            std::optional<double> height, dataset::PendingNotes& notes) const;
  void list_image(std::string_view split, std::string_view stem);

  FormatContext& context_;
  VocOptions settings_;
  dataset::BoxPicker picker_;
  text::StemAllocator stems_;
  dataset::SplitOrder splits_;
  std::vector<std::unique_ptr<Spool>> split_lists_;  // ImageSets/Main/<split>.txt
  std::unique_ptr<Spool> trainval_;  // the union of train and val, when both are splits
  Spool image_list_;                 // images.txt
};

}  // namespace xport::formats::voc
