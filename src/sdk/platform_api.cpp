#include "sdk/platform_api.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <thread>

#include "net/errors.hpp"
#include "net/http_client.hpp"
#include "net/url.hpp"
#include "sdk/log.hpp"

namespace xport::sdk {

struct PlatformApi::Impl {
  std::string host;
  net::HttpClient http;
  PlatformOptions platform_options;
};

namespace {

net::ClientOptions client_options(const PluginOptions& options) {
  net::ClientOptions o;
  o.tls.ca_file = options.ca_file;
  o.tls.verify = options.verify_tls;
  return o;
}

std::string excerpt(const std::string& body) {
  std::string out = body.substr(0, 300);
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return body.size() > 300 ? out + "..." : out;
}

// What a balancer answers while a hub behind it dies or restarts (and a hub on its way
// down): the next try reaches another hub, or the same one back.
bool transient(int status) {
  return status == 502 || status == 503 || status == 504;
}

// Tries of a platform GET and the waits between them: 0.2, 0.4, 0.8, 1.6 s, 3 s in all,
// longer than HAProxy takes to mark a dead hub down (deploy/haproxy.cfg: 2 checks 1 s apart).
constexpr int kGetAttempts = 5;
constexpr std::chrono::milliseconds kFirstRetryDelay{200};

}  // namespace

PlatformApi::PlatformApi(std::string host, const PluginOptions& options)
    : impl_(std::make_unique<Impl>(
          Impl{std::move(host), net::HttpClient(client_options(options)), PlatformOptions{}})) {
  impl_->platform_options.ca_file = options.ca_file;
  impl_->platform_options.verify_tls = options.verify_tls;
}

Platform PlatformApi::platform(const std::string& api_key, const std::string& project_id) const {
  return Platform(impl_->host, api_key, project_id, impl_->platform_options);
}

PlatformApi::~PlatformApi() = default;

// GETs a platform endpoint and returns reply.data.<field> (a string), explaining any
// deviation: status, non-JSON body, missing field.
std::string PlatformApi::get_data_field(const std::string& what, const std::string& target,
                                        const std::string& api_key, const std::string& field) {
  net::Request request;
  request.url = target;
  request.headers = {{"apikey", api_key}, {"Accept", "application/json"}};
  std::string endpoint = net::Url::parse(target).redacted();
  net::HttpResponse response;
  // GETs change nothing on the platform: a 502/503/504 or a lost connection is tried again.
  for (int attempt = 1;; ++attempt) {
    std::string failure;
    try {
      response = impl_->http.request(request);
      if (!transient(response.status) || attempt == kGetAttempts) break;
      failure = fmt::format("{} {}", response.status, response.reason);
    } catch (const net::NetError& e) {
      if (attempt == kGetAttempts) throw;
      failure = e.what();
    }
    const auto delay = kFirstRetryDelay * (1 << (attempt - 1));
    log().warn("{}: GET {} failed ({}), try {} of {} in {} ms", what, endpoint, failure,
               attempt + 1, kGetAttempts, delay.count());
    std::this_thread::sleep_for(delay);
  }
  if (!response.ok())
    throw PlatformError(fmt::format("{}: GET {} answered {} {}: {}", what, endpoint,
                                    response.status, response.reason, excerpt(response.body)));
  boost::system::error_code ec;
  auto reply = boost::json::parse(response.body, ec);
  const boost::json::value* value = nullptr;
  if (!ec && reply.is_object())
    if (auto* data = reply.get_object().if_contains("data"); data && data->is_object())
      value = data->get_object().if_contains(field);
  if (!value || !value->is_string() || value->get_string().empty())
    throw PlatformError(fmt::format("{}: GET {} gave no data.{} in its reply: {}", what, endpoint,
                                    field, excerpt(response.body)));
  return std::string(value->get_string());
}

std::string PlatformApi::export_url(const ExportQuery& q) {
  net::QueryParams params{{"project", q.project_id}, {"format", q.format}};
  if (q.stage) params.emplace_back("stage", *q.stage);
  if (!q.batches.empty()) {
    boost::json::array list;
    for (const auto& b : q.batches)
      list.emplace_back(b);
    params.emplace_back("batches", boost::json::serialize(list));
  }
  if (q.key_frames_only)
    params.emplace_back("includeKeyFramesOnly", *q.key_frames_only ? "true" : "false");
  return get_data_field("asking for the export", net::join_url(impl_->host, "/v2/export", params),
                        q.api_key, "exportPath");
}

std::uint64_t PlatformApi::download(const std::string& url, const std::filesystem::path& file) {
  return impl_->http.download(url, {}, file);
}

std::string PlatformApi::upload_url(const UploadTarget& t) {
  net::QueryParams params{{"name", t.file_name}, {"project", t.project_id}, {"type", t.type}};
  if (!t.storage_id.empty()) params.emplace_back("storageId", t.storage_id);
  if (!t.storage_id.empty() && !t.bucket.empty()) params.emplace_back("bucket", t.bucket);
  return get_data_field("asking where to upload the result",
                        net::join_url(impl_->host, "/v2/getUploadUrl", params), t.api_key,
                        "uploadUrl");
}

std::string PlatformApi::signed_url(const UploadTarget& t, const std::string& upload_url) {
  net::QueryParams params{{"name", upload_url}, {"project", t.project_id}, {"type", t.type}};
  if (!t.storage_id.empty()) params.emplace_back("storageId", t.storage_id);
  return get_data_field("asking for the download link",
                        net::join_url(impl_->host, "/v2/getSignedUrl", params), t.api_key,
                        "signedUrl");
}

void PlatformApi::put(const std::string& url, const ResultFile& file) {
  net::Headers headers{{"Content-Type", "application/zip"}};
  if (!file.in_memory()) {
    impl_->http.upload("PUT", url, headers, file.file());
    return;
  }
  net::Request request;
  request.method = "PUT";
  request.url = url;
  request.headers = headers;
  request.body = file.bytes();
  net::HttpResponse response = impl_->http.request(request);
  if (!response.ok())
    throw PlatformError(fmt::format("PUT {} answered {} {}: {}", net::Url::parse(url).redacted(),
                                    response.status, response.reason, excerpt(response.body)));
}

void PlatformApi::post_json(const std::string& path, const boost::json::object& body,
                            const std::string& api_key) {
  net::Request request;
  request.method = "POST";
  request.url = net::join_url(impl_->host, path);
  request.headers = {{"Content-Type", "application/json"}};
  if (!api_key.empty()) request.headers.emplace_back("apikey", api_key);
  request.body = boost::json::serialize(body);
  net::HttpResponse response = impl_->http.request(request);
  if (!response.ok())
    throw PlatformError(fmt::format("POST {} answered {} {}: {}", path, response.status,
                                    response.reason, excerpt(response.body)));
}

}  // namespace xport::sdk
