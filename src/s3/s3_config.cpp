#include "s3/s3_config.hpp"

#include <cstdlib>
#include <fstream>

#include "net/url.hpp"
#include "xport/errors.hpp"

namespace xport::s3 {

namespace {

[[noreturn]] void bad(std::string_view url, const std::string& why) {
  // The URL holds no secrets (keys never go into it), so it may be quoted whole.
  throw ConfigError("bad S3 URL '" + std::string(url.substr(0, 300)) + "': " + why);
}

// Bucket names as S3 allows them (3-63 of a-z 0-9 . -, starting and ending alphanumeric).
bool valid_bucket(std::string_view b) {
  if (b.size() < 3 || b.size() > 63) return false;
  for (char c : b) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) return false;
  }
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  return alnum(b.front()) && alnum(b.back());
}

std::string trim(std::string s) {
  const auto first = s.find_first_not_of(" \t\r");
  if (first == std::string::npos) return {};
  const auto last = s.find_last_not_of(" \t\r");
  return s.substr(first, last - first + 1);
}

Credentials read_credentials_file(std::string_view url, const std::string& path) {
  std::ifstream in(path);
  if (!in) bad(url, "cannot read the credentials file '" + path + "'");
  Credentials c;
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    const auto eq = line.find('=');
    const std::string name = eq == std::string::npos ? "" : trim(line.substr(0, eq));
    const std::string value = eq == std::string::npos ? "" : trim(line.substr(eq + 1));
    if (name == "access_key") {
      c.access_key = value;
    } else if (name == "secret_key") {
      c.secret_key = value;
    } else {
      bad(url, "credentials file '" + path + "' line " + std::to_string(number) +
                   ": expected access_key=... or secret_key=...");
    }
  }
  if (c.access_key.empty() || c.secret_key.empty()) {
    bad(url, "credentials file '" + path + "' lacks access_key or secret_key");
  }
  return c;
}

Credentials credentials_from_env(std::string_view url) {
  const char* access = std::getenv("XPORT_S3_ACCESS_KEY");
  const char* secret = std::getenv("XPORT_S3_SECRET_KEY");
  if (!access || !*access || !secret || !*secret) {
    bad(url,
        "no credentials: set XPORT_S3_ACCESS_KEY and XPORT_S3_SECRET_KEY, or add "
        "credentials=FILE");
  }
  return {access, secret};
}

void set_endpoint(S3Config& config, std::string_view url, const std::string& value) {
  net::Url endpoint;
  try {
    endpoint = net::Url::parse(value);
  } catch (const std::exception& e) {
    bad(url, "endpoint '" + value + "' is not a URL: " + e.what());
  }
  if (endpoint.scheme() != "http" && endpoint.scheme() != "https") {
    bad(url, "endpoint '" + value + "' must be http:// or https://");
  }
  if (endpoint.target() != "/") bad(url, "endpoint '" + value + "' must have no path or query");
  config.endpoint = endpoint.scheme() + "://" + endpoint.host_header();
}

}  // namespace

S3Config S3Config::parse(std::string_view url) {
  constexpr std::string_view kScheme = "s3://";
  if (url.substr(0, kScheme.size()) != kScheme) bad(url, "must start with s3://");
  const std::string_view rest = url.substr(kScheme.size());
  const auto q = rest.find('?');
  S3Config config;
  config.bucket = std::string(rest.substr(0, q));
  if (!config.bucket.empty() && config.bucket.back() == '/') config.bucket.pop_back();
  if (!valid_bucket(config.bucket)) {
    bad(url, "bucket '" + config.bucket + "' is not a valid bucket name (3-63 of a-z 0-9 . -)");
  }
  const auto params = net::parse_query(q == std::string_view::npos ? "" : rest.substr(q + 1));
  if (!params) bad(url, "malformed %-escape in the query");
  std::string credentials_file;
  for (const auto& [name, value] : *params) {
    if (name == "endpoint") {
      set_endpoint(config, url, value);
    } else if (name == "region") {
      if (value.empty()) bad(url, "region is empty");
      config.region = value;
    } else if (name == "prefix") {
      config.prefix = value;
      if (!config.prefix.empty() && config.prefix.back() != '/') config.prefix += '/';
    } else if (name == "credentials") {
      credentials_file = value;
    } else {
      bad(url, "unknown parameter '" + name + "' (endpoint, region, prefix, credentials)");
    }
  }
  if (config.endpoint.empty()) bad(url, "endpoint=http(s)://host[:port] is missing");
  config.credentials = credentials_file.empty() ? credentials_from_env(url)
                                                : read_credentials_file(url, credentials_file);
  return config;
}

}  // namespace xport::s3
