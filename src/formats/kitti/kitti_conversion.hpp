// The KITTI conversion: label text is built on worker threads (it depends on neither the
// file stem nor a class index); commit() names the files in input order.
#pragma once

#include <deque>
#include <memory>

#include "formats/common/class_table.hpp"
#include "formats/common/spool.hpp"
#include "formats/common/text.hpp"
#include "xport/format.hpp"

namespace xport::formats::kitti {

struct Settings {
  bool skip_empty = false;
  bool boxes_from_polygons = false;
  // Class name -> KITTI type, from "class_map" (wins over the automatic mapping).
  dataset::StringMap<std::string> class_map;
};

// A class name as one KITTI type token: white space and control characters become '_'.
std::string type_token(std::string_view class_name);

class KittiConversion final : public Conversion {
 public:
  KittiConversion(FormatContext& context, Settings settings);

  std::unique_ptr<aaf::ChunkState> make_state() override;
  void consume(const aaf::Asset& asset, aaf::ChunkState& state) override;
  void commit(aaf::ChunkState& state) override;
  void finish() override;

 private:
  // The type of `class_name`; notes (once per object, under a reason naming the class) an
  // automatic mapping. `reasons` owns the reason text until the notes are applied.
  std::string type_of(std::string_view class_name, dataset::PendingNotes& notes,
                      std::deque<std::string>& reasons) const;

  FormatContext& context_;
  Settings settings_;
  dataset::BoxPicker picker_;
  text::StemAllocator stems_;
  Spool image_list_;  // images.txt
};

}  // namespace xport::formats::kitti
