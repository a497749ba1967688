// The hub's HTTP requests and responses as route handlers see them: plain structs, no Beast.
// Big bodies never sit in memory: a route can ask for its request body in a temporary file
// (RouteOptions::body_to_file) and a response can name a file that is streamed from disk.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/url.hpp"

namespace xport::hub::server {

using net::iequals;

// Header fields in order; names as received (matching is case-insensitive).
using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  std::string method;                             // upper case: "GET", "POST", ...
  std::string target;                             // as received: path and query
  std::string path;                               // percent-decoded, without the query
  std::multimap<std::string, std::string> query;  // percent-decoded names and values
  std::map<std::string, std::string> params;      // from the route pattern ({id} → value)
  Headers headers;
  std::string remote;  // peer address "ip:port"
  // The body: in memory, or (routes with body_to_file) in body_file, a temporary file that is
  // removed after the response unless the handler moved it away (rename it into place for an
  // atomic upload). body_size counts the bytes either way.
  std::string body;
  std::filesystem::path body_file;
  std::uint64_t body_size = 0;

  // The first header field named `name` (case-insensitive), or nullopt.
  std::optional<std::string> header(std::string_view name) const;
  // The first query parameter `name`, or nullopt.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  Headers headers;  // extra fields (Content-Disposition, Cache-Control, Location...)
  std::string body;
  // When set, the body is this file, streamed from disk (body is ignored).
  std::optional<std::filesystem::path> file;
  // With `file`: remove it once it is opened for sending (a generated temporary result).
  bool remove_file = false;

  static Response json(int status, const boost::json::value& value);
  static Response text(int status, std::string text,
                       std::string content_type = "text/plain; charset=utf-8");
  // {"message": message}, the error shape of the hub's API.
  static Response error(int status, std::string_view message);
  // A file download; `download_name` adds Content-Disposition: attachment.
  static Response send_file(std::filesystem::path path, std::string content_type,
                            std::string_view download_name = {});
};

// Percent-decoding of a path segment or query part ('+' is a space only in queries),
// nullopt for a malformed escape or a decoded NUL: net/url.hpp.
using net::percent_decode;

// The standard reason phrase of a status ("Not Found").
std::string_view reason_phrase(int status);

}  // namespace xport::hub::server
