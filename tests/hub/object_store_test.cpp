// The local object store: the ObjectStore contract (object_store_contract.hpp), and what is
// its own: files, temp files, modification times, no direct links.
#include <gtest/gtest.h>

#include <fstream>

#include "hub/credentials.hpp"
#include "hub/local_object_store.hpp"
#include "hub/store.hpp"
#include "object_store_contract.hpp"
#include "support/temp_dir.hpp"

namespace xport::hub {
namespace {

using contract::FailingSource;
using contract::read_all;
using test::TempDir;

// Each store in a fresh directory under one that lives as long as the test program.
std::unique_ptr<ObjectStore> local_store() {
  static TempDir dir;
  static int counter = 0;
  return std::make_unique<LocalObjectStore>(dir.path() / std::to_string(counter++));
}

using contract::ObjectStoreContract;
INSTANTIATE_TEST_SUITE_P(Local, ObjectStoreContract,
                         ::testing::Values(contract::StoreFactory{"local", local_store}),
                         [](const auto& test) { return test.param.name; });

std::size_t files_under(const std::filesystem::path& dir) {
  std::size_t n = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir)) {
    n += entry.is_regular_file();
  }
  return n;
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

}  // namespace
}  // namespace xport::hub
