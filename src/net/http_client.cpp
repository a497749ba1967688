#include "net/http_client.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <algorithm>
#include <cstdio>
#include <functional>
#include <mutex>
#include <system_error>

#include "net/file_body.hpp"
#include "net/read_buffer.hpp"
#include "net/tls_stream.hpp"
#include "net/url.hpp"

namespace xport::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr std::size_t kReadChunk = 256 * 1024;
constexpr std::size_t kExcerpt = 300;

std::string duration_text(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + " s";
  return std::to_string(d.count()) + " ms";
}

// "reading the response timed out (no progress for 120 s)" / "connect ... failed: refused".
std::string stage_error(std::string_view stage, const error_code& ec,
                        std::chrono::milliseconds timeout) {
  if (ec == beast::error::timeout) {
    return std::string(stage) + " timed out (no progress for " + duration_text(timeout) + ")";
  }
  return std::string(stage) + " failed: " + ec.message();
}

bool is_redirect(int status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

std::string excerpt(std::string_view body) {
  std::string out(body.substr(0, kExcerpt));
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  if (body.size() > kExcerpt) out += "...";
  return out;
}

// What the response head looked like; the body goes to a Sink.
struct ResponseHead {
  int status = 0;
  std::string reason;
  Headers headers;
};

HttpResponse to_response(ResponseHead head, std::string body, const Url& url) {
  HttpResponse response;
  response.status = head.status;
  response.reason = std::move(head.reason);
  response.headers = std::move(head.headers);
  response.body = std::move(body);
  response.url = url.str();
  return response;
}

class Sink {
 public:
  virtual ~Sink() = default;
  virtual void begin(const ResponseHead& head) = 0;
  virtual void data(const char* p, std::size_t n) = 0;
};

// Keeps the body in memory up to a cap.
class StringSink : public Sink {
 public:
  explicit StringSink(std::size_t cap) : cap_(cap) {}
  void begin(const ResponseHead&) override {}
  void data(const char* p, std::size_t n) override {
    if (body_.size() + n > cap_) {
      throw NetError("response body larger than the limit of " + std::to_string(cap_) + " bytes");
    }
    body_.append(p, n);
  }
  std::string body_;

 private:
  std::size_t cap_;
};

// upload()'s answer: a 2xx body in memory up to the client's cap (beyond it: an error, as
// request()); any other body kept up to HttpStatusError::kMaxBody (an error report, e.g. the
// hub's list of import problems), the rest read and dropped.
class UploadSink : public Sink {
 public:
  explicit UploadSink(std::size_t cap) : cap_(cap) {}
  void begin(const ResponseHead& head) override { ok_ = head.status >= 200 && head.status < 300; }
  void data(const char* p, std::size_t n) override {
    if (ok_) {
      if (body_.size() + n > cap_) {
        throw NetError("response body larger than the limit of " + std::to_string(cap_) + " bytes");
      }
      body_.append(p, n);
      return;
    }
    std::size_t room =
        HttpStatusError::kMaxBody - std::min(HttpStatusError::kMaxBody, body_.size());
    if (n > room) truncated_ = true;
    body_.append(p, std::min(n, room));
  }
  std::string body_;
  bool truncated_ = false;

 private:
  std::size_t cap_;
  bool ok_ = true;
};

// stream()'s answer: a 2xx body to the caller's callback, any other kept as UploadSink does.
class CallbackSink : public Sink {
 public:
  explicit CallbackSink(const std::function<void(const char*, std::size_t)>& on_data)
      : on_data_(on_data) {}
  void begin(const ResponseHead& head) override { ok_ = head.status >= 200 && head.status < 300; }
  void data(const char* p, std::size_t n) override {
    if (ok_) return on_data_(p, n);
    const std::size_t room =
        HttpStatusError::kMaxBody - std::min(HttpStatusError::kMaxBody, body_.size());
    body_.append(p, std::min(n, room));
  }
  std::string body_;

 private:
  const std::function<void(const char*, std::size_t)>& on_data_;
  bool ok_ = true;
};

// Writes a 2xx body to a file; keeps the start of any other body for the error message.
class FileSink : public Sink {
 public:
  explicit FileSink(const std::filesystem::path& dest) : dest_(dest) {}
  ~FileSink() override { close_file(); }
  void begin(const ResponseHead& head) override {
    ok_ = head.status >= 200 && head.status < 300;
    if (!ok_) return;
    file_ = std::fopen(dest_.c_str(), "wb");
    if (!file_) {
      throw NetError("cannot create '" + dest_.string() +
                     "': " + std::generic_category().message(errno));
    }
    std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  }
  void data(const char* p, std::size_t n) override {
    if (!ok_) {
      if (excerpt_.size() < kExcerpt + 1) excerpt_.append(p, std::min(n, kExcerpt + 1));
      return;
    }
    if (std::fwrite(p, 1, n, file_) != n) {
      throw NetError("writing '" + dest_.string() +
                     "' failed: " + std::generic_category().message(errno));
    }
    written_ += n;
  }
  void finish() {
    if (file_ && std::fclose(std::exchange(file_, nullptr)) != 0) {
      throw NetError("writing '" + dest_.string() +
                     "' failed: " + std::generic_category().message(errno));
    }
  }
  void close_file() {
    if (file_) std::fclose(std::exchange(file_, nullptr));
  }
  std::uint64_t written_ = 0;
  std::string excerpt_;

 private:
  std::filesystem::path dest_;
  std::FILE* file_ = nullptr;
  bool ok_ = false;
};

void add_headers(http::fields& fields, const Url& url, const Headers& headers,
                 const std::string& user_agent) {
  fields.set(http::field::host, url.host_header());
  fields.set(http::field::user_agent, user_agent);
  fields.set(http::field::connection, "close");
  for (const auto& [name, value] : headers) {
    if (iequals(name, "host") || iequals(name, "user-agent") || iequals(name, "connection") ||
        iequals(name, "content-type")) {
      fields.set(name, value);
    } else {
      fields.insert(name, value);
    }
  }
}

// Credentials must not follow a redirect to another origin.
void drop_credentials(Headers& headers) {
  std::erase_if(headers, [](const auto& h) {
    return iequals(h.first, "authorization") || iequals(h.first, "apikey") ||
           iequals(h.first, "cookie") || iequals(h.first, "proxy-authorization");
  });
}

bool same_origin(const Url& a, const Url& b) {
  return a.scheme() == b.scheme() && a.host() == b.host() && a.port() == b.port();
}

http::verb parse_verb(const std::string& method) {
  http::verb v = http::string_to_verb(method);
  if (v == http::verb::unknown) throw NetError("unsupported HTTP method '" + method + "'");
  return v;
}

// Sends the request, reads the response head and streams the body into the sink; every read
// and write restarts the idle timer.
template <class Stream, class Body>
asio::awaitable<void> exchange(Stream& stream, http::request<Body>& req, Sink& sink,
                               ResponseHead& head, std::chrono::milliseconds idle) {
  error_code ec;
  error_code write_ec;
  http::request_serializer<Body> serializer(req);
  while (!serializer.is_done()) {
    beast::get_lowest_layer(stream).expires_after(idle);
    co_await http::async_write_some(stream, serializer,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec) {
      // The server may have answered early (401, 413...) and closed: its reply says more than
      // "broken pipe", so try to read it before giving up.
      write_ec = ec;
      break;
    }
  }
  // Bounded below 64 KiB (read_buffer.hpp: a server's oversized trailer must not end the
  // process). Beast reads at most the buffer's free capacity (at least 512 bytes): without
  // room reserved, a 100 MB body arrives in 512-byte reads.
  beast::flat_buffer buffer(kHttpReadBufferLimit);
  buffer.reserve(kHttpReadBufferLimit);
  http::response_parser<http::buffer_body> parser;
  parser.body_limit(boost::none);  // sinks apply their own limits
  parser.header_limit(bounded_header_limit(64 * 1024));
  if (req.method() == http::verb::head) parser.skip(true);
  beast::get_lowest_layer(stream).expires_after(write_ec ? std::chrono::milliseconds(2000) : idle);
  co_await http::async_read_header(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
  if (ec) {
    if (write_ec) throw NetError(stage_error("sending the request", write_ec, idle));
    throw NetError(stage_error("reading the response header", ec, idle));
  }
  const auto& res = parser.get();
  head.status = res.result_int();
  head.reason = std::string(res.reason());
  for (const auto& field : res) {
    head.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  sink.begin(head);
  std::vector<char> chunk(kReadChunk);
  while (!parser.is_done()) {
    parser.get().body().data = chunk.data();
    parser.get().body().size = chunk.size();
    beast::get_lowest_layer(stream).expires_after(idle);
    co_await http::async_read_some(stream, buffer, parser,
                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    if (ec == asio::ssl::error::stream_truncated) {
      // A TLS peer that closed without close_notify: an end for a body delimited by EOF.
      parser.put_eof(ec);
    }
    std::size_t n = chunk.size() - parser.get().body().size;
    if (n > 0) sink.data(chunk.data(), n);
    if (ec) throw NetError(stage_error("reading the response body", ec, idle));
  }
}

}  // namespace

struct HttpClient::Impl {
  ClientOptions options;
  std::once_flag tls_once;
  std::shared_ptr<asio::ssl::context> tls_context;

  asio::ssl::context& tls() {
    std::call_once(tls_once, [this] { tls_context = make_tls_context(options.tls); });
    return *tls_context;
  }

  template <class Body>
  asio::awaitable<void> run(const Url& url, http::request<Body>& req, Sink& sink,
                            ResponseHead& head) {
    auto executor = co_await asio::this_coro::executor;
    const auto connect_timeout = options.connect_timeout;
    error_code ec;

    // The resolver has no deadline of its own: a timer cancels it.
    tcp::resolver resolver(executor);
    asio::steady_timer timer(executor);
    timer.expires_after(connect_timeout);
    timer.async_wait([&resolver](error_code e) {
      if (!e) resolver.cancel();
    });
    auto endpoints = co_await resolver.async_resolve(url.host(), std::to_string(url.port()),
                                                     asio::redirect_error(asio::use_awaitable, ec));
    timer.cancel();
    if (ec == asio::error::operation_aborted) {
      throw NetError("resolving " + url.host() + " timed out (" + duration_text(connect_timeout) +
                     ")");
    }
    if (ec) throw NetError("resolving " + url.host() + " failed: " + ec.message());

    beast::tcp_stream tcp_stream(executor);
    tcp_stream.expires_after(connect_timeout);
    co_await tcp_stream.async_connect(endpoints, asio::redirect_error(asio::use_awaitable, ec));
    if (ec) throw NetError(stage_error("connect to " + url.authority(), ec, connect_timeout));
    tcp_stream.socket().set_option(tcp::no_delay(true), ec);

    if (!url.tls()) {
      co_await exchange(tcp_stream, req, sink, head, options.idle_timeout);
      co_return;
    }
    beast::ssl_stream<beast::tcp_stream> stream(std::move(tcp_stream), tls());
    detail::prepare_tls(stream, url.host(), options.tls);
    co_await stream.async_handshake(asio::ssl::stream_base::client,
                                    asio::redirect_error(asio::use_awaitable, ec));
    if (ec == beast::error::timeout) {
      throw NetError("TLS handshake with " + url.authority() + " timed out (" +
                     duration_text(connect_timeout) + ")");
    }
    if (ec) throw NetError(detail::tls_handshake_error(stream, url.authority(), ec));
    co_await exchange(stream, req, sink, head, options.idle_timeout);
    // No TLS shutdown: the connection is not reused, and many servers never answer
    // close_notify, which would cost a timeout per request.
  }

  // Runs one request/response on an io_context of its own; errors become NetError naming
  // the method and URL.
  template <class Body>
  ResponseHead perform(const Url& url, http::request<Body>& req, Sink& sink) {
    asio::io_context ioc;
    ResponseHead head;
    std::exception_ptr error;
    asio::co_spawn(ioc, run(url, req, sink, head), [&](std::exception_ptr e) { error = e; });
    ioc.run();
    if (error) {
      std::string what = std::string(req.method_string()) + " " + url.redacted();
      try {
        std::rethrow_exception(error);
      } catch (const std::exception& e) {
        throw NetError(what + ": " + e.what());
      }
    }
    return head;
  }
};

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (iequals(key, name)) return value;
  }
  return {};
}

HttpClient::HttpClient(ClientOptions options) : impl_(std::make_shared<Impl>()) {
  impl_->options = std::move(options);
}
HttpClient::~HttpClient() = default;
HttpClient::HttpClient(const HttpClient&) = default;
HttpClient& HttpClient::operator=(const HttpClient&) = default;

const ClientOptions& HttpClient::options() const {
  return impl_->options;
}

HttpResponse HttpClient::request(const Request& request) const {
  Url url = Url::parse(request.url);
  std::string method = request.method;
  http::verb verb = parse_verb(method);
  Headers headers = request.headers;
  std::string body = request.body;
  for (int hops = 0;; ++hops) {
    http::request<http::string_body> req(verb, url.target(), 11);
    add_headers(req, url, headers, impl_->options.user_agent);
    req.body() = body;
    if (!body.empty() || verb == http::verb::post || verb == http::verb::put ||
        verb == http::verb::patch) {
      req.content_length(body.size());
    }
    StringSink sink(impl_->options.max_body);
    ResponseHead head = impl_->perform(url, req, sink);
    std::string location;
    for (const auto& [k, v] : head.headers) {
      if (iequals(k, "location")) location = v;
    }
    bool follow = (verb == http::verb::get || verb == http::verb::head) &&
                  is_redirect(head.status) && !location.empty();
    if (follow && hops < impl_->options.max_redirects) {
      Url next = url.resolve(location);
      if (!same_origin(url, next)) drop_credentials(headers);
      url = std::move(next);
      continue;
    }
    if (follow) {
      throw NetError(method + " " + Url::parse(request.url).redacted() + ": more than " +
                     std::to_string(impl_->options.max_redirects) + " redirects");
    }
    return to_response(std::move(head), std::move(sink.body_), url);
  }
}

HttpResponse HttpClient::stream(
    const Request& request, const std::function<void(const char*, std::size_t)>& on_data) const {
  const Url url = Url::parse(request.url);
  const http::verb verb = parse_verb(request.method);
  http::request<http::string_body> req(verb, url.target(), 11);
  add_headers(req, url, request.headers, impl_->options.user_agent);
  req.body() = request.body;
  if (!request.body.empty() || verb == http::verb::post || verb == http::verb::put ||
      verb == http::verb::patch) {
    req.content_length(request.body.size());
  }
  CallbackSink sink(on_data);
  ResponseHead head = impl_->perform(url, req, sink);
  return to_response(std::move(head), std::move(sink.body_), url);
}

std::uint64_t HttpClient::download(const std::string& url_text, const Headers& headers_in,
                                   const std::filesystem::path& dest) const {
  Url url = Url::parse(url_text);
  Headers headers = headers_in;
  try {
    for (int hops = 0;; ++hops) {
      http::request<http::empty_body> req(http::verb::get, url.target(), 11);
      add_headers(req, url, headers, impl_->options.user_agent);
      FileSink sink(dest);
      ResponseHead head = impl_->perform(url, req, sink);
      sink.finish();
      std::string location;
      for (const auto& [k, v] : head.headers) {
        if (iequals(k, "location")) location = v;
      }
      if (is_redirect(head.status) && !location.empty()) {
        if (hops >= impl_->options.max_redirects) {
          throw NetError("GET " + Url::parse(url_text).redacted() + ": more than " +
                         std::to_string(impl_->options.max_redirects) + " redirects");
        }
        Url next = url.resolve(location);
        if (!same_origin(url, next)) drop_credentials(headers);
        url = std::move(next);
        continue;
      }
      if (head.status < 200 || head.status >= 300) {
        throw NetError("GET " + url.redacted() + ": HTTP " + std::to_string(head.status) + " " +
                       head.reason + (sink.excerpt_.empty() ? "" : ": " + excerpt(sink.excerpt_)));
      }
      return sink.written_;
    }
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove(dest, ec);
    throw;
  }
}

HttpResponse HttpClient::upload(const std::string& method, const std::string& url_text,
                                const Headers& headers, const std::filesystem::path& file) const {
  Url url = Url::parse(url_text);
  http::request<FileBody> req(parse_verb(method), url.target(), 11);
  add_headers(req, url, headers, impl_->options.user_agent);
  error_code ec;
  req.body().open(file.c_str(), beast::file_mode::scan, ec);
  if (ec) {
    throw NetError(method + " " + url.redacted() + ": cannot open '" + file.string() +
                   "': " + ec.message());
  }
  req.prepare_payload();  // Content-Length from the file size, never chunked
  UploadSink sink(impl_->options.max_body);
  ResponseHead head = impl_->perform(url, req, sink);
  if (head.status < 200 || head.status >= 300) {
    std::string message = method + " " + url.redacted() + ": HTTP " + std::to_string(head.status) +
                          " " + head.reason +
                          (sink.body_.empty() ? "" : ": " + excerpt(sink.body_));
    throw HttpStatusError(message, head.status, std::move(head.reason), std::move(head.headers),
                          std::move(sink.body_), sink.truncated_);
  }
  return to_response(std::move(head), std::move(sink.body_), url);
}

}  // namespace xport::net
