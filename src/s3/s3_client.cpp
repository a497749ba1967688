#include "s3/s3_client.hpp"

#include <algorithm>
#include <thread>

#include "net/url.hpp"
#include "s3/s3_xml.hpp"

namespace xport::s3 {

struct S3Client::Call {
  std::string method{};
  std::string key{};  // "" for bucket operations
  Fields query{};
  Fields headers{};
  std::string_view body{};
  const std::function<void(const char*, std::size_t)>* on_data = nullptr;
  bool accept_404 = false;  // HEAD and DELETE: a missing object is an answer
};

namespace {

bool retryable(const net::HttpResponse& r) {
  return r.status >= 500 || r.status == 429;
}

std::string status_code_name(int status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 412:
      return "PreconditionFailed";
    default:
      return "HTTP" + std::to_string(status);
  }
}

std::string place(const S3Config& config, std::string_view key) {
  return key.empty() ? config.bucket : config.bucket + "/" + std::string(key);
}

[[noreturn]] void throw_answer(const S3Config& config, const std::string& method,
                               std::string_view key, const net::HttpResponse& r) {
  auto body = xml::parse_error(r.body);
  std::string code = body && !body->code.empty() ? body->code : status_code_name(r.status);
  std::string message = body ? body->message : std::string();
  if (r.status == 412 && method == "PUT") message = "already exists (create-only PUT)";
  std::string text = "S3 " + method + " " + place(config, key) + ": " + std::to_string(r.status) +
                     " " + code + (message.empty() ? "" : ": " + message);
  throw S3Error(text, r.status, std::move(code), std::move(message), config.bucket,
                std::string(key));
}

std::string encoded_query(const Fields& query) {
  std::string out;
  for (const auto& [k, v] : query) {
    out += out.empty() ? "?" : "&";
    out += uri_encode(k, false) + "=" + uri_encode(v, false);
  }
  return out;
}

std::uint64_t to_size(const std::string& text) {
  try {
    return text.empty() ? 0 : std::stoull(text);
  } catch (const std::exception&) {
    return 0;
  }
}

ObjectHead head_of(const net::HttpResponse& r) {
  ObjectHead head;
  head.size = to_size(r.header("content-length"));
  // "bytes 0-9/100": the whole object's size.
  const std::string range = r.header("content-range");
  if (const auto slash = range.rfind('/'); slash != std::string::npos) {
    head.size = to_size(range.substr(slash + 1));
  }
  head.etag = xml::unquote(r.header("etag"));
  head.content_type = r.header("content-type");
  try {
    const std::string modified = r.header("last-modified");
    if (!modified.empty()) head.last_modified = parse_time(modified);
  } catch (const InputError&) {
  }
  return head;
}

// For Content-Disposition's quoted filename: ASCII only, no quotes or backslashes (the
// exact name goes into filename*, RFC 6266).
std::string ascii_name(std::string_view name) {
  std::string out;
  for (char c : name) {
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80 && u < 0xc0) continue;  // a UTF-8 continuation byte: one '_' per character
    out += (u < 0x20 || u > 0x7e || c == '"' || c == '\\') ? '_' : c;
  }
  return out;
}

}  // namespace

S3Client::S3Client(S3Config config, S3ClientOptions options)
    : config_(std::move(config)), options_(std::move(options)), http_(options_.http) {}

std::string S3Client::object_url(std::string_view key) const {
  return config_.endpoint + "/" + uri_encode(config_.bucket, false) +
         (key.empty() ? "" : "/" + uri_encode(key, true));
}

