#include "net/url.hpp"

#include <boost/url/encoding_opts.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/pct_string_view.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace xport::net {

namespace {

std::uint16_t default_port(const std::string& scheme) {
  return (scheme == "https" || scheme == "wss") ? 443 : 80;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view sv(boost::core::string_view s) {
  return {s.data(), s.size()};
}

}  // namespace

Url Url::parse(std::string_view text) {
  auto parsed = boost::urls::parse_uri({text.data(), text.size()});
  // The text is not echoed whole: a malformed URL may still carry a secret in its query.
  std::string shown(text.substr(0, text.find('?')));
  if (!parsed) throw NetError("invalid URL '" + shown + "': " + parsed.error().message());
  const boost::urls::url_view& u = *parsed;
  Url url;
  url.scheme_ = lower(sv(u.scheme()));
  if (url.scheme_ != "http" && url.scheme_ != "https" && url.scheme_ != "ws" &&
      url.scheme_ != "wss") {
    throw NetError("unsupported URL scheme '" + url.scheme_ + "' in '" + shown + "'");
  }
  if (!u.has_authority() || u.encoded_host().empty()) {
    throw NetError("URL '" + shown + "' has no host");
  }
  if (u.has_userinfo()) throw NetError("URL '" + shown + "' has user info (not supported)");
  switch (u.host_type()) {
    case boost::urls::host_type::ipv6:
      url.host_ = u.host_ipv6_address().to_string();
      break;
    case boost::urls::host_type::ipv4:
      url.host_ = u.host_ipv4_address().to_string();
      break;
    case boost::urls::host_type::name:
      url.host_ = lower(u.host_name());
      break;
    default:
      throw NetError("URL '" + shown + "' has an unsupported host");
  }
  url.port_ = default_port(url.scheme_);
  if (u.has_port()) {
    auto p = sv(u.port());
    unsigned value = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (p.empty() || ec != std::errc{} || end != p.data() + p.size() || value == 0 ||
        value > 65535) {
      throw NetError("URL '" + shown + "' has an invalid port");
    }
    url.port_ = static_cast<std::uint16_t>(value);
  }
  url.target_ = std::string(sv(u.encoded_path()));
  if (url.target_.empty()) url.target_ = "/";
  if (u.has_query()) url.target_ += "?" + std::string(sv(u.encoded_query()));
  return url;
}

std::string Url::host_header() const {
  std::string h = ipv6() ? "[" + host_ + "]" : host_;
  if (port_ != default_port(scheme_)) h += ":" + std::to_string(port_);
  return h;
}

std::string Url::authority() const {
  return (ipv6() ? "[" + host_ + "]" : host_) + ":" + std::to_string(port_);
}

std::string Url::str() const {
  return scheme_ + "://" + host_header() + target_;
}

std::string Url::redacted() const {
  return scheme_ + "://" + host_header() + target_.substr(0, target_.find('?'));
}

Url Url::resolve(std::string_view location) const {
  auto ref = boost::urls::parse_uri_reference({location.data(), location.size()});
  if (!ref) throw NetError("invalid redirect location: " + ref.error().message());
  boost::urls::url base(str());
  boost::urls::url out;
  auto r = boost::urls::resolve(base, *ref, out);
  if (!r) throw NetError("cannot resolve redirect location: " + r.error().message());
  out.remove_fragment();
  return parse(sv(out.buffer()));
}

std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space) {
  auto valid = boost::urls::make_pct_string_view({text.data(), text.size()});
  if (!valid) return std::nullopt;
  boost::urls::encoding_opts options;
  options.space_as_plus = plus_is_space;
  std::string out = valid->decode(options);
  // A NUL that was not written raw came from "%00": refused (C strings, file names).
  if (std::count(out.begin(), out.end(), '\0') != std::count(text.begin(), text.end(), '\0'))
    return std::nullopt;
  return out;
}

std::optional<std::multimap<std::string, std::string>> parse_query(std::string_view query) {
  std::multimap<std::string, std::string> out;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    const std::string_view part = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (part.empty()) continue;
    const std::size_t eq = part.find('=');
    auto name = percent_decode(part.substr(0, eq), true);
    auto value = percent_decode(
        eq == std::string_view::npos ? std::string_view{} : part.substr(eq + 1), true);
    if (!name || !value) return std::nullopt;
    out.emplace(std::move(*name), std::move(*value));
  }
  return out;
}

std::string percent_encode(std::string_view text, bool keep_slash) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    // Not std::isalnum: the locale must not widen what counts as unreserved.
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' ||
                            c == '~' || (keep_slash && c == '/');
    if (unreserved) {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

std::string join_url(std::string_view base, std::string_view path, const QueryParams& query) {
  Url b = Url::parse(base);
  std::string prefix = b.target().substr(0, b.target().find('?'));
  while (!prefix.empty() && prefix.back() == '/')
    prefix.pop_back();
  while (!path.empty() && path.front() == '/')
    path.remove_prefix(1);
  std::string out = b.scheme() + "://" + b.host_header() + prefix + "/" + std::string(path);
  char sep = out.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [key, value] : query) {
    out += sep;
    out += percent_encode(key);
    out += '=';
    out += percent_encode(value);
    sep = '&';
  }
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(), [](char x, char y) {
    return std::tolower(static_cast<unsigned char>(x)) ==
           std::tolower(static_cast<unsigned char>(y));
  });
}

}  // namespace xport::net
