// A plugin's progress of a run (the `progress` event, POST /v2/pluginProgress; the hub offers
// them with the `plugin` event's "acceptsProgress"): what it says is checked, stamped with the
// hub's clock and given an ETA from the rate seen since the run's first progress report.
#pragma once

#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <variant>

namespace xport::hub::dispatch {

struct ProgressReport {
  std::string session;
  std::uint64_t assets_done = 0;
  std::uint64_t assets_total = 0;  // 0: unknown
  std::uint64_t bytes_done = 0;
  std::uint64_t bytes_total = 0;  // 0: unknown
};

// {session, assetsDone, assetsTotal?, bytesDone?, bytesTotal?}: counts are non-negative
// integers; a count above its known total is refused. The error names the field.
std::variant<ProgressReport, std::string> read_progress(const boost::json::object& body);

// How far along the run is, 0..1, from bytes when their total is known, else from assets;
// negative when neither total is known.
double progress_fraction(const ProgressReport& p);

// The progress as the run stores it: the counts, `at` (now_ms), `fraction`, and from the
// second report on `etaMs` (the rate since the first report, `startedAt`/`startFraction`,
// carried over from `previous_json`, the run's stored progress).
boost::json::object progress_record(const ProgressReport& p, const std::string& previous_json,
                                    std::int64_t now_ms);

}  // namespace xport::hub::dispatch
