// The KITTI conversion: label text is built on worker threads (it depends on neither the
// file stem nor a class index); commit() names the files in input order.
#pragma once

#include <deque>
#include <memory>

#include "formats/common/class_table.hpp"
#include "formats/common/spool.hpp"
#include "formats/common/text.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats::kitti {

// The `kitti` format's Config JSON options (declared in kitti_format.cpp).
struct KittiOptions {
  bool skip_empty;
  bool boxes_from_polygons;
  // Class name -> KITTI type, from "class_map" (wins over the automatic mapping).
  dataset::StringMap<std::string> class_map;
  static const OptionList<KittiOptions>& declarations();
};

// A class name as one KITTI type token: white space and control characters become '_'.
std::string type_token(std::string_view class_name);

struct Image {
  std::string labels;
  std::string stem_source;
  std::string extension;
  std::string url;
};

struct KittiChunk {
  std::vector<Image> images;
  Report report;
  // Scratch for one asset.
  dataset::PendingNotes notes;
  std::deque<std::string> reasons;
  std::string labels;
};

class KittiConversion final : public ChunkedConversion<KittiChunk> {
 public:
  KittiConversion(FormatContext& context, KittiOptions settings);

  void consume_asset(const aaf::Asset& asset, KittiChunk& chunk) override;
  void commit_chunk(KittiChunk& chunk) override;
  void finish() override;

 private:
  // The type of `class_name`; notes (once per object, under a reason naming the class) an
  // automatic mapping. `reasons` owns the reason text until the notes are applied.
  std::string type_of(std::string_view class_name, dataset::PendingNotes& notes,
                      std::deque<std::string>& reasons) const;

  FormatContext& context_;
  KittiOptions settings_;
  dataset::BoxPicker picker_;
  text::StemAllocator stems_;
  Spool image_list_;  // images.txt
};

}  // namespace xport::formats::kitti
