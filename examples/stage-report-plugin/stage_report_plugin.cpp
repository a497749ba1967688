// A per-stage report, like the platform's Python stage reports: for each stage of the project
// in workflow order (position.x), how many exported assets passed through it (their
// stageHistory, or their current stage) and the time spent there (the history's durations,
// in milliseconds), as stage_report.csv.
//
//   PLUGIN_ID=... PLUGIN_SECRET=... HOST=https://api.ango.ai ./stage_report_plugin
#include <xport/plugin.hpp>

#include <cmath>
#include <cstdlib>
#include <map>
#include <set>

using namespace xport;

std::string csv(std::string_view field) {  // quoted, quotes doubled (RFC 4180)
  std::string out = "\"";
  for (char c : field)
    out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

ExportResponse stage_report(ExportRequest& data) {
  // The stages come from the platform (Python: SDK(api_key, host).get_project(project_id)).
  Project project = data.platform().project();
  std::map<std::string, std::pair<long, double>> stats;  // stage id → assets, milliseconds
  for (const aaf::Asset& asset : data.jsonExport) {
    std::set<std::string_view> passed{asset.stage_id()};
    for (const aaf::StageSnapshot& step : asset.stage_history()) {
      passed.insert(step.stage_id);
      stats[std::string(step.stage_id)].second += step.duration.value_or(0);
    }
    for (std::string_view id : passed)
      stats[std::string(id)].first += 1;
  }

  std::string report = "stage_id,stage,type,assets,time_spent_ms\n";
  for (const Stage& stage : project.stages_in_order()) {
    auto [assets, ms] = stats[stage.id];
    report += csv(stage.id) + "," + csv(stage.name) + "," + csv(stage.type) + "," +
              std::to_string(assets) + "," + std::to_string(std::llround(ms)) + "\n";
  }
  data.logger.info("stage report of " + project.name + ": " +
                   std::to_string(project.stages.size()) + " stages");
  ResultZip zip = data.new_zip();
  zip.add("stage_report.csv", report);
  return {zip.finish(), data.projectId + "-stage-report.zip"};
}

int main() {
  auto env = [](const char* name, const char* fallback = "") {
    const char* value = std::getenv(name);
    return std::string(value ? value : fallback);
  };
  ExportPlugin plugin(env("PLUGIN_ID"), env("PLUGIN_SECRET"), stage_report,
                      env("HOST", "https://api.ango.ai"));
  return run(plugin);
}
