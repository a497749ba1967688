// An S3 client on net::HttpClient: path-style URLs, SigV4 with x-amz-content-sha256 on every
// signed request, plain Content-Length bodies (never aws-chunked). Blocking; thread-safe (no
// state but the configuration). Every failure is an S3Error.
//
// Retries: 5xx, 429/SlowDown, connection failures and timeouts are retried with exponential
// backoff (RetryPolicy: 4 tries, 0.2 s, 0.4 s, 0.8 s, at most 1.6 s); 4xx never. A streamed GET
// is retried only before its first body byte reached the caller.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "net/http_client.hpp"
#include "s3/s3_config.hpp"
#include "s3/s3_error.hpp"

namespace xport::s3 {

struct RetryPolicy {
  int attempts = 4;
  std::chrono::milliseconds first_delay{200};
  std::chrono::milliseconds max_delay{1600};
};

struct S3ClientOptions {
  net::ClientOptions http{};
  RetryPolicy retry{};
  // The signing time (tests put it in the past for an expired link).
  std::function<std::chrono::system_clock::time_point()> clock = [] {
    return std::chrono::system_clock::now();
  };
};

struct ObjectHead {
  std::uint64_t size = 0;
  std::string etag{};  // as S3 sends it, quotes removed
  std::string content_type{};
  std::chrono::system_clock::time_point last_modified{};
};

struct ListedObject {
  std::string key{};
  std::uint64_t size = 0;
  std::string etag{};
  std::chrono::system_clock::time_point last_modified{};
};

struct ListPage {
  std::vector<ListedObject> objects{};
  std::vector<std::string> common_prefixes{};
  bool truncated = false;
  std::string next_token{};  // continuation token when truncated
};

struct ByteRange {
  std::uint64_t first = 0;
  std::optional<std::uint64_t> last{};  // inclusive; nullopt: to the end
};

struct PutOptions {
  bool create_only = false;  // If-None-Match: *; an existing key → S3Error 412 "already exists"
  std::string content_type = "application/octet-stream";
};

struct CompletedPart {
  int number = 0;
  std::string etag{};
};

// Parts of a multipart upload must be at least this big, except the last.
constexpr std::size_t kMinPartSize = std::size_t{5} << 20;

class S3Client {
 public:
  explicit S3Client(S3Config config, S3ClientOptions options = {});

  const S3Config& config() const { return config_; }

  // PUT bucket (the configured one when empty). An existing bucket of ours is fine.
  void create_bucket(std::string_view bucket = {}) const;

  // Returns the ETag.
  std::string put_object(std::string_view key, std::string_view body,
                         const PutOptions& options = {}) const;
  // Streams the body to `on_data` as it arrives; returns the answer's head (size: of the
  // whole object, also for a range). NoSuchKey → S3Error 404.
  ObjectHead get_object(std::string_view key,
                        const std::function<void(const char*, std::size_t)>& on_data,
                        std::optional<ByteRange> range = std::nullopt) const;
  std::string get_object(std::string_view key) const;                 // small objects, in memory
  std::optional<ObjectHead> head_object(std::string_view key) const;  // nullopt on 404
  void delete_object(std::string_view key) const;  // no error when it was not there

  // ListObjectsV2, one page (max_keys ≤ 1000); `delimiter` groups into common_prefixes.
  ListPage list_objects(std::string_view prefix, std::string_view continuation_token = {},
                        int max_keys = 1000, std::string_view delimiter = {}) const;
  // Every page.
  std::vector<ListedObject> list_all(std::string_view prefix) const;

  std::string create_multipart(std::string_view key, const PutOptions& options = {}) const;
  // Returns the part's ETag. Part numbers 1..10000.
  std::string upload_part(std::string_view key, std::string_view upload_id, int number,
                          std::string_view data) const;
  // Returns the object's ETag. An error S3 reports inside a 200 answer is an S3Error too.
  std::string complete_multipart(std::string_view key, std::string_view upload_id,
                                 const std::vector<CompletedPart>& parts) const;
  void abort_multipart(std::string_view key, std::string_view upload_id) const;

  // Presigned links (ttl capped at 7 days). GET links carry response-content-disposition
  // (attachment; filename="..." and filename*=UTF-8''...) when download_name is not empty.
  std::string presign_get(std::string_view key, std::chrono::seconds ttl,
                          std::string_view download_name = {}) const;
  std::string presign_put(std::string_view key, std::chrono::seconds ttl) const;
  // The key (decoded) a URL of this endpoint and bucket names, path style; nullopt otherwise.
  std::optional<std::string> key_of_url(std::string_view url) const;

  // "http://127.0.0.1:7480/bucket/key" (encoded).
  std::string object_url(std::string_view key) const;

 private:
  struct Call;
  net::HttpResponse perform(const Call& call) const;

  S3Config config_;
  S3ClientOptions options_;
  net::HttpClient http_;
};

}  // namespace xport::s3
