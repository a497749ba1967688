// The local object store: atomic puts, size limits, keys, reads.
#include <gtest/gtest.h>

#include <fstream>

#include "hub/credentials.hpp"
#include "hub/local_object_store.hpp"
#include "hub/store.hpp"
#include "support/temp_dir.hpp"

namespace xport::hub {
namespace {

using test::TempDir;

std::string read_all(ByteSource& source) {
  std::string out;
  char buffer[7];  // small on purpose: several reads
  while (const auto n = source.read(buffer, sizeof buffer))
    out.append(buffer, n);
  return out;
}

std::size_t files_under(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    n += entry.is_regular_file();
  }
  return n;
}

// A source that fails after some bytes (a dropped upload).
class FailingSource final : public ByteSource {
 public:
  std::size_t read(char* buffer, std::size_t capacity) override {
    if (sent_ >= 10) throw IoError("connection reset");
    const std::size_t n = std::min<std::size_t>(capacity, 5);
    std::fill_n(buffer, n, 'x');
    sent_ += n;
    return n;
  }
  std::string name() const override { return "<failing>"; }

 private:
  std::size_t sent_ = 0;
};

TEST(LocalObjectStore, PutOpenExistsRemove) {
  TempDir dir;
  LocalObjectStore store(dir.path());
  const std::string data = "zip bytes, more than one read of them";
  MemorySource source(data);
  const auto info = store.put("results/s1/export.zip", source, 1000);
  EXPECT_EQ(info.size, data.size());
  EXPECT_EQ(info.sha256_hex, sha256_hex(data));
  EXPECT_TRUE(store.exists("results/s1/export.zip"));
  EXPECT_EQ(read_all(*store.open("results/s1/export.zip")), data);
  // Replacing is atomic too.
  MemorySource second("v2");
  store.put("results/s1/export.zip", second, 1000);
  EXPECT_EQ(read_all(*store.open("results/s1/export.zip")), "v2");
  EXPECT_TRUE(store.remove("results/s1/export.zip"));
  EXPECT_FALSE(store.remove("results/s1/export.zip"));
  EXPECT_FALSE(store.exists("results/s1/export.zip"));
  EXPECT_THROW(store.open("results/s1/export.zip"), NotFound);
}

TEST(LocalObjectStore, FailedOrOversizedPutsLeaveNothing) {
  TempDir dir;
  LocalObjectStore store(dir.path());
  FailingSource failing;
  EXPECT_THROW(store.put("a/failed.zip", failing, 1000), IoError);
  const std::string too_big(101, 'b');  // MemorySource only views its bytes
  MemorySource big(too_big);
  EXPECT_THROW(store.put("a/big.zip", big, 100), ObjectTooLarge);
  {
    auto writer = store.create("a/abandoned.zip", 1000);
    writer->write("partial", 7);
  }  // destroyed without commit
  EXPECT_FALSE(store.exists("a/failed.zip"));
  EXPECT_FALSE(store.exists("a/big.zip"));
  EXPECT_FALSE(store.exists("a/abandoned.zip"));
  EXPECT_EQ(files_under(dir.path()), 0u);
  const std::string at_limit(100, 'e');
  MemorySource exact(at_limit);
  EXPECT_EQ(store.put("a/exact.zip", exact, 100).size, 100u);  // the limit itself is fine
}

TEST(LocalObjectStore, WriterIsInvisibleUntilCommit) {
  TempDir dir;
  LocalObjectStore store(dir.path());
  auto writer = store.create("x.bin", 100);
  writer->write("abc", 3);
  EXPECT_FALSE(store.exists("x.bin"));
  EXPECT_EQ(writer->commit().size, 3u);
  EXPECT_TRUE(store.exists("x.bin"));
}

TEST(LocalObjectStore, RejectsKeysThatLeaveTheStore) {
  TempDir dir;
  LocalObjectStore store(dir.path());
  for (const char* key :
       {"", "../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "a b", "a\\b", "a/", "%2e%2e"}) {
    EXPECT_THROW(store.create(key, 10), InputError) << key;
  }
  EXPECT_NO_THROW(store.create("p1/exports/Export-1.zip", 10));
}

TEST(LocalObjectStore, LeftoverUploadsAreRemovedAtOpen) {
  TempDir dir;
  { LocalObjectStore store(dir.path()); }
  std::ofstream(dir.path() / "tmp" / "crashed-upload") << "partial";
  LocalObjectStore store(dir.path());
  EXPECT_EQ(files_under(dir.path()), 0u);
}

}  // namespace
}  // namespace xport::hub

