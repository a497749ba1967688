// A small client of the hub's REST API (docs/api.md) for `xport client` and `xport demo`:
// JSON in and out over net::HttpClient, `apikey` header, the API's {"message"} turned into
// an ApiError that carries the HTTP status.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

namespace xport::net {
class HttpClient;
}

namespace xport::cli::client {

// The hub answered with a non-2xx status. what() is the API's "message" (or the body).
class ApiError : public std::runtime_error {
 public:
  ApiError(int status, std::string message, boost::json::value body)
      : std::runtime_error(std::move(message)), status_(status), body_(std::move(body)) {}
  int status() const { return status_; }
  const boost::json::value& body() const { return body_; }  // the parsed body, or null

 private:
  int status_;
  boost::json::value body_;
};

class ApiClient {
 public:
  // `hub` is the base URL ("http://127.0.0.1:8080"); trailing slashes are dropped.
  // `ca_file` (PEM, optional) is trusted besides the system's CAs by every call and download
  // over https (a hub whose certificate a private CA signed).
  ApiClient(std::string hub, std::string api_key, std::string ca_file = {});

  const std::string& hub() const { return hub_; }

  // One call; `path` starts with "/api/...". Returns the parsed JSON body of a 2xx answer;
  // throws ApiError for any other status and net::NetError (an IoError) on network failures.
  boost::json::value call(const std::string& method, const std::string& path,
                          const boost::json::value* body = nullptr) const;
  boost::json::value get(const std::string& path) const { return call("GET", path); }
  boost::json::value post(const std::string& path, const boost::json::value& body) const {
    return call("POST", path, &body);
  }

  // POSTs a file as the body (project import), streamed from disk whatever its size, with
  // `name=<its file name>` added to the query (the hub names it so in its messages). A
  // non-2xx answer throws ApiError with the whole parsed body (the hub's list of problems).
  boost::json::value post_file(const std::string& path, const std::filesystem::path& file) const;

  // Streams a GET of `url` (absolute, or a path on the hub) into `dest`.
  std::uint64_t download(const std::string& url, const std::filesystem::path& dest) const;

  // Polls GET /api/runs/{session} until the run is finished or `timeout` passes; returns
  // the last state seen. `keep_going` (optional) is asked between polls.
  boost::json::object wait_run(const std::string& session, std::chrono::milliseconds timeout,
                               const std::function<bool()>& keep_going = {}) const;

 private:
  std::string url(const std::string& path) const;
  net::HttpClient http() const;
  std::string hub_;
  std::string api_key_;
  std::string ca_file_;
};

// "queued" and "dispatched" are the unfinished states.
bool run_finished(const boost::json::object& run);
// A string field of an object, "" when absent or not a string.
std::string str(const boost::json::object& o, const char* key);

}  // namespace xport::cli::client
