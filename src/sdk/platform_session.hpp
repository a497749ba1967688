// What every platform read call shares: the host, the apiKey, the HTTP client, and the
// translation of anything but a `{"data": {...}}` answer into a PlatformError that names the
// endpoint, the status and the platform's own message.
#pragma once

#include <boost/json/object.hpp>

#include <string>

#include "net/http_client.hpp"
#include "net/url.hpp"
#include "xport/platform.hpp"

namespace xport::sdk {

class PlatformSession {
 public:
  PlatformSession(std::string host, std::string api_key, std::string project_id,
                  const PlatformOptions& options);

  const std::string& host() const { return host_; }
  const std::string& project_id() const { return project_id_; }

  // GET {host}{path}?{query} with header `apikey` (and `Content-Type: application/json`
  // when `json_content_type`: the SDK sends it on project and task GETs, §6.1); returns the
  // reply's "data" object.
  boost::json::object get_data(const std::string& path, const net::QueryParams& query,
                               bool json_content_type) const;
  // GET of a link the platform handed out (it carries its own authorisation: no apikey).
  std::string download(const std::string& url, const std::string& endpoint) const;

 private:
  std::string host_;
  std::string api_key_;
  std::string project_id_;
  net::HttpClient http_;
};

// The platform's message in an error reply ({"message": ...} or {"error": ...}), else the
// start of the body on one line.
std::string server_message(const std::string& body);

}  // namespace xport::sdk
