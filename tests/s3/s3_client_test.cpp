// The S3 client against the fixture's RADOS Gateway: objects, conditional writes, listings,
// multipart, presigned links (fetched with a plain HTTP client, curl and checked against
// Debian's aws CLI), and the errors S3 and the network give.
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "net/http_client.hpp"
#include "rgw_env.hpp"
#include "s3/s3_storage_access.hpp"
#include "support/free_port.hpp"

namespace xport::s3 {
namespace {

// A command's standard output (popen: the commands here are fixed strings of this file).
std::string run(const std::string& command) {
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  std::string out;
  char buffer[4096];
  while (const auto n = std::fread(buffer, 1, sizeof buffer, pipe.get()))
    out.append(buffer, n);
  return out;
}

TEST(S3Client, PutGetHeadRangeDelete) {
  const S3Client s3(test::rgw_config());
  const std::string key = s3.config().prefix + "dir/a b+c.txt";  // encoded in the path
  const std::string etag = s3.put_object(key, "0123456789", {.content_type = "text/plain"});
  EXPECT_FALSE(etag.empty());
  EXPECT_EQ(s3.get_object(key), "0123456789");
  const auto head = s3.head_object(key);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->size, 10u);
  EXPECT_EQ(head->etag, etag);
  EXPECT_EQ(head->content_type, "text/plain");
  EXPECT_LT(std::chrono::abs(head->last_modified - std::chrono::system_clock::now()),
            std::chrono::minutes(5));
  std::string part;
  const auto ranged = s3.get_object(
      key, [&](const char* p, std::size_t n) { part.append(p, n); }, ByteRange{2, 5});
  EXPECT_EQ(part, "2345");
  EXPECT_EQ(ranged.size, 10u);  // the whole object's, from Content-Range
  s3.delete_object(key);
  s3.delete_object(key);  // gone already: no error
  EXPECT_FALSE(s3.head_object(key));
  try {
    s3.get_object(key);
    FAIL();
  } catch (const S3Error& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_EQ(e.code(), "NoSuchKey");
    EXPECT_EQ(e.key(), key);
  }
}

TEST(S3Client, CreateOnlyPutAnswers412AlreadyExists) {
  const S3Client s3(test::rgw_config());
  const std::string key = s3.config().prefix + "once";
  s3.put_object(key, "first", {.create_only = true});
  try {
    s3.put_object(key, "second", {.create_only = true});
    FAIL() << "replaced";
  } catch (const S3Error& e) {
    EXPECT_EQ(e.status(), 412);
    EXPECT_NE(std::string(e.what()).find("S3 PUT xport-test/" + key + ": 412"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("already exists"), std::string::npos) << e.what();
  }
  EXPECT_EQ(s3.get_object(key), "first");
}

TEST(S3Client, ListsInPagesUnderAPrefix) {
  const S3Client s3(test::rgw_config());
  const std::string& prefix = s3.config().prefix;
  for (int i = 0; i < 7; ++i)
    s3.put_object(prefix + "p/" + std::to_string(i), "x");
  s3.put_object(prefix + "q/other", "x");
  std::size_t seen = 0;
  std::string token;
  int pages = 0;
  do {
    const ListPage page = s3.list_objects(prefix + "p/", token, 3);
    seen += page.objects.size();
    token = page.truncated ? page.next_token : "";
    ++pages;
  } while (!token.empty() && pages < 10);
  EXPECT_EQ(seen, 7u);
  EXPECT_EQ(pages, 3);
  const auto all = s3.list_all(prefix);
  ASSERT_EQ(all.size(), 8u);
  EXPECT_EQ(all[0].size, 1u);
  EXPECT_LT(std::chrono::abs(all[0].last_modified - std::chrono::system_clock::now()),
            std::chrono::minutes(5));
  const auto grouped = s3.list_objects(prefix, {}, 1000, "/");
  EXPECT_EQ(grouped.common_prefixes.size(), 2u);
}

TEST(S3Client, MultipartUploadOf20MB) {
  const S3Client s3(test::rgw_config());
  const std::string key = s3.config().prefix + "big.bin";
  const std::string part(kMinPartSize, 'p');
  const std::string id = s3.create_multipart(key);
  std::vector<CompletedPart> parts;
  const auto start = std::chrono::steady_clock::now();
  for (int n = 1; n <= 4; ++n)
    parts.push_back({n, s3.upload_part(key, id, n, part)});
  parts.push_back({4, s3.upload_part(key, id, 4, std::string(20'000'000 - 3 * kMinPartSize, 'l'))});
  const std::string etag = s3.complete_multipart(key, id, parts);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("multipart: 20 MB in %.2f s (%.1f MB/s)\n", seconds, 20.0 / seconds);
  EXPECT_EQ(etag.substr(etag.size() - 2), "-4");
  EXPECT_EQ(s3.head_object(key)->size, 20'000'000u);
  // An upload aborted is gone: completing it fails, and leaves no object.
  const std::string aborted = s3.create_multipart(key + ".2");
  s3.upload_part(key + ".2", aborted, 1, "small");
  s3.abort_multipart(key + ".2", aborted);
  // (AWS answers 404 NoSuchUpload; RGW 16 a 500 "completion is already in progress".)
  EXPECT_THROW(s3.complete_multipart(key + ".2", aborted, {{1, "x"}}), S3Error);
  EXPECT_FALSE(s3.head_object(key + ".2"));
}

TEST(S3Client, PresignedLinksWorkWithAPlainClientAndCurl) {
  const S3Client s3(test::rgw_config());
  const std::string key = s3.config().prefix + "report v1.zip";
  net::HttpClient http;
  const auto put = http.request({.method = "PUT",
                                 .url = s3.presign_put(key, std::chrono::minutes(5)),
                                 .headers = {},
                                 .body = "presigned body"});
  ASSERT_EQ(put.status, 200) << put.body;
  const std::string get_url = s3.presign_get(key, std::chrono::minutes(5), "Report \"1\" é.zip");
  const auto got = http.request({.method = "GET", .url = get_url, .headers = {}, .body = {}});
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(got.body, "presigned body");
  EXPECT_EQ(
      got.header("content-disposition"),
      "attachment; filename=\"Report _1_ _.zip\"; filename*=UTF-8''Report%20%221%22%20%C3%A9.zip");
  EXPECT_EQ(run("curl -sf '" + get_url + "'"), "presigned body");
  EXPECT_EQ(s3.key_of_url(get_url), key);
}

TEST(S3Client, PresignedPutWorksWithCurl) {
  const S3Client s3(test::rgw_config());
  const std::string key = s3.config().prefix + "curl.txt";
  const std::string url = s3.presign_put(key, std::chrono::minutes(5));
  EXPECT_EQ(
      run("curl -sf -o /dev/null -w '%{http_code}' -X PUT --data-binary 'from curl' '" + url + "'"),
      "200");
  EXPECT_EQ(s3.get_object(key), "from curl");
}

TEST(S3Client, AnExpiredLinkIsRefused) {
  S3ClientOptions past;
  past.clock = [] { return std::chrono::system_clock::now() - std::chrono::hours(2); };
  const S3Client s3(test::rgw_config(), past);
  const std::string key = s3.config().prefix + "x";
  S3Client(s3.config()).put_object(key, "x");
  const auto answer =
      net::HttpClient().request({.method = "GET",
                                 .url = s3.presign_get(key, std::chrono::minutes(1)),
                                 .headers = {},
                                 .body = {}});
  EXPECT_EQ(answer.status, 403);
  EXPECT_NE(answer.body.find("AccessDenied"), std::string::npos) << answer.body;
}

TEST(S3Client, AWrongSecretIsSignatureDoesNotMatch) {
  S3Config config = test::rgw_config();
  config.credentials.secret_key = "not-the-secret";
  try {
    S3Client(config).put_object(config.prefix + "k", "x");
    FAIL();
  } catch (const S3Error& e) {
    EXPECT_EQ(e.status(), 403);
    EXPECT_EQ(e.code(), "SignatureDoesNotMatch");
    EXPECT_EQ(std::string(e.what()).rfind(
                  "S3 PUT xport-test/" + config.prefix + "k: 403 SignatureDoesNotMatch", 0),
              0u)
        << e.what();
  }
}

TEST(S3Client, NoSuchBucket) {
  S3Config config = test::rgw_config();
  config.bucket = "xport-no-such-bucket";
  try {
    S3Client(config).put_object("k", "x");
    FAIL();
  } catch (const S3Error& e) {
    EXPECT_EQ(e.status(), 404);
    EXPECT_EQ(e.code(), "NoSuchBucket");
    EXPECT_EQ(e.bucket(), "xport-no-such-bucket");
  }
}

TEST(S3Client, AnUnreachableEndpointFailsClearlyAfterBoundedRetries) {
  S3Config config = test::rgw_config();
  config.endpoint = "http://127.0.0.1:" + std::to_string(xport::test::free_port());
  const auto start = std::chrono::steady_clock::now();
  try {
    S3Client(config).put_object("k", "x");
    FAIL();
  } catch (const S3Error& e) {
    EXPECT_EQ(e.status(), 0);
    EXPECT_EQ(e.code(), "unreachable");
    EXPECT_NE(std::string(e.what()).find("unreachable after 4 tries"), std::string::npos)
        << e.what();
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(1400));  // 0.2 + 0.4 + 0.8 s of backoff
  EXPECT_LT(took, std::chrono::seconds(10));
}

TEST(S3Client, AwsCliReadsWhatWeWroteAndTakesOurLinks) {
  if (!std::filesystem::exists("/usr/bin/aws")) GTEST_SKIP() << "no /usr/bin/aws (awscli)";
  const S3Client s3(test::rgw_config());
  const std::string key = s3.config().prefix + "for-aws.txt";
  s3.put_object(key, "written by xport");
  const std::string aws = "AWS_ACCESS_KEY_ID=" + s3.config().credentials.access_key +
                          " AWS_SECRET_ACCESS_KEY=" + s3.config().credentials.secret_key +
                          " AWS_DEFAULT_REGION=us-east-1 /usr/bin/aws --endpoint-url " +
                          s3.config().endpoint + " ";
  EXPECT_EQ(run(aws + "s3 cp s3://xport-test/" + key + " - 2>&1"), "written by xport");
  const std::string link = run(aws + "s3 presign s3://xport-test/" + key + " 2>&1");
  ASSERT_EQ(link.rfind(s3.config().endpoint, 0), 0u) << link;
  // Both signers agree on what the link names.
  EXPECT_EQ(s3.key_of_url(link.substr(0, link.find_last_not_of("\n") + 1)), key);
}

TEST(S3StorageAccess, ChecksPresignsAndSizes) {
  const S3Config config = test::rgw_config();
  hub::StorageTarget target{config.endpoint, "us-east-1", config.bucket,
                            config.credentials.access_key, config.credentials.secret_key};
  S3StorageAccess access;
  EXPECT_NO_THROW(access.check(target));
  const std::string key = config.prefix + "r.zip";
  const std::string put = access.presign_put(target, key, std::chrono::minutes(5));
  ASSERT_EQ(
      net::HttpClient().request({.method = "PUT", .url = put, .headers = {}, .body = "abc"}).status,
      200);
  EXPECT_EQ(access.size_of(target, key), 3u);
  const auto place = access.place_of_url(target, put);
  ASSERT_TRUE(place);
  EXPECT_EQ(place->bucket, config.bucket);
  EXPECT_EQ(place->key, key);
  EXPECT_FALSE(access.place_of_url(target, "http://elsewhere/b/k"));
  try {
    access.size_of(target, key + ".missing");
    FAIL();
  } catch (const hub::StorageError& e) {
    EXPECT_EQ(e.code(), "NoSuchKey");
  }
  target.secret_key = "wrong";
  try {
    access.check(target);
    FAIL();
  } catch (const hub::StorageError& e) {
    EXPECT_EQ(e.code(), "SignatureDoesNotMatch") << e.what();
  }
}

}  // namespace
}  // namespace xport::s3
