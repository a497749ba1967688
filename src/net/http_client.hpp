// A blocking HTTP/1.1 client over TCP or TLS (Boost.Beast inside, none of it in this header).
//
// Every call runs on an io_context of its own, made for that call: an HttpClient may be used
// from any number of threads at once and never touches the caller's io_context (blocking calls
// belong on worker threads, not on the network thread). No connection is reused: each call
// (and each redirect hop) opens a connection and closes it after the response.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "net/errors.hpp"
#include "net/tls.hpp"

namespace xport::net {

// Header fields in order; names as given (matching is case-insensitive).
using Headers = std::vector<std::pair<std::string, std::string>>;

struct ClientOptions {
  // Resolving, connecting and the TLS handshake, together.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(30)};
  // Longest wait for any progress once connected (each read or write of the request or the
  // response restarts it): a multi-GB transfer never times out while bytes keep flowing.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(120)};
  // Largest response body request() and upload() keep in memory; beyond it they throw.
  std::size_t max_body = std::size_t{64} << 20;
  // Redirects followed by GET/HEAD request() and download() (301, 302, 303, 307, 308).
  int max_redirects = 5;
  std::string user_agent = "xport/0.1";
  TlsOptions tls;
};

struct Request {
  std::string method = "GET";  // any HTTP method name, upper case
  std::string url{};           // http:// or https://
  Headers headers{};           // Host, User-Agent, Content-Length are added when absent
  std::string body{};  // sent with Content-Length when non-empty or method is POST/PUT/PATCH
};

struct HttpResponse {
  int status = 0;
  std::string reason{};
  Headers headers{};
  std::string body{};
  std::string url{};  // the URL that answered (after redirects)

  bool ok() const { return status >= 200 && status < 300; }
  // The first field named `name` (case-insensitive), or "" when there is none.
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  explicit HttpClient(ClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&);
  HttpClient& operator=(const HttpClient&);

  // One request. Any HTTP status is returned (non-2xx is not an error here); GET and HEAD
  // follow redirects. Throws NetError on a bad URL, network/TLS failure, timeout, or a body
  // larger than options.max_body.
  HttpResponse request(const Request& request) const;

  // GETs `url` and streams the body into `dest` (created or truncated) through a fixed buffer,
  // never holding it in memory; follows redirects. Returns the number of bytes written.
  // Throws NetError on failure or a non-2xx status (message: status and the start of the body);
  // then `dest` is removed.
  std::uint64_t download(const std::string& url, const Headers& headers,
                         const std::filesystem::path& dest) const;

  // Sends `file` as the body of `method` ("PUT") with Content-Length, streamed from disk.
  // Does not follow redirects. Throws NetError on failure or a non-2xx status; returns the
  // response otherwise (body capped at options.max_body).
  HttpResponse upload(const std::string& method, const std::string& url, const Headers& headers,
                      const std::filesystem::path& file) const;

  // Sends `request` (its body with Content-Length, as request() does) and hands the body of a
  // 2xx answer to `on_data` as it arrives, through a fixed buffer, never holding it in memory
  // (an S3 object read into a pipe). Any other answer's body is kept in the response, up to
  // HttpStatusError::kMaxBody (an error document). No redirects. `on_data` may throw to stop;
  // that exception is rethrown as a NetError. Network failures throw NetError.
  HttpResponse stream(const Request& request,
                      const std::function<void(const char*, std::size_t)>& on_data) const;

  const ClientOptions& options() const;

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace xport::net
