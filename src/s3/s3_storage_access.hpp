// The hub core's StorageAccess (hub/storage_access.hpp) on the S3 client: what HubApp hands
// the core so that customers' own buckets work. S3Errors become StorageErrors with S3's code
// ("unreachable" when there was no answer).
#pragma once

#include "hub/storage_access.hpp"
#include "s3/s3_client.hpp"

namespace xport::s3 {

class S3StorageAccess final : public hub::StorageAccess {
 public:
  explicit S3StorageAccess(S3ClientOptions options = {});

  void check(const hub::StorageTarget& target) override;
  std::string presign_put(const hub::StorageTarget& target, std::string_view key,
                          std::chrono::seconds ttl) override;
  std::string presign_get(const hub::StorageTarget& target, std::string_view key,
                          std::chrono::seconds ttl, std::string_view download_name) override;
  std::uint64_t size_of(const hub::StorageTarget& target, std::string_view key) override;
  std::optional<Place> place_of_url(const hub::StorageTarget& target,
                                    std::string_view url) override;

 private:
  S3Client client_for(const hub::StorageTarget& target) const;
  S3ClientOptions options_;
};

}  // namespace xport::s3
