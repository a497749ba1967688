#include "client/api_client.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <thread>

#include "net/http_client.hpp"
#include "net/url.hpp"
#include "xport/errors.hpp"

namespace xport::cli::client {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

json::value parse_or_null(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return nullptr;
  return v;
}

[[noreturn]] void throw_api_error(int status, const std::string& reason, const std::string& body) {
  json::value v = parse_or_null(body);
  std::string message;
  if (v.is_object()) {
    if (auto* m = v.as_object().if_contains("message"); m && m->is_string())
      message = std::string(m->as_string());
  }
  if (message.empty()) message = body.empty() ? reason : body;
  throw ApiError(status, message, std::move(v));
}

}  // namespace

ApiClient::ApiClient(std::string hub, std::string api_key, std::string ca_file)
    : hub_(std::move(hub)), api_key_(std::move(api_key)), ca_file_(std::move(ca_file)) {
  while (!hub_.empty() && hub_.back() == '/')
    hub_.pop_back();
}

net::HttpClient ApiClient::http() const {
  net::ClientOptions o;
  o.connect_timeout = 10s;
  o.idle_timeout = 300s;  // an import of a large export is read and checked before answering
  o.max_redirects = 5;
  o.tls.ca_file = ca_file_;
  return net::HttpClient(o);
}

std::string ApiClient::url(const std::string& path) const {
  if (path.rfind("http://", 0) == 0 || path.rfind("https://", 0) == 0) return path;
  return hub_ + path;
}

json::value ApiClient::call(const std::string& method, const std::string& path,
                            const json::value* body) const {
  net::Request r;
  r.method = method;
  r.url = url(path);
  r.headers.emplace_back("apikey", api_key_);
  r.headers.emplace_back("Accept", "application/json");
  if (body) {
    r.headers.emplace_back("Content-Type", "application/json");
    r.body = json::serialize(*body);
  }
  net::HttpResponse res = http().request(r);
  if (!res.ok()) throw_api_error(res.status, res.reason, res.body);
  json::value v = parse_or_null(res.body);
  if (v.is_null() && !res.body.empty())
    throw ApiError(res.status, "the hub's answer is not JSON: " + res.body.substr(0, 200), nullptr);
  return v;
}

json::value ApiClient::post_file(const std::string& path, const std::filesystem::path& file) const {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw IoError(fmt::format("cannot read '{}': {}", file.string(),
                              ec ? ec.message() : "not a regular file"));
  net::Headers headers{{"apikey", api_key_}, {"Content-Type", "application/octet-stream"}};
  // The hub names the body by this in its messages ("export.ndjson:3: ...").
  const std::string target = path + (path.find('?') == std::string::npos ? "?" : "&") +
                             "name=" + net::percent_encode(file.filename().string());
  try {
    net::HttpResponse res = http().upload("POST", url(target), headers, file);
    return parse_or_null(res.body);
  } catch (const net::HttpStatusError& e) {
    // The whole answer (up to 1 MiB): the hub's full list of import problems.
    throw_api_error(e.status(), e.reason(), e.body());
  }
}

std::uint64_t ApiClient::download(const std::string& link,
                                  const std::filesystem::path& dest) const {
  net::Headers headers;
  if (link.rfind("http", 0) != 0) headers.emplace_back("apikey", api_key_);
  if (dest.has_parent_path()) std::filesystem::create_directories(dest.parent_path());
  return http().download(url(link), headers, dest);
}

json::object ApiClient::wait_run(const std::string& session, std::chrono::milliseconds timeout,
                                 const std::function<bool()>& keep_going) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = 50ms;
  for (;;) {
    json::object run = get("/api/runs/" + session).as_object();
    if (run_finished(run) || std::chrono::steady_clock::now() >= deadline) return run;
    if (keep_going && !keep_going()) return run;
    std::this_thread::sleep_for(pause);
    pause = std::min<std::chrono::milliseconds>(pause * 2, 500ms);
  }
}

bool run_finished(const json::object& run) {
  std::string state = str(run, "state");
  return state != "queued" && state != "dispatched";
}

std::string str(const json::object& o, const char* key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->as_string());
  return {};
}

}  // namespace xport::cli::client
