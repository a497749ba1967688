#include "hub/signed_url.hpp"

#include <charconv>

#include "hub/credentials.hpp"
#include "hub/key_file.hpp"

namespace xport::hub {

std::string_view to_string(UrlCheck check) {
  switch (check) {
    case UrlCheck::ok:
      return "ok";
    case UrlCheck::expired:
      return "expired";
    case UrlCheck::bad_signature:
      return "bad_signature";
  }
  return "unknown";
}

UrlSigner::UrlSigner(std::string key) : key_(std::move(key)) {}

UrlSigner UrlSigner::from_data_dir(const std::filesystem::path& data_dir) {
  return UrlSigner(load_or_create_key(data_dir / "url-signing.key", 32));
}

std::string UrlSigner::signature(std::string_view object_key, std::string_view expires) const {
  // A NUL cannot occur in either part (keys are checked, expires is digits), so the
  // message is unambiguous: ("a", "1b") and ("a1", "b") sign differently.
  std::string message(object_key);
  message += '\0';
  message += expires;
  return base64url(hmac_sha256(key_, message));
}

std::string UrlSigner::make(std::string_view object_key, std::int64_t expires) const {
  const std::string when = std::to_string(expires);
  return "expires=" + when + "&sig=" + signature(object_key, when);
}

UrlCheck UrlSigner::verify(std::string_view object_key, std::string_view expires,
                           std::string_view sig, std::int64_t now) const {
  std::int64_t when = 0;
  const auto [end, error] = std::from_chars(expires.data(), expires.data() + expires.size(), when);
  // Only the canonical form make() writes ("0012" or "+12" would be other messages).
  if (error != std::errc() || end != expires.data() + expires.size() ||
      std::to_string(when) != expires) {
    return UrlCheck::bad_signature;
  }
  if (!constant_time_equal(signature(object_key, expires), sig)) return UrlCheck::bad_signature;
  return now < when ? UrlCheck::ok : UrlCheck::expired;
}

}  // namespace xport::hub
