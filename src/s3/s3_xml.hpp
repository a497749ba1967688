// S3's XML answers → structs, on expat (a real parser: entities, CDATA, encodings). A
// document with a DOCTYPE, nesting deeper than 32 or malformed XML throws InputError: these
// bytes come from the network. Fuzzed by tests/fuzz/fuzz_s3_xml.cpp.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "s3/s3_client.hpp"

namespace xport::s3::xml {

struct ErrorBody {
  std::string code{};
  std::string message{};
};

// <Error><Code>..</Code><Message>..</Message></Error>; nullopt for any other document
// (or none: HEAD answers have no body).
std::optional<ErrorBody> parse_error(std::string_view body);
// <ListBucketResult> of ListObjectsV2.
ListPage parse_list(std::string_view body);
// <InitiateMultipartUploadResult>: the UploadId.
std::string parse_upload_id(std::string_view body);
// <CompleteMultipartUploadResult>: the ETag (quotes removed). An <Error> there (S3 may
// report a failure inside a 200 answer) is returned as such.
struct CompleteResult {
  std::string etag{};
  std::optional<ErrorBody> error{};
};
CompleteResult parse_complete(std::string_view body);

// The XML body of CompleteMultipartUpload.
std::string complete_body(const std::vector<CompletedPart>& parts);

std::string unquote(std::string_view etag);

}  // namespace xport::s3::xml
