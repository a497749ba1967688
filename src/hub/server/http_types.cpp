#include "hub/server/http_types.hpp"

#include <boost/json/serialize.hpp>
#include <cctype>

namespace xport::hub::server {

std::optional<std::string> Request::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

std::optional<std::string> Request::query_param(std::string_view name) const {
  auto it = query.find(std::string(name));
  if (it == query.end()) return std::nullopt;
  return it->second;
}

Response Response::json(int status, const boost::json::value& value) {
  Response r;
  r.status = status;
  r.body = boost::json::serialize(value);
  return r;
}

Response Response::text(int status, std::string text, std::string content_type) {
  Response r;
  r.status = status;
  r.content_type = std::move(content_type);
  r.body = std::move(text);
  return r;
}

Response Response::error(int status, std::string_view message) {
  boost::json::object o;
  o["message"] = message;
  return json(status, o);
}

Response Response::send_file(std::filesystem::path path, std::string content_type,
                             std::string_view download_name) {
  Response r;
  r.content_type = std::move(content_type);
  r.file = std::move(path);
  if (!download_name.empty()) {
    // Quotes and backslashes would break the quoted-string; they never belong in a file name.
    std::string safe;
    for (char c : download_name)
      safe += (c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20) ? '_' : c;
    r.headers.emplace_back("Content-Disposition", "attachment; filename=\"" + safe + "\"");
  }
  return r;
}

std::string_view reason_phrase(int status) {
  switch (status) {
    case 100:
      return "Continue";
    case 101:
      return "Switching Protocols";
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 202:
      return "Accepted";
    case 204:
      return "No Content";
    case 206:
      return "Partial Content";
    case 301:
      return "Moved Permanently";
    case 302:
      return "Found";
    case 303:
      return "See Other";
    case 304:
      return "Not Modified";
    case 307:
      return "Temporary Redirect";
    case 308:
      return "Permanent Redirect";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Payload Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Entity";
    case 429:
      return "Too Many Requests";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "";
  }
}

}  // namespace xport::hub::server
