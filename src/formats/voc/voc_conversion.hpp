// The Pascal VOC conversion: each image's XML is built on a worker thread (it does not
// depend on the file stem); commit() names the file, fills the split lists and the class
// table in input order.
#pragma once

#include <memory>

#include "formats/common/class_table.hpp"
#include "formats/common/spool.hpp"
#include "formats/common/text.hpp"
#include "xport/format.hpp"

namespace xport::formats::voc {

struct Settings {
  bool one_based = true;
  bool skip_empty = false;
  bool boxes_from_polygons = false;
  dataset::ClassTable classes;
  dataset::SplitRule split;
};

class VocConversion final : public Conversion {
 public:
  VocConversion(FormatContext& context, Settings settings);

  std::unique_ptr<aaf::ChunkState> make_state() override;
  void consume(const aaf::Asset& asset, aaf::ChunkState& state) override;
  void commit(aaf::ChunkState& state) override;
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
  Settings settings_;
  dataset::BoxPicker picker_;
  text::StemAllocator stems_;
  dataset::SplitOrder splits_;
  std::vector<std::unique_ptr<Spool>> split_lists_;  // ImageSets/Main/<split>.txt
  std::unique_ptr<Spool> trainval_;  // the union of train and val, when both are splits
  Spool image_list_;                 // images.txt
};

}  // namespace xport::formats::voc
