// The hub's ObjectStore on an S3 bucket (S3Config: endpoint, bucket, optional key prefix).
// Writers buffer up to the part size: a smaller object is one PUT at commit(), a bigger one a
// multipart upload (parts sent as the buffer fills, aborted when the writer is destroyed
// without commit()). Readers stream a GET through a bounded pipe: never a whole object in
// memory. Direct links are SigV4 presigned URLs.
#pragma once

#include <cstddef>
#include <memory>

#include "hub/object_store.hpp"
#include "s3/s3_client.hpp"

namespace xport::s3 {

struct S3ObjectStoreOptions {
  std::size_t part_size = std::size_t{8} << 20;  // at least kMinPartSize
  // commit() refuses to replace an existing object (If-None-Match: *; S3Error 412). Off by
  // default: ObjectWriter::commit() replaces, as LocalObjectStore does.
  bool create_only = false;
};

class S3ObjectStore final : public hub::ObjectStore {
 public:
  explicit S3ObjectStore(S3Config config, S3ClientOptions client_options = {},
                         S3ObjectStoreOptions options = {});

  std::unique_ptr<hub::ObjectWriter> create(std::string_view key, std::uint64_t max_bytes) override;
  std::unique_ptr<ByteSource> open(std::string_view key) override;
  bool exists(std::string_view key) override;
  bool remove(std::string_view key) override;
  std::size_t remove_older_than(std::string_view prefix,
                                std::chrono::system_clock::time_point before) override;

  std::optional<std::string> presign_get(std::string_view key, std::chrono::seconds ttl,
                                         std::string_view download_name) override;
  std::optional<std::string> presign_put(std::string_view key, std::chrono::seconds ttl) override;
  std::optional<std::string> key_of_url(std::string_view url) override;
  bool remote() const override { return true; }

  const S3Client& client() const { return client_; }

 private:
  std::string full_key(std::string_view key) const;  // checks the key, adds the prefix

  S3Client client_;
  S3ObjectStoreOptions options_;
};

}  // namespace xport::s3
