// Time-limited download links: HMAC-SHA256 over (object key, expiry) with a server key.
// The object key travels in the URL path, the query carries `expires` (Unix seconds) and
// `sig` (base64url). Changing any of the three makes the signature fail.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace xport::hub {

enum class UrlCheck { ok, expired, bad_signature };
std::string_view to_string(UrlCheck check);

class UrlSigner {
 public:
  explicit UrlSigner(std::string key);  // any length; 32 random bytes from the data dir
  // Loads DATA_DIR/url-signing.key, creating it (32 random bytes, mode 0600) on first start.
  static UrlSigner from_data_dir(const std::filesystem::path& data_dir);

  // "expires=<unix seconds>&sig=<base64url>" for `object_key`, valid until `expires`.
  std::string make(std::string_view object_key, std::int64_t expires) const;
  // Checks a link's query values at `now` (Unix seconds). The signature is checked first
  // (constant time), so a forged expiry is bad_signature, never expired. A malformed
  // `expires` is bad_signature.
  UrlCheck verify(std::string_view object_key, std::string_view expires, std::string_view sig,
                  std::int64_t now) const;

 private:
  std::string signature(std::string_view object_key, std::string_view expires) const;
  std::string key_;
};

}  // namespace xport::hub
