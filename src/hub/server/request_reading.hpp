// How the hub's HTTP sessions read a request, in one place so that the fuzz target
// (tests/fuzz/fuzz_http_request.cpp) parses exactly as the server does: the header parser's
// limits, the read buffer's bound, which parse errors are answered 400, and the target split
// into path and query.
#pragma once

#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/optional/optional.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "net/read_buffer.hpp"

namespace xport::hub::server {

using HeaderParser = boost::beast::http::request_parser<boost::beast::http::empty_body>;

// Bounded below 64 KiB: net/read_buffer.hpp says why (a trailer too large for Beast).
inline boost::beast::flat_buffer request_read_buffer() {
  return boost::beast::flat_buffer(net::kHttpReadBufferLimit);
}

// A header parser for the next request: its header within `max_header_bytes` (and the read
// buffer), its body's limit set later by the route.
inline void limit_header(HeaderParser& header, std::size_t max_header_bytes) {
  header.header_limit(net::bounded_header_limit(max_header_bytes));
  header.body_limit(boost::none);
}

// A request Beast could not parse (not the connection ending or timing out): answered 400.
inline bool malformed_http(const boost::beast::error_code& ec) {
  namespace http = boost::beast::http;
  if (!ec || ec.category() != http::make_error_code(http::error::bad_method).category())
    return false;
  return ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::need_more && ec != http::error::header_limit;
}

// A body declared larger than `max_body`: answered 413 before a byte of it is read (a body
// parser would reserve the declared length).
inline bool declared_too_large(const HeaderParser& header, std::uint64_t max_body) {
  return header.content_length() && *header.content_length() > max_body;
}

struct Target {
  std::string path;   // raw (still percent-encoded)
  std::string query;  // after '?', raw
};

inline Target split_target(std::string_view target) {
  std::size_t q = target.find('?');
  if (q == std::string_view::npos) return {std::string(target), {}};
  return {std::string(target.substr(0, q)), std::string(target.substr(q + 1))};
}

}  // namespace xport::hub::server
