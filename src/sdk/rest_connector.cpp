#include "sdk/rest_connector.hpp"

#include <openssl/crypto.h>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "net/http_server.hpp"
#include "sdk/log.hpp"

namespace xport::sdk {

namespace {

bool same_secret(std::string_view given, std::string_view expected) {
  // Constant time for equal lengths: the secret is the plugin's only credential.
  return given.size() == expected.size() &&
         CRYPTO_memcmp(given.data(), expected.data(), given.size()) == 0;
}

constexpr const char* kProgressPath = "/v2/pluginProgress";

struct Outgoing {
  std::string path;  // /v2/pluginResponse, /v2/pluginLog or /v2/pluginProgress
  boost::json::object body;
  std::string api_key;
  bool must_deliver;  // responses are retried; logs are tried once
};

}  // namespace

struct RestConnector::Impl : std::enable_shared_from_this<Impl> {
  std::string secret;
  PluginOptions options;
  std::shared_ptr<PlatformApi> api;
  std::optional<net::HttpServer> server;
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

  net::ServerResponse handle(const net::ServerRequest& req) {
    auto reply = [](int status, std::string body) {
      return net::ServerResponse{status, "application/json", std::move(body)};
    };
    const std::string_view target = req.path();
    if (target != "/plugin" && target != "/heartbeat")
      return reply(404, R"({"message":"no such endpoint"})");
    if (!same_secret(req.header("Secret"), secret))
      return reply(401, R"({"message":"bad or missing Secret header"})");
    if (target == "/heartbeat") {
      if (req.method != "GET") return reply(405, R"({"message":"use GET"})");
      return reply(200, R"("ok")");
    }
    if (req.method != "POST") return reply(405, R"({"message":"use POST"})");
    boost::system::error_code ec;
    auto data = boost::json::parse(req.body, ec);
    if (ec || !data.is_object())
      return reply(400, R"({"message":"the body must be the run's data as a JSON object"})");
    if (!accepting) return reply(503, R"({"message":"the plugin is shutting down"})");
    auto& object = data.get_object();
    auto session = object.if_contains("session");
    auto key = object.if_contains("apiKey");
    if (session && session->is_string() && key && key->is_string()) {
      std::lock_guard lock(keys_mutex);
      api_keys[std::string(session->get_string())] = std::string(key->get_string());
    }
    on_run(std::move(object));
    return reply(200, R"({"status":"accepted"})");
  }
};

RestConnector::RestConnector(std::string secret, const PluginOptions& options,
                             std::shared_ptr<PlatformApi> api)
    : impl_(std::make_shared<Impl>()) {
  impl_->secret = std::move(secret);
  impl_->options = options;
  impl_->api = std::move(api);
  net::HttpServerOptions server;
  server.address = options.listen_address;
  server.port = options.port;
  server.max_header_bytes = 16 * 1024;
  server.max_body_bytes = std::uint64_t{64} << 20;
  server.timeout = std::chrono::seconds(30);
  server.stop_grace = std::chrono::seconds(1);
  server.log = [](std::string_view why) { log().debug("REST connector: {}", why); };
  impl_->server.emplace(std::move(server));
}

RestConnector::~RestConnector() {
  shutdown(std::chrono::steady_clock::now());
}

std::uint16_t RestConnector::port() const {
  return impl_->server->port();
}

void RestConnector::start(RunHandler on_run) {
  impl_->on_run = std::move(on_run);
  log().info("REST connector listening on {}:{}", impl_->options.listen_address, port());
  impl_->server->start(
      [impl = impl_.get()](const net::ServerRequest& req) { return impl->handle(req); });
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

void RestConnector::send_progress(boost::json::object body) {
  std::string key = impl_->key_of(body, false);
  if (key.empty()) return;  // the run has been answered
  std::lock_guard lock(impl_->out_mutex);
  // A report not yet sent is replaced by the newer one: the outbox never fills with them.
  for (Outgoing& o : impl_->outbox)
    if (o.path == kProgressPath && o.body["session"] == body["session"]) {
      o.body = std::move(body);
      return;
    }
  impl_->outbox.push_back({kProgressPath, std::move(body), std::move(key), false});
  impl_->out_wake.notify_all();
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
  impl_->server->stop();
  return delivered;
}

}  // namespace xport::sdk
