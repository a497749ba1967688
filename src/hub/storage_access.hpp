// S3 operations on a customer's own bucket, as the hub core needs them. The core keeps the
// storages' settings but does no network I/O and links no S3 client: the application passes
// one in (src/s3's S3StorageAccess). StorageAccess::none() refuses every call, so a core
// built without one says so instead of storing results where nobody looks.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "xport/errors.hpp"

namespace xport::hub {

// A bucket and the credentials to reach it (the secret key in plain text: never log it).
struct StorageTarget {
  std::string endpoint;  // http(s)://host[:port]
  std::string region = "us-east-1";
  std::string bucket;
  std::string access_key;
  std::string secret_key;
};

// A storage failed: S3's error code (SignatureDoesNotMatch, NoSuchBucket, ...) or a network
// failure ("unreachable"), and a message that says which storage and what S3 said.
class StorageError : public IoError {
 public:
  StorageError(const std::string& message, std::string code)
      : IoError(message), code_(std::move(code)) {}
  const std::string& code() const { return code_; }

 private:
  std::string code_;
};

class StorageAccess {
 public:
  virtual ~StorageAccess() = default;

  // Proves the credentials may write and read the bucket (a small object put, read back and
  // deleted). Throws StorageError.
  virtual void check(const StorageTarget& target) = 0;
  // Links whose holder may PUT / GET the object directly (SigV4 presigned), `ttl` at most 7
  // days. GET links make browsers save the file as `download_name`.
  virtual std::string presign_put(const StorageTarget& target, std::string_view key,
                                  std::chrono::seconds ttl) = 0;
  virtual std::string presign_get(const StorageTarget& target, std::string_view key,
                                  std::chrono::seconds ttl, std::string_view download_name) = 0;
  // The object's size (HEAD). Throws StorageError (NoSuchKey when it is not there).
  virtual std::uint64_t size_of(const StorageTarget& target, std::string_view key) = 0;
  // The bucket and key a presigned URL of this endpoint names (path style: /bucket/key), or
  // nullopt when the URL points elsewhere.
  struct Place {
    std::string bucket;
    std::string key;
  };
  virtual std::optional<Place> place_of_url(const StorageTarget& target, std::string_view url) = 0;

  // The access of a hub without an S3 client: every call throws StorageError "unsupported".
  static StorageAccess& none();
};

}  // namespace xport::hub
