// What consume() leaves for commit(): each asset's image entry and annotations rendered
// as JSON text without the ids only commit() can give (image, annotation and category ids
// are global, in input order), plus the chunk's report.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "xport/aaf/reader.hpp"
#include "xport/report.hpp"

namespace xport::formats::coco {

struct TextRange {
  std::size_t offset = 0, length = 0;
  std::string_view in(const std::string& text) const { return {text.data() + offset, length}; }
};

struct AnnotationRecord {
  TextRange category;  // the class name
  TextRange body;      // `,"bbox":...}`: everything after "category_id"
};

struct AssetRecord {
  std::size_t split = 0;  // ratio mode: the split; batch mode: see `batch`
  bool has_batch = false;
  TextRange batch;  // batch mode: the asset's first batch
  TextRange image;  // `,"file_name":...}`: everything after "id"
  std::size_t first_annotation = 0, annotations = 0;
  bool listed = true;  // false: left out by skip_empty
};

// A report entry waiting for the asset to be complete (see CocoChunk).
struct PendingNote {
  Report::Action action;
  std::string_view reason;  // a string literal
  std::string detail;
};

struct CocoChunk {
  std::string text;
  std::vector<AssetRecord> assets;
  std::vector<AnnotationRecord> annotations;
  Report report;
  // Per asset: the report is updated only once the asset is rendered, so that an exception
  // leaves the chunk as it was (text and records are rolled back).
  std::vector<PendingNote> notes;
  std::vector<std::pair<std::string_view, aaf::ObjectKind>> written;
};

}  // namespace xport::formats::coco