// Signs and sends, retrying with backoff what may succeed later: 5xx, 429 and network
// failures (also before the first body byte of a streamed GET). A 4xx answer is final.
net::HttpResponse S3Client::perform(const Call& call) const {
  const std::string payload_hash = sha256_hex(call.body);
  const auto& retry = options_.retry;
  bool delivered = false;
  std::function<void(const char*, std::size_t)> forward = [&](const char* p, std::size_t n) {
    delivered = true;
    (*call.on_data)(p, n);
  };
  for (int attempt = 1;; ++attempt) {
    SignableRequest signable{
        .method = call.method,
        .path = "/" + config_.bucket + (call.key.empty() ? "" : "/" + call.key),
        .query = call.query,
        .headers = call.headers,
        .payload_hash = payload_hash};
    signable.headers.emplace_back("Host", net::Url::parse(config_.endpoint).host_header());
    sign_headers(signable, config_.credentials, {config_.region, "s3"}, options_.clock());
    net::Request request{.method = call.method,
                         .url = object_url(call.key) + encoded_query(call.query),
                         .headers = signable.headers,
                         .body = std::string(call.body)};
    std::string failure;
    try {
      net::HttpResponse r = call.on_data ? http_.stream(request, forward) : http_.request(request);
      if (r.ok() || (call.accept_404 && r.status == 404)) return r;
      if (!retryable(r) || attempt >= retry.attempts)
        throw_answer(config_, call.method, call.key, r);
    } catch (const net::NetError& e) {
      if (delivered || attempt >= retry.attempts) {
        throw S3Error("S3 " + call.method + " " + place(config_, call.key) +
                          ": unreachable after " + std::to_string(attempt) + " tries: " + e.what(),
                      0, "unreachable", e.what(), config_.bucket, call.key);
      }
    }
    const auto delay = std::min(retry.first_delay * (1 << (attempt - 1)), retry.max_delay);
    std::this_thread::sleep_for(delay);
  }
}

void S3Client::create_bucket(std::string_view bucket) const {
  if (!bucket.empty() && bucket != config_.bucket) {
    S3Config other = config_;
    other.bucket = std::string(bucket);
    return S3Client(std::move(other), options_).create_bucket();
  }
  try {
    perform({.method = "PUT"});
  } catch (const S3Error& e) {
    if (e.code() != "BucketAlreadyOwnedByYou") throw;
  }
}

std::string S3Client::put_object(std::string_view key, std::string_view body,
                                 const PutOptions& options) const {
  Call call{.method = "PUT", .key = std::string(key), .body = body};
  call.headers.emplace_back("Content-Type", options.content_type);
  if (options.create_only) call.headers.emplace_back("If-None-Match", "*");
  return xml::unquote(perform(call).header("etag"));
}

ObjectHead S3Client::get_object(std::string_view key,
                                const std::function<void(const char*, std::size_t)>& on_data,
                                std::optional<ByteRange> range) const {
  Call call{.method = "GET", .key = std::string(key), .on_data = &on_data};
  if (range) {
    call.headers.emplace_back("Range", "bytes=" + std::to_string(range->first) + "-" +
                                           (range->last ? std::to_string(*range->last) : ""));
  }
  return head_of(perform(call));
}

std::string S3Client::get_object(std::string_view key) const {
  return perform({.method = "GET", .key = std::string(key)}).body;
}

std::optional<ObjectHead> S3Client::head_object(std::string_view key) const {
  auto r = perform({.method = "HEAD", .key = std::string(key), .accept_404 = true});
  if (r.status == 404) return std::nullopt;
  return head_of(r);
}

void S3Client::delete_object(std::string_view key) const {
  perform({.method = "DELETE", .key = std::string(key), .accept_404 = true});
}

ListPage S3Client::list_objects(std::string_view prefix, std::string_view continuation_token,
                                int max_keys, std::string_view delimiter) const {
  Call call{.method = "GET"};
  call.query = {{"list-type", "2"}, {"max-keys", std::to_string(max_keys)}};
  if (!prefix.empty()) call.query.emplace_back("prefix", prefix);
  if (!continuation_token.empty())
    call.query.emplace_back("continuation-token", continuation_token);
  if (!delimiter.empty()) call.query.emplace_back("delimiter", delimiter);
  const auto r = perform(call);
  try {
    return xml::parse_list(r.body);
  } catch (const InputError& e) {
    throw S3Error("S3 LIST " + config_.bucket + ": " + e.what(), r.status, "BadAnswer", e.what(),
                  config_.bucket, std::string(prefix));
  }
}

