// Generated exports (GET /v2/export), one per project revision and query: the first request
// writes the zip and records it; the same request within the reuse window, while the project
// has not changed, gets the same object (issue 15: a run is as fast as the conversion inside
// it; issue 14: a key cannot make the hub write a full export per request). Each
// organisation's live exports are capped in count and bytes.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "hub/object_store.hpp"
#include "hub/store.hpp"
#include "xport/io.hpp"

namespace xport::hub {

struct SnapshotLimits {
  std::chrono::milliseconds reuse{std::chrono::hours(1)};   // links are valid for a day more
  std::chrono::milliseconds alive{std::chrono::hours(25)};  // what the janitor keeps
  std::int64_t max_count = 500;                             // per organisation, alive
  std::int64_t max_bytes = std::int64_t{50} << 30;
};

struct SnapshotResult {
  std::string key;
  bool reused = false;
  std::int64_t bytes = 0;
  std::int64_t created_at = 0;
};

// The export of `project` that `spec_text` describes (its canonical query text): a recorded
// one of this revision younger than `reuse`, or `write(sink)` into a new object, recorded.
// Throws QuotaExceeded before writing when the organisation is at its limit.
SnapshotResult export_snapshot(Store& store, ObjectStore& objects, const Project& project,
                               const std::string& spec_text, const SnapshotLimits& limits,
                               std::int64_t now_ms, const std::function<void(ByteSink&)>& write);

// HTTP 429: the organisation has as many generated exports alive as its quota allows.
class QuotaExceeded : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace xport::hub
