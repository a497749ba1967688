#include "sdk/rest_connector.hpp"

#include <openssl/crypto.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include "net/read_buffer.hpp"
#include "sdk/log.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

namespace xport::sdk {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

bool same_secret(std::string_view given, std::string_view expected) {
  // Constant time for equal lengths: the secret is the plugin's only credential.
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

struct Outgoing {
  std::string path;  // /v2/pluginResponse or /v2/pluginLog
  boost::json::object body;
  std::string api_key;
  bool must_deliver;  // responses are retried; logs are tried once
};

}  // namespace

struct RestConnector::Impl : std::enable_shared_from_this<Impl> {
  std::string secret;
  PluginOptions options;
  std::shared_ptr<PlatformApi> api;
  asio::io_context io;
  tcp::acceptor acceptor{io};
  std::thread network;
  RunHandler on_run;
  std::atomic<bool> accepting{true};

  // Run sessions → the apiKey their answers are posted with.
  std::mutex keys_mutex;
  std::map<std::string, std::string> api_keys;

  // Answers are posted by one sender thread, in order.
  std::mutex out_mutex;
  std::condition_variable out_wake;
  std::deque<Outgoing> outbox;
  bool out_stop = false;
  bool sending = false;
  std::thread sender;

  std::string key_of(const boost::json::object& body, bool forget) {
    auto s = body.if_contains("session");
    std::string session = s && s->is_string() ? std::string(s->get_string()) : "";
    std::lock_guard lock(keys_mutex);
    auto it = api_keys.find(session);
    if (it == api_keys.end()) return {};
    std::string key = it->second;
    if (forget) api_keys.erase(it);
    return key;
  }

  void enqueue(Outgoing o) {
    {
      std::lock_guard lock(out_mutex);
      outbox.push_back(std::move(o));
    }
    out_wake.notify_all();
  }

  void send_loop() {
    std::unique_lock lock(out_mutex);
    for (;;) {
      out_wake.wait(lock, [&] { return out_stop || !outbox.empty(); });
      if (outbox.empty()) return;
      Outgoing o = std::move(outbox.front());
      outbox.pop_front();
      sending = true;
      lock.unlock();
      for (int attempt = 0;; ++attempt) {
        try {
          api->post_json(o.path, o.body, o.api_key);
          break;
        } catch (const std::exception& e) {
          if (!o.must_deliver || attempt >= 5) {
            log().error("POST {} failed, giving up: {}", o.path, e.what());
            break;
          }
          log().warn("POST {} failed (attempt {}), retrying: {}", o.path, attempt + 1, e.what());
          std::this_thread::sleep_for(std::chrono::milliseconds(500) * (1 << attempt));
        }
      }
      lock.lock();
      sending = false;
      out_wake.notify_all();
    }
  }

