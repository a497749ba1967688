#include "sdk/platform_session.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>

namespace xport {

PlatformError::PlatformError(std::string endpoint, int status, std::string message)
    : std::runtime_error(status ? fmt::format("{} answered {}: {}", endpoint, status, message)
                                : fmt::format("{} failed: {}", endpoint, message)),
      endpoint_(std::move(endpoint)),
      status_(status),
      message_(std::move(message)) {}

}  // namespace xport

namespace xport::sdk {
namespace {

net::ClientOptions client_options(const PlatformOptions& options) {
  net::ClientOptions o;
  o.connect_timeout = options.connect_timeout;
  o.idle_timeout = options.idle_timeout;
  o.tls.ca_file = options.ca_file;
  o.tls.verify = options.verify_tls;
  return o;
}

std::string one_line(std::string text, std::size_t max) {
  const bool cut = text.size() > max;
  text.resize(std::min(text.size(), max));
  for (char& c : text)
    if (c == '\n' || c == '\r') c = ' ';
  return cut ? text + "..." : text;
}

}  // namespace

std::string server_message(const std::string& body) {
  boost::system::error_code ec;
  boost::json::value reply = boost::json::parse(body, ec);
  if (!ec && reply.is_object())
    for (const char* key : {"message", "error"})
      if (const auto* m = reply.get_object().if_contains(key); m && m->is_string())
        return std::string(m->get_string());
  return body.empty() ? "(empty body)" : one_line(body, 300);
}

PlatformSession::PlatformSession(std::string host, std::string api_key, std::string project_id,
                                 const PlatformOptions& options)
    : host_(std::move(host)),
      api_key_(std::move(api_key)),
      project_id_(std::move(project_id)),
      http_(client_options(options)) {
  while (host_.size() > 1 && host_.back() == '/')
    host_.pop_back();
}

boost::json::object PlatformSession::get_data(const std::string& path,
                                              const net::QueryParams& query,
                                              bool json_content_type) const {
  const std::string endpoint = "GET " + path;
  net::Request request;
  net::HttpResponse response;
  try {
    request.url = net::join_url(host_, path, query);
    request.headers = {{"apikey", api_key_}};
    if (json_content_type) request.headers.emplace_back("Content-Type", "application/json");
    response = http_.request(request);
  } catch (const std::exception& e) {  // a bad host, no connection, a timeout
    throw PlatformError(endpoint, 0, e.what());
  }
  if (!response.ok()) throw PlatformError(endpoint, response.status, server_message(response.body));
  boost::system::error_code ec;
  boost::json::value reply = boost::json::parse(response.body, ec);
  const boost::json::value* data = nullptr;
  if (!ec && reply.is_object()) data = reply.get_object().if_contains("data");
  if (!data || !data->is_object())
    throw PlatformError(endpoint, response.status,
                        "the reply is not {\"data\": {...}}: " + one_line(response.body, 300));
  return data->get_object();
}

std::string PlatformSession::download(const std::string& url, const std::string& endpoint) const {
  net::Request request;
  request.url = url;
  net::HttpResponse response;
  try {
    response = http_.request(request);
  } catch (const std::exception& e) {
    throw PlatformError(endpoint, 0, e.what());
  }
  if (!response.ok()) throw PlatformError(endpoint, response.status, server_message(response.body));
  return std::move(response.body);
}

}  // namespace xport::sdk
