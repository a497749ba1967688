// URLs of the four schemes the clients speak (http, https, ws, wss), parsed with Boost.URL.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/errors.hpp"

namespace xport::net {

// Query parameters in order; keys and values unencoded (join_url percent-encodes them).
using QueryParams = std::vector<std::pair<std::string, std::string>>;

class Url {
 public:
  Url() = default;
  // Parses an absolute http/https/ws/wss URL. Throws NetError on anything else (no scheme,
  // other scheme, no host, bad port, user info).
  static Url parse(std::string_view text);

  const std::string& scheme() const { return scheme_; }  // lower case
  // The host without brackets ("::1" for http://[::1]/): what SNI and certificate checks use.
  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }  // the scheme's default when absent
  // Path and query as sent in the request line: "/" when the path is empty.
  const std::string& target() const { return target_; }
  bool tls() const { return scheme_ == "https" || scheme_ == "wss"; }
  bool ipv6() const { return host_.find(':') != std::string::npos; }
  // "host[:port]" for the Host header: brackets around IPv6, the port only when not default.
  std::string host_header() const;
  // "host:port" for messages ("[::1]:443").
  std::string authority() const;
  // The whole URL, normalised ("https://host:port/path?query").
  std::string str() const;
  // The URL without query and fragment: safe to put in error messages and logs.
  std::string redacted() const;
  // Resolves a redirect Location (absolute, scheme-relative or relative) against this URL.
  Url resolve(std::string_view location) const;

 private:
  std::string scheme_;
  std::string host_;
  std::uint16_t port_ = 0;
  std::string target_ = "/";
};

// Percent-encodes everything but RFC 3986 unreserved characters (A-Z a-z 0-9 - . _ ~), as
// Python's urllib.parse.quote(s, safe="") does: "+", "&", "=", "/" and ":" are all encoded,
// so any server decodes the value back exactly. With `keep_slash`, "/" stays (a path, as
// SigV4's canonical URI has it).
std::string percent_encode(std::string_view text, bool keep_slash = false);

// Percent-decoding (Boost.URL's pct_string_view) of a path segment or a query part; with
// `plus_is_space` (queries, application/x-www-form-urlencoded) '+' is a space. nullopt for
// a malformed escape ("%4", "%zz") or an escape that decodes to NUL.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space);

// ASCII case-insensitive comparison, for HTTP field names and tokens.
bool iequals(std::string_view a, std::string_view b);

// A query string ("a=1&b=x+y&c") → its parameters, names and values decoded ('+' is a space;
// "c" has the value ""); empty parts ("a=1&&b") are skipped, repeated names kept in order.
// nullopt when any escape is malformed. Split by hand, not with boost::urls::parse_query,
// whose RFC 3986 grammar refuses the raw '{', '"', spaces and UTF-8 that clients put into
// queries and that the hub has always accepted.
std::optional<std::multimap<std::string, std::string>> parse_query(std::string_view query);

// base ("https://api.ango.ai" or with a path prefix, trailing "/" or not) + path ("/v2/export"
// or "v2/export") + "?k=v&..." with keys and values percent-encoded. Throws NetError when base
// is not a valid URL.
std::string join_url(std::string_view base, std::string_view path, const QueryParams& query = {});

}  // namespace xport::net
