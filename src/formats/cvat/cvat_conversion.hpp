// The CVAT for images 1.1 conversion. Each image's XML is built on a worker thread without
// its id; commit() numbers the images in input order and spools them, because <meta>
// (whose labels are only known after the last asset) must precede them in the document.
// finish() writes the meta and copies the spooled images after it: memory stays bounded.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "formats/common/spool.hpp"
#include "formats/cvat/cvat_labels.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats::cvat {

// The `cvat` format's Config JSON options (declared in cvat_format.cpp).
struct CvatOptions {
  LabelTable labels;  // the configured "labels" (fixed), or empty (first appearance)
  bool include_tags;
  static const OptionList<CvatOptions>& declarations();
};

struct CvatChunk {
  std::string xml;                // each image's XML from after `<image id="N"`
  std::vector<std::size_t> ends;  // where each image's XML ends in `xml`
  LabelTable labels;
  Report report;
  // Scratch for one asset.
  dataset::PendingNotes notes;
  std::vector<AttributeUse> uses;
};

class CvatConversion final : public ChunkedConversion<CvatChunk> {
 public:
  CvatConversion(FormatContext& context, CvatOptions settings);

  void consume_asset(const aaf::Asset& asset, CvatChunk& chunk) override;
  void commit_chunk(CvatChunk& chunk) override;
  void finish() override;

 private:
  FormatContext& context_;
  // Read by workers (never changed after start): which labels the config allows.
  const CvatOptions settings_;
  LabelTable labels_;  // the export's labels, merged at commit
  std::uint64_t next_id_ = 0;
  Spool images_;
};

}  // namespace xport::formats::cvat
