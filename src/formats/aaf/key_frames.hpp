// The `aaf` format's key-frame filter as a typed call, for callers that thin an export
// without choosing a format (the hub's GET /v2/export with includeKeyFramesOnly): no
// registry lookup by name and no Config JSON to get right.
//
// Every asset is kept; on video assets the tool entries marked as interpolated frames are
// dropped (docs/formats/aaf.md, "key_frames_only"). The result is what convert() writes for
// the aaf format: the export as the zip's first entry, then report.json.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "xport/io.hpp"

namespace xport::formats {

struct KeyFrameExport {
  std::string project_id = "project";  // named in report.json
  std::string entry_name;              // the export's zip entry ("<project>.ndjson")
  bool json_array = false;             // a JSON array instead of NDJSON
  unsigned threads = 2;                // converter threads (0: one per core)
};

struct KeyFrameOutcome {
  std::uint64_t assets = 0;
  std::uint64_t dropped_entries = 0;  // tool entries of interpolated frames left out
};

// Reads the export from `input` and writes the thinned zip to `sink`, committing it
// (sink.close()) only on success. Throws what convert() throws (InputError, IoError...).
KeyFrameOutcome write_key_frames_only(std::unique_ptr<ByteSource> input, ByteSink& sink,
                                      const KeyFrameExport& spec);

}  // namespace xport::formats
