// The one exception type of the networking layer.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "xport/errors.hpp"

namespace xport::net {

// A network operation failed: bad URL, DNS, connect, TLS, timeout, protocol error, or (for
// download/upload) a non-2xx reply. The message names the method, the URL (without its query,
// which may carry secrets) and the cause. An IoError, so the CLI maps it to exit code 3.
class NetError : public IoError {
 public:
  using IoError::IoError;
};

// A non-2xx answer to HttpClient::upload(): the message is as any NetError's (method, URL,
// status, the start of the body); status() and body() give the whole answer, the body up
// to kMaxBody bytes (body_truncated() says whether more was dropped).
class HttpStatusError : public NetError {
 public:
  static constexpr std::size_t kMaxBody = std::size_t{1} << 20;
  HttpStatusError(const std::string& message, int status, std::string reason,
                  std::vector<std::pair<std::string, std::string>> headers, std::string body,
                  bool body_truncated)
      : NetError(message),
        status_(status),
        reason_(std::move(reason)),
        headers_(std::move(headers)),
        body_(std::move(body)),
        body_truncated_(body_truncated) {}
  int status() const { return status_; }
  const std::string& reason() const { return reason_; }
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  const std::string& body() const { return body_; }
  bool body_truncated() const { return body_truncated_; }

 private:
  int status_;
  std::string reason_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::string body_;
  bool body_truncated_;
};

}  // namespace xport::net
