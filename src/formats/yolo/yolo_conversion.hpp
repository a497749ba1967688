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
#include "xport/typed_format.hpp"

namespace xport::formats::yolo {

enum class Layout { ultralytics, darknet };

// The `yolo` format's Config JSON options (declared in yolo_format.cpp).
struct YoloOptions {
  Task task;
  Layout layout;
  bool skip_empty;
  bool boxes_from_polygons;
  dataset::ClassTable classes;
  dataset::SplitRule split;
  static const OptionList<YoloOptions>& declarations();
};

struct Line {
  std::uint32_t cls;         // chunk-local class id
  std::uint32_t begin, end;  // coordinate text in YoloChunk::coords
};

struct Image {
  std::string stem_source;
  std::string extension;
  std::string url;
  std::string split;
  std::uint32_t first_line = 0, lines = 0;
};

struct YoloChunk {
  dataset::ChunkClasses classes;
  std::vector<Image> images;
  std::vector<Line> lines;
  std::string coords;
  Report report;
  // Scratch for one asset.
  dataset::PendingNotes notes;
  std::vector<std::uint32_t> line_ends;
};

class YoloConversion final : public ChunkedConversion<YoloChunk> {
 public:
  YoloConversion(FormatContext& context, YoloOptions settings);

  void consume_asset(const aaf::Asset& asset, YoloChunk& chunk) override;
  void commit_chunk(YoloChunk& chunk) override;
  void finish() override;

 private:
  // Where the label file and the image of `stem` go in split `split`.
  std::string label_path(std::string_view split, std::string_view stem) const;
  std::string image_path(std::string_view split, std::string_view stem,
                         std::string_view extension) const;
  void write_ultralytics_yaml(const std::vector<std::string>& names);
  void write_darknet_files(const std::vector<std::string>& names);

  FormatContext& context_;
  YoloOptions settings_;
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
