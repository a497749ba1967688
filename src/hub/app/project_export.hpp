// A project's export as GET /v2/export hands it out: the query (format, type, filter), its
// canonical text, and the zip itself — a snapshot of this project revision reused, or written
// now (export_snapshots.hpp) — counted in the hub's metrics. Shared by the route and the
// ExportWarmer, which writes the default one ahead of the first run.
#pragma once

#include <cstdint>
#include <string>

#include "hub/app/export_snapshots.hpp"
#include "hub/app/export_writer.hpp"
#include "hub/store.hpp"

namespace xport::hub {

struct AppOptions;
class HubMetrics;

struct ExportQuery {
  std::string format = "ndjson";
  std::string type = "task";
  AssetFilter filter;
};

// What the export is made of besides the project's revision. The default query's (NDJSON
// tasks, no filter: what xport's SDK asks for a run without stage or batches) is the one
// the warmer writes.
std::string spec_text(const ExportQuery& q);

struct ProjectExport {
  SnapshotResult snapshot;
  ExportOutcome outcome;  // what was written (nothing when the snapshot was reused)
};

// Throws QuotaExceeded when the organisation has as many live exports as it may.
ProjectExport project_export(Store& store, ObjectStore& objects, const AppOptions& options,
                             HubMetrics& metrics, std::int64_t now_ms, const Project& project,
                             const ExportQuery& q);

}  // namespace xport::hub