  http::response<http::string_body> handle(const http::request<http::string_body>& req) {
    http::response<http::string_body> res;
    res.version(req.version());
    res.keep_alive(false);
    res.set(http::field::content_type, "application/json");
    auto reply = [&](http::status status, std::string body) {
      res.result(status);
      res.body() = std::move(body);
      res.prepare_payload();
      return res;
    };
    std::string_view target = req.target();
    target = target.substr(0, target.find('?'));
    if (target != "/plugin" && target != "/heartbeat")
      return reply(http::status::not_found, R"({"message":"no such endpoint"})");
    if (!same_secret(req["Secret"], secret))
      return reply(http::status::unauthorized, R"({"message":"bad or missing Secret header"})");
    if (target == "/heartbeat") {
      if (req.method() != http::verb::get)
        return reply(http::status::method_not_allowed, R"({"message":"use GET"})");
      return reply(http::status::ok, R"("ok")");
    }
    if (req.method() != http::verb::post)
      return reply(http::status::method_not_allowed, R"({"message":"use POST"})");
    boost::system::error_code ec;
    auto data = boost::json::parse(req.body(), ec);
    if (ec || !data.is_object())
      return reply(http::status::bad_request,
                   R"({"message":"the body must be the run's data as a JSON object"})");
    if (!accepting)
      return reply(http::status::service_unavailable,
                   R"({"message":"the plugin is shutting down"})");
    auto& object = data.get_object();
    auto session = object.if_contains("session");
    auto key = object.if_contains("apiKey");
    if (session && session->is_string() && key && key->is_string()) {
      std::lock_guard lock(keys_mutex);
      api_keys[std::string(session->get_string())] = std::string(key->get_string());
    }
    on_run(std::move(object));
    return reply(http::status::ok, R"({"status":"accepted"})");
  }

  asio::awaitable<void> serve_one(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    // Bounded below 64 KiB (net/read_buffer.hpp: an oversized trailer must not end the plugin).
    beast::flat_buffer buffer(xport::net::kHttpReadBufferLimit);
    http::request_parser<http::string_body> parser;
    parser.header_limit(xport::net::bounded_header_limit(16 * 1024));
    parser.body_limit(64u << 20);
    stream.expires_after(std::chrono::seconds(30));
    try {
      co_await http::async_read(stream, buffer, parser, asio::use_awaitable);
      auto res = handle(parser.get());
      co_await http::async_write(stream, res, asio::use_awaitable);
    } catch (const std::exception& e) {
      log().debug("REST connector: connection ended: {}", e.what());
    }
    beast::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_both, ec);
  }

  asio::awaitable<void> accept_loop() {
    for (;;) {
      tcp::socket socket = co_await acceptor.async_accept(asio::use_awaitable);
      asio::co_spawn(io, serve_one(std::move(socket)), asio::detached);
    }
  }
};

RestConnector::RestConnector(std::string secret, const PluginOptions& options,
                             std::shared_ptr<PlatformApi> api)
    : impl_(std::make_shared<Impl>()) {
  impl_->secret = std::move(secret);
  impl_->options = options;
  impl_->api = std::move(api);
  tcp::endpoint endpoint(asio::ip::make_address(options.listen_address), options.port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen();
}

RestConnector::~RestConnector() {
  shutdown(std::chrono::steady_clock::now());
}

std::uint16_t RestConnector::port() const {
  return impl_->acceptor.local_endpoint().port();
}

void RestConnector::start(RunHandler on_run) {
  impl_->on_run = std::move(on_run);
  log().info("REST connector listening on {}:{}", impl_->options.listen_address, port());
  asio::co_spawn(impl_->io, impl_->accept_loop(), [](std::exception_ptr e) {
    if (!e) return;
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& ex) {
      log().debug("REST connector: accept loop ended: {}", ex.what());
    }
  });
  impl_->network = std::thread([impl = impl_] { impl->io.run(); });
  impl_->sender = std::thread([impl = impl_] { impl->send_loop(); });
}

void RestConnector::send_response(boost::json::object body) {
  std::string key = impl_->key_of(body, true);
  impl_->enqueue({"/v2/pluginResponse", std::move(body), std::move(key), true});
}

void RestConnector::send_log(boost::json::object body) {
  std::string key = impl_->key_of(body, false);
  impl_->enqueue({"/v2/pluginLog", std::move(body), std::move(key), false});
}

void RestConnector::stop_accepting() {
  impl_->accepting = false;
}

bool RestConnector::shutdown(std::chrono::steady_clock::time_point deadline) {
  bool delivered = true;
  if (impl_->sender.joinable()) {
    std::unique_lock lock(impl_->out_mutex);
    delivered = impl_->out_wake.wait_until(
        lock, deadline, [&] { return impl_->outbox.empty() && !impl_->sending; });
    impl_->out_stop = true;
    if (!delivered) impl_->outbox.clear();
  }
  impl_->out_wake.notify_all();
  if (impl_->sender.joinable()) impl_->sender.join();
  asio::post(impl_->io, [impl = impl_] {
    beast::error_code ec;
    impl->acceptor.close(ec);
    impl->io.stop();
  });
  if (impl_->network.joinable()) impl_->network.join();
  return delivered;
}

}  // namespace xport::sdk
