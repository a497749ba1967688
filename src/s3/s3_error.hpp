// The one exception type of the S3 client.
#pragma once

#include <string>

#include "xport/errors.hpp"

namespace xport::s3 {

// An S3 request failed: S3 answered with an error (status, its <Code> and <Message>), or the
// endpoint could not be reached after the retries (status 0, code "unreachable"). The message
// names the operation, bucket and key: "S3 PUT bucket/key: 403 SignatureDoesNotMatch: ...".
// An IoError, so the CLI maps it to exit code 3.
class S3Error : public IoError {
 public:
  S3Error(const std::string& message, int status, std::string code, std::string s3_message,
          std::string bucket, std::string key)
      : IoError(message),
        status_(status),
        code_(std::move(code)),
        s3_message_(std::move(s3_message)),
        bucket_(std::move(bucket)),
        key_(std::move(key)) {}
  int status() const { return status_; }             // 0: no answer
  const std::string& code() const { return code_; }  // "NoSuchKey", "unreachable"...
  const std::string& s3_message() const { return s3_message_; }
  const std::string& bucket() const { return bucket_; }
  const std::string& key() const { return key_; }

 private:
  int status_;
  std::string code_;
  std::string s3_message_;
  std::string bucket_;
  std::string key_;
};

}  // namespace xport::s3
