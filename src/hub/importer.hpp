// Imports AAF exports into a project: what `POST /api/projects/{id}/import` and
// `xport hub import` share. Each file (NDJSON, a JSON array, or a zip whose first entry is
// either; v2 or v3) is streamed through the AAF reader with every asset fully checked, and
// the assets go into the Store row by row — never a whole export in memory.
//
// Assets are identified by assetId (then dataId; neither: the hub makes an id), so external
// ids may repeat (counted as a warning). The stages, batches and ontology the assets show
// join the project (project_meta.hpp).
// All or nothing (default): one transaction over all the files; any problem (a malformed
// asset, a broken stream, an asset id already in the project or given twice) and nothing
// is imported, but reading goes on to the end so that every problem is reported.
// Partial: bad assets are reported and skipped, good ones kept; committed in batches so that
// other writers of the database (a running hub) never wait long for its lock.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "hub/store.hpp"

namespace xport::hub {

struct ImportSource {
  std::string path;  // a file, or "-" for standard input
  std::string name;  // how messages name it ("<body>", the upload's file name); "" = path
};

struct ImportOptions {
  bool replace = false;          // an asset id already in the project: the new row replaces it
  bool partial = false;          // keep the good assets, skip the bad ones
  std::size_t max_listed = 100;  // ImportResult::errors keeps the first this many
  // Partial imports commit after this many rows (and at the end).
  std::int64_t batch_rows = 10000;
};

struct ImportProblem {
  std::string source;       // the file's name as given by ImportSource
  std::uint64_t line = 0;   // 1-based line of the asset (0: the file as a whole)
  std::uint64_t asset = 0;  // 1-based position of the asset in its file
  std::uint64_t byte = 0;   // byte offset of the asset in the (uncompressed) file
  std::string path;         // the field ("task.tools[3].bounding-box.x", "externalId"), or ""
  std::string reason;
  bool conflict = false;  // an asset id already in the project (HTTP 409)
  bool fatal = false;     // the file's stream is broken: nothing after it in that file was read
  // "export.ndjson:12: asset 11 (byte 40213): task.tools[3].bounding-box.x: expected a number"
  std::string text;
};

struct ImportResult {
  std::int64_t imported = 0;            // rows committed (0 when an all-or-nothing import failed)
  std::uint64_t assets_read = 0;        // good assets read
  std::uint64_t problem_count = 0;      // all problems, listed or not
  std::uint64_t conflict_count = 0;     // of which conflicts
  std::vector<ImportProblem> problems;  // the first max_listed, in input order
  bool committed = false;               // false: all-or-nothing with problems, nothing was imported
  std::int64_t repeated_external_ids = 0;  // of the project after the import
  std::vector<std::string> warnings;       // not problems: nothing was refused for these
};

// Throws NotFound for an unknown project, IoError when a file cannot be opened or the
// database fails. Problems in the data are reported in the result, never thrown.
ImportResult import_exports(Store& store, const std::string& project_id,
                            const std::vector<ImportSource>& sources,
                            const ImportOptions& options = {});

}  // namespace xport::hub
