// Where a bucket is and how to reach it, from one URL:
//
//   s3://BUCKET?endpoint=http://127.0.0.1:7480&region=us-east-1&prefix=hub/&credentials=/path
//
// endpoint (required): http(s)://host[:port], path-style requests go to ENDPOINT/BUCKET/KEY.
// region: default us-east-1. prefix: prepended to every object store key (S3ObjectStore).
// Keys: from the file named by `credentials` — lines `access_key=...` and `secret_key=...`
// (blank lines and lines starting with '#' ignored) — else from the environment variables
// XPORT_S3_ACCESS_KEY and XPORT_S3_SECRET_KEY. Never in the URL itself: URLs end up in logs.
#pragma once

#include <string>
#include <string_view>

#include "s3/sigv4.hpp"

namespace xport::s3 {

struct S3Config {
  std::string endpoint{};  // "http://127.0.0.1:7480", no trailing slash
  std::string region = "us-east-1";
  std::string bucket{};
  std::string prefix{};  // "" or ending in '/'
  Credentials credentials{};

  // Throws ConfigError naming the bad part of the URL (scheme, bucket, endpoint, a parameter,
  // the credentials file or the missing variables).
  static S3Config parse(std::string_view url);
};

}  // namespace xport::s3
