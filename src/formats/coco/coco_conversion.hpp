// The `coco` Conversion: consume() renders assets (AssetRenderer), commit() gives them
// their ids in input order and appends them to the spooled sections of their split's
// document, finish() stitches each document into its zip entry.
#pragma once

#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "formats/coco/asset_renderer.hpp"
#include "formats/coco/coco_chunk.hpp"
#include "formats/coco/coco_options.hpp"
#include "formats/coco/section_spool.hpp"
#include "xport/string_hash.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats::coco {

class CocoConversion final : public ChunkedConversion<CocoChunk> {
 public:
  CocoConversion(FormatContext& context, CocoOptions options);

  void consume_asset(const aaf::Asset& asset, CocoChunk& chunk) override;
  void commit_chunk(CocoChunk& chunk) override;
  void finish() override;

 private:
  // One output document (one per split).
  struct Document {
    std::string entry;
    std::int64_t next_image = 0;
    std::int64_t next_annotation = 1;
    bool any_image = false, any_annotation = false;
  };
  std::size_t add_document(std::string entry);
  std::size_t batch_document(const AssetRecord& asset, const std::string& text);
  std::int64_t category_id(std::string_view name);
  std::string categories_json() const;

  FormatContext& context_;
  CocoOptions options_;
  AssetRenderer renderer_;
  std::vector<Document> documents_;
  SectionSpool images_, annotations_;

  // The class table: names in id order, and their ids.
  std::vector<std::string> categories_;
  StringMap<std::int64_t> category_ids_;

  // split_by batch: documents by batch name, the file names taken, the no-batch document.
  StringMap<std::size_t> batch_documents_;
  StringSet used_names_;
  std::size_t no_batch_document_ = SIZE_MAX;

  // commit() scratch, reused.
  std::vector<std::size_t> document_of_, order_;
  std::string image_text_, annotation_text_;
};

}  // namespace xport::formats::coco