namespace xport::hub {
namespace {

TEST(LocalObjectStore, RemoveOlderThanTakesOnlyOldObjectsUnderThePrefix) {
  TempDir dir;
  LocalObjectStore store(dir.path());
  for (const char* key : {"exports/p1/old.zip", "exports/p2/new.zip", "uploads/p1/s/old.zip"}) {
    MemorySource source("zip");
    store.put(key, source, 100);
  }
  const auto two_days_ago = std::filesystem::file_time_type::clock::now() - std::chrono::hours(48);
  std::filesystem::last_write_time(store.path_of("exports/p1/old.zip"), two_days_ago);
  std::filesystem::last_write_time(store.path_of("uploads/p1/s/old.zip"), two_days_ago);

  const auto day_ago = std::chrono::system_clock::now() - std::chrono::hours(24);
  EXPECT_EQ(store.remove_older_than("exports/", day_ago), 1u);
  EXPECT_FALSE(store.exists("exports/p1/old.zip"));
  EXPECT_TRUE(store.exists("exports/p2/new.zip"));
  EXPECT_TRUE(store.exists("uploads/p1/s/old.zip"));  // another prefix: results are kept
  EXPECT_EQ(store.remove_older_than("exports/", day_ago), 0u);
  EXPECT_EQ(store.remove_older_than("nothing-here/", day_ago), 0u);
  EXPECT_THROW(store.remove_older_than("../", day_ago), InputError);
}

TEST(LocalObjectStore, AdoptsFilesAndHasNoDirectLinks) {
  TempDir dir;
  LocalObjectStore store(dir.path() / "store");
  const auto upload = dir.path() / "upload.part";
  std::ofstream(upload) << "result bytes";
  store.adopt_file("uploads/p1/id/result.zip", upload);
  EXPECT_FALSE(std::filesystem::exists(upload));  // consumed
  EXPECT_EQ(read_all(*store.open("uploads/p1/id/result.zip")), "result bytes");
  EXPECT_EQ(store.file_of("uploads/p1/id/result.zip"), store.path_of("uploads/p1/id/result.zip"));
  EXPECT_FALSE(store.file_of("uploads/p1/id/missing.zip"));
  // The hub's own signed links serve a local store.
  EXPECT_FALSE(store.presign_get("uploads/p1/id/result.zip", std::chrono::hours(1), "r.zip"));
  EXPECT_FALSE(store.presign_put("uploads/p1/id/other.zip", std::chrono::hours(1)));
  EXPECT_FALSE(store.key_of_url("http://127.0.0.1/objects/uploads/p1/id/result.zip"));
}

TEST(ObjectStore, ASinkCommitsOnCloseOnly) {
  TempDir dir;
  LocalObjectStore store(dir.path());
  {
    auto sink = store.sink("exports/p1/a.zip", 100);
    sink->write("abc");
    EXPECT_FALSE(store.exists("exports/p1/a.zip"));
    sink->close();
  }
  EXPECT_EQ(read_all(*store.open("exports/p1/a.zip")), "abc");
  {
    auto sink = store.sink("exports/p1/b.zip", 100);
    sink->write("never closed");
  }
  EXPECT_FALSE(store.exists("exports/p1/b.zip"));
}

}  // namespace
}  // namespace xport::hub
