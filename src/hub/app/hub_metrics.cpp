#include "hub/app/hub_metrics.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>
#include <unistd.h>

#include <array>
#include <fstream>
#include <sstream>

#include "hub/domain.hpp"

namespace xport::hub {

namespace {

constexpr std::array kStates = {RunState::queued, RunState::dispatched, RunState::succeeded,
                                RunState::failed, RunState::timed_out,  RunState::cancelled};

// From a second's fraction (a conversion of a small project) to a long export (hours).
const prometheus::Histogram::BucketBoundaries& duration_buckets() {
  static const prometheus::Histogram::BucketBoundaries buckets{
      0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 1800, 3600, 7200};
  return buckets;
}

double seconds_between(std::int64_t from_ms, std::int64_t to_ms) {
  return to_ms > from_ms ? static_cast<double>(to_ms - from_ms) / 1000.0 : 0.0;
}

}  // namespace

struct HubMetrics::Impl {
  prometheus::Registry registry;
  prometheus::Family<prometheus::Gauge>& runs =
      prometheus::BuildGauge()
          .Name("xport_runs")
          .Help("Runs in the store by state (every hub of a cluster shows the same)")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& queued =
      prometheus::BuildHistogram()
          .Name("xport_run_queued_seconds")
          .Help("How long runs this hub finished waited from their start to being sent")
          .Register(registry);
  prometheus::Family<prometheus::Histogram>& duration =
      prometheus::BuildHistogram()
          .Name("xport_run_duration_seconds")
          .Help(
              "How long runs this hub finished took from being sent (or, never sent, from "
              "their start) to their end, by how they ended")
          .Register(registry);
  prometheus::Family<prometheus::Counter>& exports =
      prometheus::BuildCounter()
          .Name("xport_exports_total")
          .Help("Exports asked for (GET /v2/export): generated, or an earlier one reused")
          .Register(registry);
  prometheus::Counter& exports_generated = exports.Add({{"how", "generated"}});
  prometheus::Counter& exports_reused = exports.Add({{"how", "reused"}});
  prometheus::Counter& export_bytes = prometheus::BuildCounter()
                                          .Name("xport_export_bytes_total")
                                          .Help("Bytes of the export zips this hub generated")
                                          .Register(registry)
                                          .Add({});
  prometheus::Family<prometheus::Counter>& transfer =
      prometheus::BuildCounter()
          .Name("xport_transfer_bytes_total")
          .Help("Bytes of results received (upload) and of objects served (download)")
          .Register(registry);
  prometheus::Counter& uploaded = transfer.Add({{"direction", "upload"}});
  prometheus::Counter& downloaded = transfer.Add({{"direction", "download"}});
  prometheus::Gauge& instances =
      prometheus::BuildGauge()
          .Name("xport_plugin_instances")
          .Help("Plugin instances connected to this hub with a valid heartbeat")
          .Register(registry)
          .Add({});
  prometheus::Gauge& sessions = prometheus::BuildGauge()
                                    .Name("xport_engineio_sessions")
                                    .Help(
                                        "Engine.IO sessions open on this hub (plugins, "
                                        "browsers, any client)")
                                    .Register(registry)
                                    .Add({});
  prometheus::Gauge& resident = prometheus::BuildGauge()
                                    .Name("process_resident_memory_bytes")
                                    .Help("Resident memory of this hub's process")
                                    .Register(registry)
                                    .Add({});
};

HubMetrics::HubMetrics() : impl_(std::make_unique<Impl>()) {}
HubMetrics::~HubMetrics() = default;

void HubMetrics::run_finished(const Run& run) {
  const std::string outcome(to_string(run.state));
  if (run.dispatched_at) {
    impl_->queued.Add({}, duration_buckets())
        .Observe(seconds_between(run.created_at, *run.dispatched_at));
  }
  const std::int64_t from = run.dispatched_at.value_or(run.created_at);
  impl_->duration.Add({{"state", outcome}}, duration_buckets())
      .Observe(seconds_between(from, run.finished_at.value_or(from)));
}

void HubMetrics::export_written(std::uint64_t bytes) {
  impl_->exports_generated.Increment();
  impl_->export_bytes.Increment(static_cast<double>(bytes));
}

void HubMetrics::export_reused() {
  impl_->exports_reused.Increment();
}

void HubMetrics::uploaded(std::uint64_t bytes) {
  impl_->uploaded.Increment(static_cast<double>(bytes));
}

void HubMetrics::downloaded(std::uint64_t bytes) {
  impl_->downloaded.Increment(static_cast<double>(bytes));
}

std::string HubMetrics::text(const MetricsSample& sample) {
  for (RunState state : kStates) {
    const auto it = sample.runs_by_state.find(state);
    impl_->runs.Add({{"state", std::string(to_string(state))}})
        .Set(it == sample.runs_by_state.end() ? 0.0 : static_cast<double>(it->second));
  }
  impl_->instances.Set(static_cast<double>(sample.plugin_instances));
  impl_->sessions.Set(static_cast<double>(sample.engine_sessions));
  impl_->resident.Set(static_cast<double>(sample.resident_bytes));
  std::ostringstream out;
  prometheus::TextSerializer().Serialize(out, impl_->registry.Collect());
  return out.str();
}

std::int64_t resident_bytes() {
  // statm: total and resident size in pages.
  std::ifstream statm("/proc/self/statm");
  std::int64_t total = 0, resident = 0;
  if (!(statm >> total >> resident)) return 0;
  return resident * static_cast<std::int64_t>(::sysconf(_SC_PAGESIZE));
}

void MetricsEvents::run_changed(Domain& domain, const std::string& session, const RunLog* log) {
  // A log line never finishes a run; a state change is read once, from the store.
  if (!log) {
    try {
      if (const auto run = domain.store().get_run(session); run && is_finished(run->state))
        metrics_.run_finished(*run);
    } catch (const std::exception&) {
      // A listener must not throw, and a run the store cannot read now is one sample less.
    }
  }
  next_.run_changed(domain, session, log);
}

}  // namespace xport::hub
