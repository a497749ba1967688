// The CVAT for images 1.1 conversion. Each image's XML is built on a worker thread without
// its id; commit() numbers the images in input order and spools them, because <meta>
// (whose labels are only known after the last asset) must precede them in the document.
// finish() writes the meta and copies the spooled images after it: memory stays bounded.
#pragma once

#include <memory>
#include <string>

#include "formats/common/spool.hpp"
#include "formats/cvat/cvat_labels.hpp"
#include "xport/format.hpp"

namespace xport::formats::cvat {

struct Settings {
  LabelTable labels;  // the configured "labels" (fixed), or empty (first appearance)
  bool include_tags = true;
};

class CvatConversion final : public Conversion {
 public:
  CvatConversion(FormatContext& context, Settings settings);

  std::unique_ptr<aaf::ChunkState> make_state() override;
  void consume(const aaf::Asset& asset, aaf::ChunkState& state) override;
  void commit(aaf::ChunkState& state) override;
  void finish() override;

 private:
  FormatContext& context_;
  // Read by workers (never changed after start): which labels the config allows.
  const Settings settings_;
  LabelTable labels_;  // the export's labels, merged at commit
  std::uint64_t next_id_ = 0;
  Spool images_;
};

}  // namespace xport::formats::cvat
