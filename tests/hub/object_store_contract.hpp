// What every ObjectStore promises (hub/object_store.hpp), as a parameterised suite: each store
// instantiates it with a factory (LocalObjectStore in object_store_test.cpp, S3ObjectStore in
// tests/s3 against a real gateway). Each call of the factory gives an empty store.
#pragma once

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <string>

#include "hub/credentials.hpp"
#include "hub/object_store.hpp"
#include "hub/store.hpp"

namespace xport::hub::contract {

// The store's name names the tests ("Local/ObjectStoreContract.PutOpenExistsRemove/local").
struct StoreFactory {
  std::string name;
  std::function<std::unique_ptr<ObjectStore>()> make;
  friend void PrintTo(const StoreFactory& f, std::ostream* out) { *out << f.name; }
};

inline std::string read_all(ByteSource& source) {
  std::string out;
  char buffer[7];  // small on purpose: several reads
  while (const auto n = source.read(buffer, sizeof buffer))
    out.append(buffer, n);
  return out;
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

class ObjectStoreContract : public ::testing::TestWithParam<StoreFactory> {
 protected:
  void SetUp() override { store_ = GetParam().make(); }
  ObjectStore& store() { return *store_; }

 private:
  std::unique_ptr<ObjectStore> store_;
};

TEST_P(ObjectStoreContract, PutOpenExistsRemove) {
  const std::string data = "zip bytes, more than one read of them";
  MemorySource source(data);
  const auto info = store().put("results/s1/export.zip", source, 1000);
  EXPECT_EQ(info.size, data.size());
  EXPECT_EQ(info.sha256_hex, sha256_hex(data));
  EXPECT_TRUE(store().exists("results/s1/export.zip"));
  EXPECT_EQ(read_all(*store().open("results/s1/export.zip")), data);
  // Replacing is atomic too.
  MemorySource second("v2");
  store().put("results/s1/export.zip", second, 1000);
  EXPECT_EQ(read_all(*store().open("results/s1/export.zip")), "v2");
  EXPECT_TRUE(store().remove("results/s1/export.zip"));
  EXPECT_FALSE(store().remove("results/s1/export.zip"));
  EXPECT_FALSE(store().exists("results/s1/export.zip"));
  EXPECT_THROW(store().open("results/s1/export.zip"), NotFound);
}

TEST_P(ObjectStoreContract, FailedOrOversizedPutsLeaveNothing) {
  FailingSource failing;
  EXPECT_THROW(store().put("a/failed.zip", failing, 1000), IoError);
  const std::string too_big(101, 'b');  // MemorySource only views its bytes
  MemorySource big(too_big);
  EXPECT_THROW(store().put("a/big.zip", big, 100), ObjectTooLarge);
  {
    auto writer = store().create("a/abandoned.zip", 1000);
    writer->write("partial", 7);
  }  // destroyed without commit
  EXPECT_FALSE(store().exists("a/failed.zip"));
  EXPECT_FALSE(store().exists("a/big.zip"));
  EXPECT_FALSE(store().exists("a/abandoned.zip"));
  const std::string at_limit(100, 'e');
  MemorySource exact(at_limit);
  EXPECT_EQ(store().put("a/exact.zip", exact, 100).size, 100u);  // the limit itself is fine
}

TEST_P(ObjectStoreContract, WriterIsInvisibleUntilCommit) {
  auto writer = store().create("x.bin", 100);
  writer->write("abc", 3);
  EXPECT_FALSE(store().exists("x.bin"));
  EXPECT_EQ(writer->commit().size, 3u);
  EXPECT_TRUE(store().exists("x.bin"));
}

TEST_P(ObjectStoreContract, RejectsKeysThatLeaveTheStore) {
  for (const char* key :
       {"", "../x", "a/../../x", "/etc/passwd", "a//b", "a/./b", "a b", "a\\b", "a/", "%2e%2e"}) {
    EXPECT_THROW(store().create(key, 10), InputError) << key;
    EXPECT_THROW(store().open(key), InputError) << key;
  }
  EXPECT_NO_THROW(store().create("p1/exports/Export-1.zip", 10));
}

TEST_P(ObjectStoreContract, RemoveOlderThanTakesOnlyObjectsUnderThePrefix) {
  for (const char* key : {"exports/p1/a.zip", "exports/p2/b.zip", "uploads/p1/s/c.zip"}) {
    MemorySource source("zip");
    store().put(key, source, 100);
  }
  const auto now = std::chrono::system_clock::now();
  EXPECT_EQ(store().remove_older_than("exports/", now - std::chrono::hours(1)), 0u);
  EXPECT_EQ(store().remove_older_than("exports/", now + std::chrono::minutes(2)), 2u);
  EXPECT_FALSE(store().exists("exports/p1/a.zip"));
  EXPECT_TRUE(store().exists("uploads/p1/s/c.zip"));  // another prefix: results are kept
  EXPECT_EQ(store().remove_older_than("nothing-here/", now), 0u);
  EXPECT_THROW(store().remove_older_than("../", now), InputError);
}

TEST_P(ObjectStoreContract, ASinkCommitsOnCloseOnly) {
  {
    auto sink = store().sink("exports/p1/a.zip", 100);
    sink->write("abc");
    EXPECT_FALSE(store().exists("exports/p1/a.zip"));
    sink->close();
  }
  EXPECT_EQ(read_all(*store().open("exports/p1/a.zip")), "abc");
  {
    auto sink = store().sink("exports/p1/b.zip", 100);
    sink->write("never closed");
  }
  EXPECT_FALSE(store().exists("exports/p1/b.zip"));
}

TEST_P(ObjectStoreContract, AdoptsFiles) {
  static int counter = 0;
  const auto file = std::filesystem::temp_directory_path() /
                    ("xport-adopt-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  std::ofstream(file) << "result bytes";
  store().adopt_file("uploads/p1/id/result.zip", file);
  EXPECT_FALSE(std::filesystem::exists(file));  // consumed
  EXPECT_EQ(read_all(*store().open("uploads/p1/id/result.zip")), "result bytes");
}

}  // namespace xport::hub::contract
