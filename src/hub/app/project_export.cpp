#include "hub/app/project_export.hpp"

#include <boost/json.hpp>

#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/hub_metrics.hpp"

namespace xport::hub {

namespace json = boost::json;

std::string spec_text(const ExportQuery& q) {
  return json::serialize(json::object{{"type", q.type},
                                      {"format", q.format},
                                      {"stageIds", detail::to_json_list(q.filter.stage_ids)},
                                      {"stageNames", detail::to_json_list(q.filter.stage_names)},
                                      {"batches", detail::to_json_list(q.filter.batches)},
                                      {"keyFramesOnly", q.filter.key_frames_only}});
}

ProjectExport project_export(Store& store, ObjectStore& objects, const AppOptions& options,
                             HubMetrics& metrics, std::int64_t now_ms, const Project& project,
                             const ExportQuery& q) {
  ExportSpec spec;
  spec.project_id = project.id;
  spec.entry_name = project.id + (q.type == "issue" ? "-issues" : "") +
                    (q.format == "json" ? ".json" : ".ndjson");
  spec.json_array = q.format == "json";
  spec.filter = q.filter;
  SnapshotLimits limits;
  limits.alive = options.janitor.keep;
  limits.max_count = options.export_quota_count;
  limits.max_bytes = options.export_quota_bytes;
  ProjectExport result;
  result.snapshot =
      export_snapshot(store, objects, project, spec_text(q), limits, now_ms, [&](ByteSink& sink) {
        result.outcome = q.type == "issue" ? write_issue_export(store, spec, sink)
                                           : write_export(store, spec, sink);
      });
  if (result.snapshot.reused)
    metrics.export_reused();
  else
    metrics.export_written(static_cast<std::uint64_t>(result.snapshot.bytes));
  return result;
}

}  // namespace xport::hub
