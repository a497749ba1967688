#include "s3/s3_storage_access.hpp"

#include <openssl/rand.h>

#include "net/url.hpp"

namespace xport::s3 {

namespace {

// Every S3 failure as the hub core's StorageError, with S3's code.
template <class F>
auto mapped(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const S3Error& e) {
    throw hub::StorageError(e.what(), e.code());
  }
}

std::string random_suffix() {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof bytes) != 1) throw IoError("no random bytes (OpenSSL)");
  return hex({reinterpret_cast<const char*>(bytes), sizeof bytes});
}

}  // namespace

S3StorageAccess::S3StorageAccess(S3ClientOptions options) : options_(std::move(options)) {}

S3Client S3StorageAccess::client_for(const hub::StorageTarget& target) const {
  S3Config config;
  try {
    const auto url = net::Url::parse(target.endpoint);
    config.endpoint = url.scheme() + "://" + url.host_header();
  } catch (const std::exception& e) {
    throw hub::StorageError("bad storage endpoint '" + target.endpoint + "': " + e.what(),
                            "InvalidEndpoint");
  }
  config.region = target.region.empty() ? "us-east-1" : target.region;
  config.bucket = target.bucket;
  config.credentials = {target.access_key, target.secret_key};
  return S3Client(std::move(config), options_);
}

void S3StorageAccess::check(const hub::StorageTarget& target) {
  const S3Client client = client_for(target);
  mapped([&] {
    const std::string key = ".xport-check-" + random_suffix();
    const std::string probe = "xport storage check";
    client.put_object(key, probe, {.content_type = "text/plain"});
    const std::string back = client.get_object(key);
    client.delete_object(key);
    if (back != probe) {
      throw S3Error("S3 GET " + target.bucket + "/" + key + ": read back other bytes", 200,
                    "BadAnswer", "read back other bytes", target.bucket, key);
    }
  });
}

std::string S3StorageAccess::presign_put(const hub::StorageTarget& target, std::string_view key,
                                         std::chrono::seconds ttl) {
  return client_for(target).presign_put(key, ttl);
}

std::string S3StorageAccess::presign_get(const hub::StorageTarget& target, std::string_view key,
                                         std::chrono::seconds ttl, std::string_view download_name) {
  return client_for(target).presign_get(key, ttl, download_name);
}

std::uint64_t S3StorageAccess::size_of(const hub::StorageTarget& target, std::string_view key) {
  const S3Client client = client_for(target);
  const auto head = mapped([&] { return client.head_object(key); });
  if (!head) {
    throw hub::StorageError("S3 HEAD " + target.bucket + "/" + std::string(key) + ": no such key",
                            "NoSuchKey");
  }
  return head->size;
}

std::optional<hub::StorageAccess::Place> S3StorageAccess::place_of_url(
    const hub::StorageTarget& target, std::string_view url) {
  const S3Client client = client_for(target);
  const std::string base = client.config().endpoint + "/";
  if (url.substr(0, base.size()) != base) return std::nullopt;
  std::string_view path = url.substr(base.size());
  path = path.substr(0, path.find_first_of("?#"));
  const auto slash = path.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == path.size())
    return std::nullopt;
  auto bucket = net::percent_decode(path.substr(0, slash), false);
  auto key = net::percent_decode(path.substr(slash + 1), false);
  if (!bucket || !key) return std::nullopt;
  return Place{std::move(*bucket), std::move(*key)};
}

}  // namespace xport::s3
