// Writes a project's AAF export (protocol.md §2, GET /v2/export) as a zip whose first entry
// is the NDJSON or JSON-array export, straight from the store's rows. With key frames only,
// the rows go through the `aaf` format's key-frame filter on the way
// (formats/aaf/key_frames.hpp) (producer thread →
// BytePipe → converter), so even a thinned export is streamed in constant memory; its zip
// then also carries report.json saying what was dropped.
#pragma once

#include <cstdint>
#include <string>

#include "hub/store.hpp"
#include "xport/io.hpp"

namespace xport::hub {

struct ExportSpec {
  std::string project_id;
  std::string entry_name;   // the first entry: "<project>.ndjson" / ".json"
  bool json_array = false;  // JSON array instead of NDJSON
  AssetFilter filter;       // stage, batches, key_frames_only
};

struct ExportOutcome {
  std::int64_t assets = 0;
  std::uint64_t dropped_entries = 0;  // interpolated frames left out (key frames only)
};

// Writes the zip to `sink` and closes it (only on success). Throws on store or I/O errors.
ExportOutcome write_export(Store& store, const ExportSpec& spec, ByteSink& sink);

// The project's issues (exportV3 / export with type=issue): the same zip, its first entry
// the issues as the platform exports them (a JSON list, or NDJSON). `filter` is not used.
ExportOutcome write_issue_export(Store& store, const ExportSpec& spec, ByteSink& sink);

}  // namespace xport::hub