std::vector<ListedObject> S3Client::list_all(std::string_view prefix) const {
  std::vector<ListedObject> all;
  std::string token;
  do {
    ListPage page = list_objects(prefix, token);
    std::move(page.objects.begin(), page.objects.end(), std::back_inserter(all));
    token = page.truncated ? page.next_token : std::string();
  } while (!token.empty());
  return all;
}

std::string S3Client::create_multipart(std::string_view key, const PutOptions& options) const {
  Call call{.method = "POST", .key = std::string(key), .query = {{"uploads", ""}}};
  call.headers.emplace_back("Content-Type", options.content_type);
  const auto r = perform(call);
  try {
    return xml::parse_upload_id(r.body);
  } catch (const InputError& e) {
    throw S3Error("S3 POST " + place(config_, key) + ": " + e.what(), r.status, "BadAnswer",
                  e.what(), config_.bucket, std::string(key));
  }
}

std::string S3Client::upload_part(std::string_view key, std::string_view upload_id, int number,
                                  std::string_view data) const {
  Call call{.method = "PUT",
            .key = std::string(key),
            .query = {{"partNumber", std::to_string(number)}, {"uploadId", std::string(upload_id)}},
            .body = data};
  return xml::unquote(perform(call).header("etag"));
}

std::string S3Client::complete_multipart(std::string_view key, std::string_view upload_id,
                                         const std::vector<CompletedPart>& parts) const {
  const std::string body = xml::complete_body(parts);
  Call call{.method = "POST",
            .key = std::string(key),
            .query = {{"uploadId", std::string(upload_id)}},
            .body = body};
  call.headers.emplace_back("Content-Type", "application/xml");
  const auto r = perform(call);
  xml::CompleteResult result;
  try {
    result = xml::parse_complete(r.body);
  } catch (const InputError& e) {
    throw S3Error("S3 POST " + place(config_, key) + ": " + e.what(), r.status, "BadAnswer",
                  e.what(), config_.bucket, std::string(key));
  }
  if (result.error) {
    throw S3Error(
        "S3 POST " + place(config_, key) + ": " + result.error->code + ": " + result.error->message,
        r.status, result.error->code, result.error->message, config_.bucket, std::string(key));
  }
  if (!result.etag.empty()) return result.etag;
  // RGW 16 answers <ETag></ETag>: the object's own head has it.
  if (std::string etag = xml::unquote(r.header("etag")); !etag.empty()) return etag;
  const auto head = head_object(key);
  return head ? head->etag : std::string();
}

void S3Client::abort_multipart(std::string_view key, std::string_view upload_id) const {
  perform({.method = "DELETE",
           .key = std::string(key),
           .query = {{"uploadId", std::string(upload_id)}},
           .accept_404 = true});
}

std::string S3Client::presign_get(std::string_view key, std::chrono::seconds ttl,
                                  std::string_view download_name) const {
  PresignRequest request{.method = "GET",
                         .endpoint = config_.endpoint,
                         .path = "/" + config_.bucket + "/" + std::string(key),
                         .expires = ttl};
  if (!download_name.empty()) {
    request.query.emplace_back("response-content-disposition",
                               "attachment; filename=\"" + ascii_name(download_name) +
                                   "\"; filename*=UTF-8''" + uri_encode(download_name, false));
  }
  return presign(request, config_.credentials, {config_.region, "s3"}, options_.clock());
}

std::string S3Client::presign_put(std::string_view key, std::chrono::seconds ttl) const {
  PresignRequest request{.method = "PUT",
                         .endpoint = config_.endpoint,
                         .path = "/" + config_.bucket + "/" + std::string(key),
                         .expires = ttl};
  return presign(request, config_.credentials, {config_.region, "s3"}, options_.clock());
}

std::optional<std::string> S3Client::key_of_url(std::string_view url) const {
  const std::string base = config_.endpoint + "/" + uri_encode(config_.bucket, false) + "/";
  if (url.substr(0, base.size()) != base) return std::nullopt;
  std::string_view path = url.substr(base.size());
  path = path.substr(0, path.find_first_of("?#"));
  if (path.empty()) return std::nullopt;
  auto key = net::percent_decode(path, false);
  if (!key || key->empty()) return std::nullopt;
  return key;
}

}  // namespace xport::s3
