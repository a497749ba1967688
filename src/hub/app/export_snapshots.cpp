#include "hub/app/export_snapshots.hpp"

#include <fmt/format.h>

#include <limits>
#include <memory>

#include "hub/credentials.hpp"
#include "hub/domain.hpp"

namespace xport::hub {

namespace {

// Counts what passes on to the object, for the organisation's byte quota.
class CountingSink final : public ByteSink {
 public:
  explicit CountingSink(ByteSink& to) : to_(to) {}
  void write(const char* data, std::size_t size) override {
    to_.write(data, size);
    bytes_ += size;
  }
  bool write_at(std::uint64_t offset, const char* data, std::size_t size) override {
    return to_.write_at(offset, data, size);
  }
  void close() override { to_.close(); }
  std::string name() const override { return to_.name(); }
  std::int64_t bytes() const { return static_cast<std::int64_t>(bytes_); }

 private:
  ByteSink& to_;
  std::uint64_t bytes_ = 0;
};

}  // namespace

SnapshotResult export_snapshot(Store& store, ObjectStore& objects, const Project& project,
                               const std::string& spec_text, const SnapshotLimits& limits,
                               std::int64_t now_ms, const std::function<void(ByteSink&)>& write) {
  const std::string spec_hash = sha256_hex(spec_text).substr(0, 32);
  if (auto found = store.find_export_snapshot(project.id, project.revision, spec_hash,
                                              now_ms - limits.reuse.count());
      found && objects.exists(found->key))
    return SnapshotResult{found->key, true, found->bytes, found->created_at};

  const ExportUsage usage = store.export_usage(project.org_id, now_ms - limits.alive.count());
  if (usage.count >= limits.max_count || usage.bytes >= limits.max_bytes)
    throw QuotaExceeded(fmt::format(
        "your organization has {} generated exports ({} MiB) from the last {} hours, its quota "
        "is {} exports and {} MiB; an export is reused while its project does not change, and "
        "each expires {} hours after it was generated",
        usage.count, usage.bytes >> 20, limits.alive.count() / 3'600'000, limits.max_count,
        limits.max_bytes >> 20, limits.alive.count() / 3'600'000));

  SnapshotResult result{
      "exports/" + project.id + "/r" + std::to_string(project.revision) + "-" + new_id() + ".zip",
      false, 0, now_ms};
  std::unique_ptr<ByteSink> object =
      objects.sink(result.key, std::numeric_limits<std::uint64_t>::max());
  CountingSink counted(*object);
  write(counted);
  result.bytes = counted.bytes();
  store.add_export_snapshot({result.key, project.org_id, project.id, project.revision, spec_hash,
                             result.bytes, result.created_at});
  return result;
}

}  // namespace xport::hub
