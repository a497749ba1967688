// The YOLO conversion: label lines are built on worker threads (coordinates only, classes
// as chunk-local ids), then committed in input order, where file stems and class indices
// are handed out, so the output is the same whatever the thread count.
#pragma once

#include <map>
#include <memory>
#include <optional>

#include "formats/common/class_table.hpp"
#include "formats/common/spool.hpp"
#include "formats/common/text.hpp"
#include "formats/yolo/deferred_labels.hpp"
#include "formats/yolo/yolo_labels.hpp"
#include "xport/format.hpp"

namespace xport::formats::yolo {

enum class Layout { ultralytics, darknet };

struct Settings {
  Task task = Task::detect;
  Layout layout = Layout::ultralytics;
  bool skip_empty = false;
  bool boxes_from_polygons = false;
  dataset::ClassTable classes;
  dataset::SplitRule split;
};

class YoloConversion final : public Conversion {
 public:
  YoloConversion(FormatContext& context, Settings settings);

  std::unique_ptr<aaf::ChunkState> make_state() override;
  void consume(const aaf::Asset& asset, aaf::ChunkState& state) override;
  void commit(aaf::ChunkState& state) override;
  void finish() override;

 private:
  // Where the label file and the image of `stem` go in split `split`.
  std::string label_path(std::string_view split, std::string_view stem) const;
  std::string image_path(std::string_view split, std::string_view stem,
                         std::string_view extension) const;
  void write_ultralytics_yaml(const std::vector<std::string>& names);
  void write_darknet_files(const std::vector<std::string>& names);

  FormatContext& context_;
  Settings settings_;
  LabelBuilder builder_;
  text::StemAllocator stems_;
  dataset::SplitOrder splits_;
  Spool image_list_;  // images.txt
  // Darknet: each split's image list (<split>.txt), by split position.
  std::vector<std::unique_ptr<Spool>> split_lists_;
  std::optional<DeferredLabels> deferred_;
  std::string label_;  // scratch for one label file
};

}  // namespace xport::formats::yolo
