#include "hub/app/links.hpp"

#include <charconv>

#include "hub/object_store.hpp"
#include "hub/server/http_types.hpp"

namespace xport::hub {

namespace {

// "expires=E&sig=S" → (E, S)
std::pair<std::string, std::string> split_query(const std::string& query) {
  std::string expires, sig;
  std::size_t amp = query.find('&');
  if (query.rfind("expires=", 0) == 0 && amp != std::string::npos) {
    expires = query.substr(8, amp - 8);
    std::string rest = query.substr(amp + 1);
    if (rest.rfind("sig=", 0) == 0) sig = rest.substr(4);
  }
  return {expires, sig};
}

}  // namespace

std::string make_run_token(const UrlSigner& signer, const std::string& session,
                           std::int64_t expires) {
  auto [when, sig] = split_query(signer.make("run:" + session, expires));
  return std::string(kRunTokenPrefix) + session + "." + when + "." + sig;
}

std::optional<std::string> verify_run_token(const UrlSigner& signer, std::string_view token,
                                            std::int64_t now) {
  if (token.substr(0, kRunTokenPrefix.size()) != kRunTokenPrefix) return std::nullopt;
  token.remove_prefix(kRunTokenPrefix.size());
  const std::size_t a = token.find('.');
  if (a == std::string_view::npos) return std::nullopt;
  const std::size_t b = token.find('.', a + 1);
  if (b == std::string_view::npos) return std::nullopt;
  std::string session(token.substr(0, a));
  std::string_view expires = token.substr(a + 1, b - a - 1);
  std::string_view sig = token.substr(b + 1);
  if (session.empty()) return std::nullopt;
  if (signer.verify("run:" + session, expires, sig, now) != UrlCheck::ok) return std::nullopt;
  return session;
}

std::string make_upload_query(const UrlSigner& signer, std::string_view key, std::int64_t expires) {
  return signer.make("put:" + std::string(key), expires);
}

UrlCheck verify_upload(const UrlSigner& signer, std::string_view key, std::string_view expires,
                       std::string_view sig, std::int64_t now) {
  return signer.verify("put:" + std::string(key), expires, sig, now);
}

std::optional<std::string> object_key_from_url(std::string_view url) {
  std::string_view path = url;
  if (auto q = path.find_first_of("?#"); q != std::string_view::npos) path = path.substr(0, q);
  if (auto scheme = path.find("://"); scheme != std::string_view::npos) {
    auto slash = path.find('/', scheme + 3);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash);
  }
  for (std::string_view prefix : {std::string_view("/upload/"), std::string_view("/objects/")}) {
    if (path.substr(0, prefix.size()) != prefix) continue;
    auto key = server::percent_decode(path.substr(prefix.size()), false);
    if (!key) return std::nullopt;
    try {
      ObjectStore::check_key(*key);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    return key;
  }
  return std::nullopt;
}

std::optional<std::string> hub_object_key(ObjectStore& objects, std::string_view url) {
  if (auto key = object_key_from_url(url)) return key;
  return objects.key_of_url(url);
}

std::string safe_segment(std::string_view name, std::string_view fallback) {
  if (auto slash = name.find_last_of("/\\"); slash != std::string_view::npos)
    name = name.substr(slash + 1);
  std::string out;
  for (char c : name) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    out += ok ? c : '_';
  }
  if (out.size() > 120) out = out.substr(out.size() - 120);
  if (out.empty() || out == "." || out == "..") out = std::string(fallback);
  return out;
}

}  // namespace xport::hub
