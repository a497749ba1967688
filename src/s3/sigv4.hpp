// AWS Signature Version 4 (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv.html)
// on OpenSSL: canonical request, string to sign, signing key, the Authorization header of a
// header-signed request and query-string presigned URLs. Pure functions: the time is a
// parameter, so that AWS's published test vectors check them byte for byte.
//
// Paths are encoded the S3 way: each byte but the unreserved ones and '/' as %XX, once, with
// no normalisation ("a//b" and "a/./b" stay as they are: they are different S3 keys).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xport::s3 {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Credentials {
  std::string access_key{};
  std::string secret_key{};  // never logged
};

struct Scope {
  std::string region = "us-east-1";
  std::string service = "s3";
};

// What is signed. `path` and `query` are decoded ("/bucket/a b", {"prefix", "x/y"}): encoding
// them is the signer's job, so that what is signed and what is sent cannot differ.
struct SignableRequest {
  std::string method{};
  std::string path{};
  Fields query{};
  Fields headers{};  // must contain Host; every header given is signed
  // Hex SHA-256 of the body, or "UNSIGNED-PAYLOAD". S3 also wants it sent as the
  // x-amz-content-sha256 header (s3_client adds it); other services do not.
  std::string payload_hash{};
};

struct Signature {
  std::string canonical_request{};
  std::string string_to_sign{};
  std::string signature{};       // hex
  std::string signed_headers{};  // "host;x-amz-date"
  std::string authorization{};   // the Authorization header's value
};

constexpr std::chrono::seconds kMaxPresignExpiry{7 * 24 * 3600};
constexpr std::string_view kUnsignedPayload = "UNSIGNED-PAYLOAD";
constexpr std::string_view kEmptySha256 =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

// RFC 3986 percent-encoding of everything but A-Z a-z 0-9 - . _ ~ (and '/' when kept).
std::string uri_encode(std::string_view text, bool keep_slash);
std::string sha256_hex(std::string_view data);
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw bytes
std::string hex(std::string_view bytes);
// "20150830T123600Z" (UTC).
std::string amz_date(std::chrono::system_clock::time_point time);
// Parses S3's ISO 8601 times ("2009-10-12T17:50:30.000Z") and HTTP dates
// ("Wed, 12 Oct 2009 17:50:30 GMT"); throws InputError on anything else.
std::chrono::system_clock::time_point parse_time(std::string_view text);

std::string canonical_request(const SignableRequest& request,
                              std::string* signed_headers = nullptr);
std::string string_to_sign(std::string_view amz_date, const Scope& scope,
                           std::string_view canonical_request);
std::string signing_key(std::string_view secret_key, std::string_view date8, const Scope& scope);

// Signs a request whose headers already carry X-Amz-Date (= amz_date(time)).
Signature sign(const SignableRequest& request, const Credentials& credentials, const Scope& scope,
               std::chrono::system_clock::time_point time);

// Adds X-Amz-Date and Authorization to `request.headers` (for S3 also x-amz-content-sha256
// from payload_hash) and returns the signature.
Signature sign_headers(SignableRequest& request, const Credentials& credentials, const Scope& scope,
                       std::chrono::system_clock::time_point time);

struct PresignRequest {
  std::string method = "GET";
  std::string endpoint{};  // scheme://host[:port], exactly as the link's user will reach it
  std::string path{};      // decoded, "/bucket/key"
  Fields query{};          // decoded extras, e.g. response-content-disposition
  std::chrono::seconds expires{3600};  // capped at kMaxPresignExpiry
  Fields headers{};  // headers the user must send, besides Host (e.g. Content-Type); usually none
};

// A query-string signed URL (X-Amz-Algorithm, -Credential, -Date, -Expires, -SignedHeaders,
// -Signature; payload UNSIGNED-PAYLOAD), valid from `time` for `expires`.
std::string presign(const PresignRequest& request, const Credentials& credentials,
                    const Scope& scope, std::chrono::system_clock::time_point time);

}  // namespace xport::s3
