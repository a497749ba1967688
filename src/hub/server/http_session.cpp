// One HTTP connection: reads requests (header first, then the body the route allows, into
// memory or a file), answers them — REST routes, the Socket.IO polling transport, static
// files — and hands the socket to a websocket_session on an upgrade to the Socket.IO path.
// HttpSession is a template on the stream, so that one body of code serves TCP
// (beast::tcp_stream) and TLS (beast::ssl_stream over it); http_session() below picks one.
#include <unistd.h>
#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/stream_base.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/detect_ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <cctype>
#include <chrono>
#include <fstream>
#include <type_traits>
#include <vector>

#include "hub/server/engine_session.hpp"
#include "hub/server/listener.hpp"
#include "hub/server/request_reading.hpp"
#include "hub/server/socketio_server.hpp"
#include "hub/server/static_files.hpp"
#include "hub/server/websocket_session.hpp"
#include "net/file_body.hpp"
#include "net/read_buffer.hpp"

// GCC 12 takes Asio's coroutine frame allocator (a class operator new, freed by its operator
// delete) for a new/free mismatch once the session templates are inlined: a false positive.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif

namespace xport::hub::server {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

std::string query_value(const std::multimap<std::string, std::string>& q, const std::string& k) {
  auto it = q.find(k);
  return it == q.end() ? std::string() : it->second;
}

// A route's answer; exceptions become error responses (HttpError keeps its status).
Response call_handler(const Router::Route& route, Request& request) {
  try {
    return route.handler(request);
  } catch (const HttpError& e) {
    return Response::error(e.status(), e.what());
  } catch (const std::exception& e) {
    return Response::error(500, e.what());
  }
}

// Error answers name the server's own directories by their names, never their paths (longest
// path first: a directory inside another is named as itself).
void hide_private_paths(std::string& body,
                        const std::vector<std::pair<std::filesystem::path, std::string>>& paths) {
  std::vector<std::pair<std::string, const std::string*>> order;
  for (const auto& [path, name] : paths)
    if (std::string p = path.lexically_normal().string(); p.size() > 1 && p.front() == '/') {
      while (p.size() > 1 && p.back() == '/')
        p.pop_back();
      order.emplace_back(std::move(p), &name);
    }
  std::sort(order.begin(), order.end(),
            [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
  // Whole path components only: "/tmp" is not hidden in "/tmpfs".
  auto ends_component = [&](std::size_t end) {
    if (end >= body.size()) return true;
    const unsigned char c = static_cast<unsigned char>(body[end]);
    return !(std::isalnum(c) || c == '-' || c == '_' || c == '.');
  };
  for (const auto& [path, name] : order)
    for (auto at = body.find(path); at != std::string::npos; at = body.find(path, at)) {
      if (!ends_component(at + path.size())) {
        at += path.size();
        continue;
      }
      body.replace(at, path.size(), *name);
      at += name->size();
    }
}

// The same as a coroutine, to be spawned on the worker pool (RouteOptions::blocking). The
// caller awaits it, so the references outlive it.
asio::awaitable<Response> call_handler_async(const Router::Route& route, Request& request) {
  co_return call_handler(route, request);
}

std::filesystem::path temp_upload_path(const std::filesystem::path& dir) {
  static std::atomic<std::uint64_t> counter{0};
  std::filesystem::path base = dir.empty() ? std::filesystem::temp_directory_path() : dir;
  return base / ("xport-upload-" + std::to_string(::getpid()) + "-" +
                 std::to_string(counter.fetch_add(1)) + ".part");
}

// Stream: beast::tcp_stream or beast::ssl_stream<beast::tcp_stream> (handshake done). Timeouts
// and the socket are those of the TCP layer underneath either way.
template <class Stream>
class HttpSession {
 public:
  HttpSession(std::shared_ptr<SharedState> state, Stream stream, beast::flat_buffer buffer)
      : state_(std::move(state)), stream_(std::move(stream)), buffer_(std::move(buffer)) {
    error_code ec;
    auto ep = tcp_layer().socket().remote_endpoint(ec);
    if (!ec) remote_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  }

  asio::awaitable<void> run() {
    for (;;) {
      HeaderParser header;
      if (!co_await read_header(header)) break;
      const Next next = co_await serve(header);
      if (next == Next::handed_off) co_return;
      if (next == Next::close) break;
    }
    if (body_pending_)
      co_await linger_close();
    else
      co_await end_stream();
  }

 private:
  // What a request leaves the connection to do: read the next one, close, or nothing (the
  // socket went to a WebSocket session).
  enum class Next { keep_going, close, handed_off };

  // The next request's header, within the header size limit and the idle timeout. False:
  // close (end of stream, timeout; a header too large, answered 431; one that is not HTTP
  // as RFC 9112 has it, answered 400 with Beast's reason, e.g. a Content-Length beside
  // chunked: a smuggling pair).
  asio::awaitable<bool> read_header(HeaderParser& header) {
    const ServerOptions& opts = state_->options;
    error_code ec;
    limit_header(header, opts.max_header_bytes);
    tcp_layer().expires_after(opts.idle_timeout);
    co_await http::async_read_header(stream_, buffer_, header,
                                     asio::redirect_error(asio::use_awaitable, ec));
    if (ec == http::error::header_limit) {
      body_pending_ = true;  // the rest of the header, maybe a body: drain before closing
      co_await reply_simple(431, "request header too large", false, 11);
      co_return false;
    }
    if (malformed_http(ec)) {
      body_pending_ = true;  // whatever follows is unread: drain before closing
      co_await reply_simple(400, "malformed HTTP request: " + ec.message(), false, 11);
      co_return false;
    }
    if (ec) co_return false;
    // Until the body is read, an answer that closes the connection must linger (run's end).
    body_pending_ = header.content_length().value_or(0) > 0 || header.chunked();
    co_return true;
  }

  // One request whose header was read: the Socket.IO endpoint, a route, or a static file.
  asio::awaitable<Next> serve(HeaderParser& header) {
    const auto& req = header.get();
    Target target = split_target(req.target());
    auto query = net::parse_query(target.query);
    if (!query) {
      co_await reply(Response::error(400, "malformed query string"), req.version(), false, false);
      co_return Next::close;
    }
    auto is_path = [&](const std::string& p) {
      return !p.empty() && (target.path == p || target.path + "/" == p);
    };
    if (is_path(state_->options.sio_path))
      co_return co_await serve_engine_io(header, *query, false);
    if (is_path(state_->options.engine_echo_path))
      co_return co_await serve_engine_io(header, *query, true);
    Router::Match match = state_->router.match(std::string(req.method_string()), target.path);
    if (match.status != 200) co_return co_await serve_unrouted(header, match, target.path);
    co_return co_await serve_route(header, match, target, std::move(*query));
  }

  // The Engine.IO endpoint: a WebSocket upgrade (the socket goes to a websocket_session) or
  // a polling request. `echo`: the Engine.IO-only echo endpoint (engine_echo_path).
  asio::awaitable<Next> serve_engine_io(HeaderParser& header,
                                        const std::multimap<std::string, std::string>& query,
                                        bool echo) {
    const auto& req = header.get();
    if (query_value(query, "EIO") != "4") {
      co_await reply_eio(400, R"({"code":5,"message":"Unsupported protocol version"})",
                         req.version(), false);
      co_return Next::close;
    }
    std::string transport = query_value(query, "transport");
    std::string sid = query_value(query, "sid");
    if (transport == "websocket") {
      if (!beast::websocket::is_upgrade(req)) {
        co_await reply_eio(400, R"({"code":3,"message":"Bad request"})", req.version(), false);
        co_return Next::close;
      }
      tcp_layer().expires_never();
      run_websocket_session(state_, std::move(stream_), header.release(), sid, remote_, echo);
      co_return Next::handed_off;
    }
    if (transport != "polling") {
      co_await reply_eio(400, R"({"code":0,"message":"Transport unknown"})", req.version(), false);
      co_return Next::close;
    }
    co_return co_await polling(header, sid, echo) ? Next::keep_going : Next::close;
  }

  // No route took the request: a static file (GET/HEAD of an unknown path), 405 or 404.
  asio::awaitable<Next> serve_unrouted(HeaderParser& header, const Router::Match& match,
                                       const std::string& path) {
    const ServerOptions& opts = state_->options;
    const auto& req = header.get();
    Response res;
    bool head = req.method() == http::verb::head;
    std::optional<std::filesystem::path> file;
    if (match.status == 404 && opts.static_dir && (req.method() == http::verb::get || head))
      file = resolve_static(*opts.static_dir, path);
    if (file) {
      res = Response::send_file(*file, content_type_for(*file));
    } else if (match.status == 405) {
      res =
          Response::error(405, "method " + std::string(req.method_string()) + " not allowed here");
      res.headers.emplace_back("Allow", match.allow);
    } else {
      res = Response::error(404, "no such path: " + path);
    }
    // An unread body would be taken for the next request: close after answering.
    bool has_body = header.content_length().value_or(0) > 0 || header.chunked();
    bool keep = req.keep_alive() && !has_body;
    co_await reply(std::move(res), req.version(), keep, head);
    co_return keep ? Next::keep_going : Next::close;
  }

  // A request as route handlers see it (no body yet).
  Request make_request(const http::request<http::empty_body>& req, const Target& target,
                       std::multimap<std::string, std::string> query, Router::Match& match) {
    Request request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.path = percent_decode(target.path, false).value_or(target.path);
    request.query = std::move(query);
    request.params = std::move(match.params);
    request.remote = remote_;
    for (const auto& field : req)
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    return request;
  }

  // A route: its body read within its limit (into memory or a file), its handler called
  // (on the worker pool when it blocks), its answer written.
  asio::awaitable<Next> serve_route(HeaderParser& header, Router::Match& match,
                                    const Target& target,
                                    std::multimap<std::string, std::string> query) {
    const auto& req = header.get();
    const Router::Route& route = *match.route;
    Request request = make_request(req, target, std::move(query), match);
    const unsigned version = req.version();
    const bool keep_alive = req.keep_alive();
    const bool head = req.method() == http::verb::head;
    if (declared_too_large(header, route.options.max_body)) {
      co_await reply(Response::error(413, "request body larger than " +
                                              std::to_string(route.options.max_body) + " bytes"),
                     version, false, head);
      co_return Next::close;
    }
    if (!co_await continue_if_expected(header)) co_return Next::close;
    if (std::optional<Response> early = co_await read_request_body(header, route, request)) {
      std::error_code rm;
      if (!request.body_file.empty()) std::filesystem::remove(request.body_file, rm);
      co_await reply(std::move(*early), version, false, head);
      co_return Next::close;
    }
    body_pending_ = false;
    Response res;
    if (route.options.blocking)
      res = co_await asio::co_spawn(state_->workers->get_executor(),
                                    call_handler_async(route, request), asio::use_awaitable);
    else
      res = call_handler(route, request);
    if (!request.body_file.empty()) {
      std::error_code rm;
      std::filesystem::remove(request.body_file, rm);  // unless the handler moved it
    }
    if (res.status >= 400 && !res.file) hide_private_paths(res.body, state_->options.private_paths);
    bool ok = co_await reply(std::move(res), version, keep_alive, head);
    co_return ok&& keep_alive ? Next::keep_going : Next::close;
  }

  // "Expect: 100-continue" before a body: the interim answer. False when writing it failed.
  asio::awaitable<bool> continue_if_expected(HeaderParser& header) {
    const auto& req = header.get();
    bool has_body = header.content_length().value_or(0) > 0 || header.chunked();
    if (!has_body || !iequals(std::string(req[http::field::expect]), "100-continue"))
      co_return true;
    error_code ec;
    http::response<http::empty_body> cont{http::status::continue_, req.version()};
    tcp_layer().expires_after(state_->options.idle_timeout);
    co_await http::async_write(stream_, cont, asio::redirect_error(asio::use_awaitable, ec));
    co_return !ec;
  }

  // The body into request.body or, for body_to_file routes, a file in the upload directory.
  // An error answer (413, 431, 400, 500) when it cannot be read; nullopt when it was.
  asio::awaitable<std::optional<Response>> read_request_body(HeaderParser& header,
                                                             const Router::Route& route,
                                                             Request& request) {
    error_code ec;
    if (route.options.body_to_file) {
      request.body_file = temp_upload_path(state_->options.upload_dir);
      http::request_parser<http::file_body> parser{std::move(header)};
      parser.body_limit(route.options.max_body);
      parser.get().body().open(request.body_file.c_str(), beast::file_mode::write, ec);
      if (ec) co_return Response::error(500, "cannot create upload file: " + ec.message());
      ec = co_await read_body(parser);
      parser.get().body().close();
      if (ec) co_return body_error(ec, route.options.max_body);
      request.body_size = std::filesystem::file_size(request.body_file, ec);
      co_return std::nullopt;
    }
    http::request_parser<http::string_body> parser{std::move(header)};
    parser.body_limit(route.options.max_body);
    ec = co_await read_body(parser);
    if (ec) co_return body_error(ec, route.options.max_body);
    request.body = parser.release().body();
    request.body_size = request.body.size();
    co_return std::nullopt;
  }

  beast::tcp_stream& tcp_layer() { return beast::get_lowest_layer(stream_); }

  // When the next read or write of a transfer that began at `start` and has moved `moved`
  // bytes must be done: after the idle timeout, or sooner when the transfer would fall below
  // the minimum average rate (ServerOptions::min_transfer_rate).
  std::chrono::steady_clock::time_point transfer_deadline(
      std::chrono::steady_clock::time_point start, std::uint64_t moved) const {
    const auto idle = std::chrono::steady_clock::now() + state_->options.idle_timeout;
    const std::uint64_t rate = state_->options.min_transfer_rate;
    if (rate == 0) return idle;
    const auto earned = std::chrono::milliseconds(moved / rate * 1000 + moved % rate * 1000 / rate);
    return std::min(idle, start + state_->options.slow_transfer_grace + earned);
  }

  // Reads the rest of a request into `parser`, restarting the idle timer on every read: the
  // timeout measures silence, so a slow upload that keeps sending is not cut, unless it
  // averages less than the minimum rate (transfer_deadline).
  template <class Parser>
  asio::awaitable<error_code> read_body(Parser& parser) {
    error_code ec;
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t moved = 0;
    // Beast reads no more than the buffer's free capacity, which after a header is about
    // the header's size: a 29 MB upload came in 1.5 KB reads (18,000 of them, 100 MB/s).
    // Room for the whole bounded buffer first, released again after the body; not for a
    // body that fits in the room there is (most REST calls).
    const auto declared = parser.content_length();
    const bool grow = !declared || *declared > buffer_.capacity() - buffer_.size();
    if (grow) buffer_.reserve(buffer_.max_size());
    while (!ec && !parser.is_done()) {
      tcp_layer().expires_at(transfer_deadline(start, moved));
      moved += co_await http::async_read_some(stream_, buffer_, parser,
                                              asio::redirect_error(asio::use_awaitable, ec));
    }
    if (grow && buffer_.size() == 0) buffer_.shrink_to_fit();
    co_return ec;
  }

  static Response body_error(error_code ec, std::uint64_t max_body) {
    if (ec == http::error::body_limit)
      return Response::error(413,
                             "request body larger than " + std::to_string(max_body) + " bytes");
    if (ec == http::error::header_limit || ec == http::error::buffer_overflow)
      return Response::error(431, "request trailer fields too large");
    return Response::error(400, "reading the request body failed: " + ec.message());
  }

  // Writes a whole response, restarting the idle timer on every write (a slow reader that
  // keeps reading gets the whole body, at the minimum rate or faster). False when the write
  // failed.
  template <class Body>
  asio::awaitable<bool> write_message(http::response<Body>& res) {
    http::response_serializer<Body> serializer(res);
    error_code ec;
    const auto start = std::chrono::steady_clock::now();
    std::uint64_t moved = 0;
    while (!ec && !serializer.is_done()) {
      tcp_layer().expires_at(transfer_deadline(start, moved));
      moved += co_await http::async_write_some(stream_, serializer,
                                               asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return !ec;
  }

  // The connection's orderly end: TCP half-close, or TLS close_notify (bounded: a peer that
  // never answers it must not keep the connection).
  asio::awaitable<void> end_stream() {
    error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    } else {
      tcp_layer().expires_after(state_->options.tls->handshake_timeout);
      co_await stream_.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
      tcp_layer().socket().close(ec);
    }
  }

  // After an answer sent before the request body was read (413, 400...): closing at once with
  // unread bytes in the socket makes the kernel send a reset, and a client still sending the
  // body then loses the answer ("connection reset" instead of "request body larger than...").
  // So, like nginx's lingering_close: end our side (TCP: FIN; TLS: see below), read and drop
  // what keeps arriving until the client closes, stays silent kLingerIdle, or kLingerTotal or
  // kLingerBytes is reached, then close. Over TLS the discarding reads go through the TLS
  // layer (a TCP half-close would rule out close_notify), and close_notify is sent once the
  // client has sent its own; clients see the answer's end by its Content-Length.
  asio::awaitable<void> linger_close() {
    using clock = std::chrono::steady_clock;
    constexpr std::chrono::milliseconds kLingerIdle{2000};
    constexpr std::chrono::milliseconds kLingerTotal{5000};
    constexpr std::uint64_t kLingerBytes = std::uint64_t{64} << 20;
    error_code ec;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>)
      stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
    std::uint64_t drained = buffer_.size();
    buffer_.consume(buffer_.size());
    std::vector<char> sink(64 * 1024);
    const clock::time_point deadline = clock::now() + kLingerTotal;
    for (ec = {}; !ec && drained < kLingerBytes;) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
      if (left.count() <= 0) break;
      tcp_layer().expires_after(std::min(left, kLingerIdle));
      drained += co_await stream_.async_read_some(asio::buffer(sink),
                                                  asio::redirect_error(asio::use_awaitable, ec));
    }
    if constexpr (!std::is_same_v<Stream, beast::tcp_stream>) {
      // The client's close_notify came (an orderly end): answer it; otherwise just close.
      if (ec == asio::error::eof) {
        co_await end_stream();
        co_return;
      }
    }
    tcp_layer().socket().close(ec);
  }

  // The polling transport (GET drains, POST feeds). False: close the connection.
  asio::awaitable<bool> polling(http::request_parser<http::empty_body>& header,
                                const std::string& sid, bool echo) {
    const auto& req = header.get();
    unsigned version = req.version();
    bool keep_alive = req.keep_alive();
    std::shared_ptr<EngineSession> engine;
    if (!sid.empty()) {
      engine = state_->sio->find_session(sid);
      if (!engine || engine->echo() != echo) {  // a session is known on its own path only
        co_await reply_eio(400, R"({"code":1,"message":"Session ID unknown"})", version, false);
        co_return false;
      }
    }
    PollAnswer answer;
    std::string new_sid;  // the handshake's: also sent as a header (kSidHeader)
    if (req.method() == http::verb::get) {
      if (!engine) {
        engine = state_->sio->create_session(remote_, echo);
        new_sid = engine->sid();
        answer = co_await engine->start_polling();
      } else {
        answer = co_await engine->poll();
      }
    } else if (req.method() == http::verb::post && engine) {
      const std::uint64_t max_payload = state_->sio->options.max_payload;
      // The parser checks a declared length against its limit only while reading the header
      // (which had none): refuse a larger Content-Length before reading a byte of it.
      if (declared_too_large(header, max_payload)) {
        engine->close("polling payload larger than maxPayload");
        co_await reply_eio(413, R"({"code":3,"message":"Payload too large"})", version, false);
        co_return false;
      }
      http::request_parser<http::string_body> parser{std::move(header)};
      parser.body_limit(max_payload);
      error_code ec = co_await read_body(parser);
      if (ec == http::error::body_limit) {
        engine->close("polling payload larger than maxPayload");
        co_await reply_eio(413, R"({"code":3,"message":"Payload too large"})", version, false);
        co_return false;
      }
      if (ec) {
        // A malformed body gets Engine.IO's error answer; a peer that went away or silent
        // gets nothing (there is nobody to read it).
        if (ec != http::error::end_of_stream && ec != beast::error::timeout)
          co_await reply_eio(400, R"({"code":3,"message":"Bad request"})", version, false);
        co_return false;
      }
      body_pending_ = false;
      answer = co_await engine->post(parser.release().body());
    } else {
      co_await reply_eio(400, R"({"code":2,"message":"Bad handshake method"})", version, false);
      co_return false;
    }
    bool written = co_await reply_eio(answer.status, std::move(answer.body), version, keep_alive,
                                      answer.content_type, new_sid);
    co_return written&& keep_alive;  // "Connection: close" ends the connection here too
  }

  // `sid`: a new session's id, sent as the kSidHeader header too. A load balancer in front of
  // several hubs learns from it which hub holds the session (it cannot read the body) and
  // sends every later request carrying ?sid= there (deploy/haproxy.cfg: stick store-response).
  asio::awaitable<bool> reply_eio(int status, std::string body, unsigned version, bool keep,
                                  std::string content_type = "application/json",
                                  const std::string& sid = {}) {
    Response res = Response::text(status, std::move(body), std::move(content_type));
    if (!sid.empty()) res.headers.emplace_back(std::string(kSidHeader), sid);
    co_return co_await reply(std::move(res), version, keep, false);
  }

  asio::awaitable<bool> reply_simple(int status, std::string message, bool keep, unsigned version) {
    co_return co_await reply(Response::error(status, message), version, keep, false);
  }

  template <class Body>
  void fill(http::response<Body>& res, const Response& r, bool keep) {
    res.result(static_cast<unsigned>(r.status));
    std::string_view reason = reason_phrase(r.status);
    if (!reason.empty()) res.reason(reason);
    res.set(http::field::server, state_->options.server_name);
    res.set(http::field::content_type, r.content_type);
    for (const auto& [k, v] : r.headers)
      res.set(k, v);
    res.keep_alive(keep);
  }

  // Writes `r` (a file body streamed from disk). False when the write failed.
  asio::awaitable<bool> reply(Response r, unsigned version, bool keep, bool head) {
    error_code ec;
    if (r.file) {
      http::file_body::value_type body;
      body.open(r.file->c_str(), beast::file_mode::scan, ec);
      if (r.remove_file) {
        std::error_code rm;  // the open descriptor keeps the data readable
        std::filesystem::remove(*r.file, rm);
      }
      if (ec) {
        r = Response::error(404, "file not found");
      } else if (head) {
        http::response<http::empty_body> res{http::status::ok, version};
        fill(res, r, keep);
        res.content_length(body.size());
        co_return co_await write_message(res);
      } else {
        http::response<net::FileBody> res{http::status::ok, version};
        fill(res, r, keep);
        res.body() = std::move(body);
        res.prepare_payload();
        co_return co_await write_message(res);
      }
    }
    if (head) {
      http::response<http::empty_body> res{http::status::ok, version};
      fill(res, r, keep);
      res.content_length(r.body.size());
      co_return co_await write_message(res);
    }
    http::response<http::string_body> res{http::status::ok, version};
    fill(res, r, keep);
    res.body() = std::move(r.body);
    res.prepare_payload();
    co_return co_await write_message(res);
  }

  std::shared_ptr<SharedState> state_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::string remote_;
  bool body_pending_ = false;  // the current request's body is not (all) read yet
};

// A plain HTTP request on the TLS port: a readable 400 (as nginx does) rather than a TLS
// alert the client would show as garbage, then the connection is closed.
asio::awaitable<void> refuse_plain_http(const SharedState& state, beast::tcp_stream& stream,
                                        beast::flat_buffer& buffer) {
  error_code ec;
  http::request_parser<http::empty_body> header;
  limit_header(header, state.options.max_header_bytes);
  co_await http::async_read_header(stream, buffer, header,
                                   asio::redirect_error(asio::use_awaitable, ec));
  http::response<http::string_body> res{http::status::bad_request, 11};
  res.set(http::field::server, state.options.server_name);
  res.set(http::field::content_type, "application/json");
  res.body() = R"({"message":"this port speaks HTTPS only: use https://"})";
  res.keep_alive(false);
  res.prepare_payload();
  co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

}  // namespace

asio::awaitable<void> http_session(std::shared_ptr<SharedState> state, tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer = request_read_buffer();
  if (!state->tls) {
    HttpSession<beast::tcp_stream> session(std::move(state), std::move(stream), std::move(buffer));
    co_await session.run();
    co_return;
  }
  // TLS: tell a ClientHello from plain HTTP by its first bytes, then the handshake, all
  // within the handshake timeout. Failures just close the connection (nothing to answer).
  error_code ec;
  stream.expires_after(state->options.tls->handshake_timeout);
  bool is_tls = co_await beast::async_detect_ssl(stream, buffer,
                                                 asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  if (!is_tls) {
    co_await refuse_plain_http(*state, stream, buffer);
    co_return;
  }
  beast::ssl_stream<beast::tcp_stream> tls(std::move(stream), *state->tls);
  // The bytes detect_ssl read are the start of the handshake: hand them to OpenSSL.
  std::size_t used = co_await tls.async_handshake(asio::ssl::stream_base::server, buffer.data(),
                                                  asio::redirect_error(asio::use_awaitable, ec));
  if (ec) co_return;
  buffer.consume(used);
  HttpSession<beast::ssl_stream<beast::tcp_stream>> session(std::move(state), std::move(tls),
                                                            std::move(buffer));
  co_await session.run();
}

}  // namespace xport::hub::server
