// What the hub counts for the people who run it, served as GET /metrics in Prometheus' text
// format (prometheus-cpp: its registry, metric types and text serializer; the route is the
// hub's own). Counters and histograms count what this hub did since it started — with
// several hubs, Prometheus sums them; gauges are read when the page is asked for: runs by
// state (the store's: the same on every hub of a cluster), this hub's plugin instances and
// Engine.IO sessions, and its resident memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "hub/domain_events.hpp"
#include "hub/store.hpp"

namespace xport::hub {

// The gauges, sampled by whoever serves the page.
struct MetricsSample {
  std::map<RunState, std::int64_t> runs_by_state;
  std::size_t plugin_instances = 0;  // Socket.IO instances with a valid heartbeat, here
  std::size_t engine_sessions = 0;   // Engine.IO sessions (plugins, browsers, any client)
  std::int64_t resident_bytes = 0;   // this process's RSS
};

class HubMetrics {
 public:
  HubMetrics();
  ~HubMetrics();
  HubMetrics(const HubMetrics&) = delete;
  HubMetrics& operator=(const HubMetrics&) = delete;

  // A run this hub finished: how long it waited queued and how long it ran, by its end.
  void run_finished(const Run& run);
  // A generated export (GET /v2/export): written now, or an earlier one reused.
  void export_written(std::uint64_t bytes);
  void export_reused();
  // Bytes of results received (PUT /upload) and of objects served (GET /objects).
  void uploaded(std::uint64_t bytes);
  void downloaded(std::uint64_t bytes);

  // The page, with the gauges set from `sample`.
  std::string text(const MetricsSample& sample);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// This process's resident set size in bytes (/proc/self/statm), 0 when unknown.
std::int64_t resident_bytes();

// The Domain's listener when metrics are kept: each run this hub's Domain finishes is
// observed, then every event goes on to `next`. Placed in front of the cluster relay, so that
// runs other hubs finished are not counted here too.
class MetricsEvents final : public DomainEvents {
 public:
  MetricsEvents(HubMetrics& metrics, DomainEvents& next) : metrics_(metrics), next_(next) {}
  void notification_created(const Notification& n) override { next_.notification_created(n); }
  void run_changed(Domain& domain, const std::string& session, const RunLog* log) override;

 private:
  HubMetrics& metrics_;
  DomainEvents& next_;
};

}  // namespace xport::hub
