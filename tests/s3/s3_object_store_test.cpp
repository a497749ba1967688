// The ObjectStore contract (tests/hub/object_store_contract.hpp) on S3ObjectStore against the
// fixture's RADOS Gateway, and what is S3's own: multipart objects, streamed reads, links.
#include <gtest/gtest.h>

#include <chrono>

#include "hub/credentials.hpp"
#include "hub/object_store_contract.hpp"
#include "net/http_client.hpp"
#include "rgw_env.hpp"
#include "s3/s3_object_store.hpp"

namespace xport::s3 {
namespace {

std::unique_ptr<hub::ObjectStore> s3_store() {
  return std::make_unique<S3ObjectStore>(test::rgw_config());
}

using hub::contract::ObjectStoreContract;
INSTANTIATE_TEST_SUITE_P(S3, ObjectStoreContract,
                         ::testing::Values(hub::contract::StoreFactory{"s3", s3_store}),
                         [](const auto& test) { return test.param.name; });

// Bytes that do not compress or repeat at part boundaries.
std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  std::uint32_t x = 2463534242u;
  for (char& c : out) {
    x ^= x << 13, x ^= x >> 17, x ^= x << 5;
    c = static_cast<char>(x);
  }
  return out;
}

TEST(S3ObjectStore, LargeObjectsGoMultipartAndStreamBack) {
  S3ObjectStore store(test::rgw_config(), {}, {.part_size = std::size_t{5} << 20});
  const std::string data = pattern(std::size_t{20} << 20);  // 4 parts of 5 MiB
  const auto start = std::chrono::steady_clock::now();
  auto writer = store.create("exports/big.zip", data.size());
  for (std::size_t at = 0; at < data.size(); at += 1 << 20)
    writer->write(data.data() + at, 1 << 20);
  const auto info = writer->commit();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("multipart upload: 20 MiB in %.2f s (%.1f MB/s over loopback)\n", seconds,
              20.0 * 1.048576 / seconds);
  EXPECT_EQ(info.size, data.size());
  EXPECT_EQ(info.sha256_hex, hub::sha256_hex(data));
  const auto head = store.client().head_object(store.client().config().prefix + "exports/big.zip");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, data.size());
  EXPECT_EQ(head->etag.substr(head->etag.size() - 2), "-4");  // a multipart object's ETag
  auto source = store.open("exports/big.zip");
  std::string back;
  std::vector<char> buffer(1 << 16);
  while (const auto n = source->read(buffer.data(), buffer.size()))
    back.append(buffer.data(), n);
  EXPECT_TRUE(back == data);
}

TEST(S3ObjectStore, OversizedMultipartIsAbortedAndLeavesNothing) {
  S3ObjectStore store(test::rgw_config(), {}, {.part_size = std::size_t{5} << 20});
  const std::string chunk = pattern(std::size_t{1} << 20);
  {
    auto writer = store.create("exports/too-big.zip", std::size_t{6} << 20);
    for (int i = 0; i < 6; ++i)
      writer->write(chunk.data(), chunk.size());  // one part sent
    EXPECT_THROW(writer->write(chunk.data(), chunk.size()), hub::ObjectTooLarge);
  }  // aborted here
  EXPECT_FALSE(store.exists("exports/too-big.zip"));
}

TEST(S3ObjectStore, AReaderThatStopsEarlyEndsTheDownload) {
  S3ObjectStore store(test::rgw_config());
  const std::string data = pattern(std::size_t{12} << 20);  // more than the pipe holds
  MemorySource source(data);
  store.put("a/b.bin", source, data.size());
  auto reader = store.open("a/b.bin");
  char buffer[100];
  EXPECT_EQ(reader->read(buffer, sizeof buffer), sizeof buffer);
  const auto start = std::chrono::steady_clock::now();
  reader.reset();  // must not wait for the rest
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(S3ObjectStore, DirectLinksNameTheirKeys) {
  S3ObjectStore store(test::rgw_config());
  const auto put = store.presign_put("uploads/p1/r.zip", std::chrono::minutes(5));
  ASSERT_TRUE(put);
  net::HttpClient http;
  const auto answer = http.request({.method = "PUT", .url = *put, .headers = {}, .body = "result"});
  EXPECT_EQ(answer.status, 200) << answer.body;
  const auto get = store.presign_get("uploads/p1/r.zip", std::chrono::minutes(5), "r.zip");
  ASSERT_TRUE(get);
  EXPECT_EQ(http.request({.method = "GET", .url = *get, .headers = {}, .body = {}}).body, "result");
  EXPECT_EQ(store.key_of_url(*get), "uploads/p1/r.zip");
  EXPECT_EQ(store.key_of_url(*put), "uploads/p1/r.zip");
  EXPECT_FALSE(store.key_of_url("http://elsewhere:1/xport-test/uploads/p1/r.zip"));
  EXPECT_FALSE(store.key_of_url(store.client().config().endpoint + "/other-bucket/a"));
}

TEST(S3ObjectStore, CreateOnlyRefusesToReplace) {
  S3ObjectStore store(test::rgw_config(), {}, {.create_only = true});
  MemorySource first("1");
  store.put("r/once.zip", first, 10);
  MemorySource second("2");
  try {
    store.put("r/once.zip", second, 10);
    FAIL() << "replaced";
  } catch (const S3Error& e) {
    EXPECT_EQ(e.status(), 412);
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace xport::s3
