#include "s3/sigv4.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "net/url.hpp"
#include "xport/errors.hpp"

namespace xport::s3 {

namespace {

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = lower(c);
  return out;
}

// SigV4 trims a header value and collapses runs of spaces into one.
std::string trim_value(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

std::string date8(std::string_view amz) {
  return std::string(amz.substr(0, 8));
}

std::string credential_scope(std::string_view date, const Scope& scope) {
  return date8(date) + "/" + scope.region + "/" + scope.service + "/aws4_request";
}

std::string canonical_query(const Fields& query) {
  std::vector<std::pair<std::string, std::string>> encoded;
  encoded.reserve(query.size());
  for (const auto& [k, v] : query)
    encoded.emplace_back(uri_encode(k, false), uri_encode(v, false));
  std::sort(encoded.begin(), encoded.end());
  std::string out;
  for (const auto& [k, v] : encoded) {
    if (!out.empty()) out += '&';
    out += k + "=" + v;
  }
  return out;
}

}  // namespace

std::string uri_encode(std::string_view text, bool keep_slash) {
  // SigV4's URI encoding is RFC 3986's, upper-case hex: exactly net::percent_encode.
  return net::percent_encode(text, keep_slash);
}

std::string hex(std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char ch : bytes) {
    const auto c = static_cast<unsigned char>(ch);
    out += kHex[c >> 4];
    out += kHex[c & 15];
  }
  return out;
}

std::string sha256_hex(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), digest);
  return hex({reinterpret_cast<const char*>(digest), sizeof digest});
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &size)) {
    throw IoError("HMAC-SHA256 failed (OpenSSL)");
  }
  return {reinterpret_cast<const char*>(out), size};
}

std::string amz_date(std::chrono::system_clock::time_point time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &tm);
  return buffer;
}

std::chrono::system_clock::time_point parse_time(std::string_view text) {
  std::tm tm{};
  const std::string s(text);
  const char* end = strptime(s.c_str(), "%Y-%m-%dT%H:%M:%S", &tm);
  if (!end) end = strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (!end) throw InputError("not an S3 time: '" + s.substr(0, 60) + "'");
  // system_clock counts nanoseconds in 64 bits: years past 2262 overflow it (found by
  // fuzz_s3_xml). S3's times are recent.
  if (tm.tm_year < 70 || tm.tm_year > 300) {
    throw InputError("S3 time out of range: '" + s.substr(0, 60) + "'");
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

std::string canonical_request(const SignableRequest& request, std::string* signed_headers) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) {
    std::string key = to_lower(name);
    auto it = std::find_if(headers.begin(), headers.end(), [&](auto& h) { return h.first == key; });
    if (it != headers.end()) {
      it->second += "," + trim_value(value);  // repeated headers: values joined by commas
    } else {
      headers.emplace_back(std::move(key), trim_value(value));
    }
  }
  std::sort(headers.begin(), headers.end());
  std::string names;
  std::string block;
  for (const auto& [name, value] : headers) {
    if (!names.empty()) names += ';';
    names += name;
    block += name + ":" + value + "\n";
  }
  if (signed_headers) *signed_headers = names;
  const std::string path = request.path.empty() ? "/" : uri_encode(request.path, true);
  return request.method + "\n" + path + "\n" + canonical_query(request.query) + "\n" + block +
         "\n" + names + "\n" + request.payload_hash;
}

std::string string_to_sign(std::string_view date, const Scope& scope, std::string_view canonical) {
  return "AWS4-HMAC-SHA256\n" + std::string(date) + "\n" + credential_scope(date, scope) + "\n" +
         sha256_hex(canonical);
}

std::string signing_key(std::string_view secret_key, std::string_view date, const Scope& scope) {
  std::string key = hmac_sha256("AWS4" + std::string(secret_key), date8(date));
  key = hmac_sha256(key, scope.region);
  key = hmac_sha256(key, scope.service);
  return hmac_sha256(key, "aws4_request");
}

Signature sign(const SignableRequest& request, const Credentials& credentials, const Scope& scope,
               std::chrono::system_clock::time_point time) {
  const std::string date = amz_date(time);
  Signature s;
  s.canonical_request = canonical_request(request, &s.signed_headers);
  s.string_to_sign = string_to_sign(date, scope, s.canonical_request);
  s.signature =
      hex(hmac_sha256(signing_key(credentials.secret_key, date, scope), s.string_to_sign));
  s.authorization = "AWS4-HMAC-SHA256 Credential=" + credentials.access_key + "/" +
                    credential_scope(date, scope) + ", SignedHeaders=" + s.signed_headers +
                    ", Signature=" + s.signature;
  return s;
}

Signature sign_headers(SignableRequest& request, const Credentials& credentials, const Scope& scope,
                       std::chrono::system_clock::time_point time) {
  request.headers.emplace_back("X-Amz-Date", amz_date(time));
  if (scope.service == "s3")
    request.headers.emplace_back("x-amz-content-sha256", request.payload_hash);
  Signature s = sign(request, credentials, scope, time);
  request.headers.emplace_back("Authorization", s.authorization);
  return s;
}

std::string presign(const PresignRequest& request, const Credentials& credentials,
                    const Scope& scope, std::chrono::system_clock::time_point time) {
  const std::string date = amz_date(time);
  const auto expires = std::clamp(request.expires, std::chrono::seconds(1), kMaxPresignExpiry);
  const auto scheme_end = request.endpoint.find("://");
  if (scheme_end == std::string::npos) throw ConfigError("bad endpoint '" + request.endpoint + "'");
  SignableRequest signable{.method = request.method,
                           .path = request.path,
                           .query = request.query,
                           .headers = request.headers,
                           .payload_hash = std::string(kUnsignedPayload)};
  signable.headers.emplace_back("host", request.endpoint.substr(scheme_end + 3));
  std::string names;
  canonical_request(signable, &names);  // only for the signed header names
  signable.query.emplace_back("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
  signable.query.emplace_back("X-Amz-Credential",
                              credentials.access_key + "/" + credential_scope(date, scope));
  signable.query.emplace_back("X-Amz-Date", date);
  signable.query.emplace_back("X-Amz-Expires", std::to_string(expires.count()));
  signable.query.emplace_back("X-Amz-SignedHeaders", names);
  const Signature s = sign(signable, credentials, scope, time);
  return request.endpoint + uri_encode(request.path, true) + "?" + canonical_query(signable.query) +
         "&X-Amz-Signature=" + s.signature;
}

}  // namespace xport::s3
