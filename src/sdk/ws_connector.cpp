#include "sdk/ws_connector.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/serialize.hpp>
#include "sdk/log.hpp"

#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "net/websocket_client.hpp"
#include "sdk/socket_url.hpp"
#include "sio/client_session.hpp"

namespace xport::sdk {

namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {
const std::string kNamespace = "/plugin";
// Log lines kept while the link is down; beyond this the oldest are dropped (and counted).
constexpr std::size_t kMaxQueuedLogs = 10000;
// An answer is emitted with an ack request and kept until the ack comes; a platform that never
// acks (its handler takes no callback) has had it once the link stayed up this long.
constexpr auto kAckWait = std::chrono::seconds(30);

std::string session_of(const boost::json::object& body) {
  const auto* s = body.if_contains("session");
  return s && s->is_string() ? std::string(s->get_string()) : std::string();
}
}  // namespace

struct WsConnector::Impl : std::enable_shared_from_this<Impl> {
  std::string host;
  std::string id;
  std::string secret;
  PluginOptions options;
  asio::io_context io;
  asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
  asio::steady_timer heartbeat_timer{io};
  asio::steady_timer watchdog{io};
  asio::steady_timer reconnect_timer{io};
  std::thread network;
  RunHandler on_run;
  std::mt19937 random{std::random_device{}()};

  // Network-thread state.
  std::shared_ptr<net::WebSocketClient> socket;
  std::unique_ptr<sio::ClientSession> session;
  std::uint64_t generation = 0;  // which connection the callbacks belong to
  bool joined = false;           // the /plugin namespace is connected
  bool closing = false;
  unsigned attempt = 0;
  struct Answer {
    boost::json::object body;
    bool resent = false;  // it went out on a link that dropped before the platform acked it
  };
  std::deque<Answer> responses;  // not sent yet, in order
  struct SentAnswer {
    Answer answer;
    Clock::time_point sent;
  };
  std::map<std::uint64_t, SentAnswer> unacked;  // sent on this link, by sending order
  std::uint64_t answers_sent = 0;
  bool platform_acks = false;     // it acked an answer once: shutdown waits for the acks
  std::string heartbeat_refusal;  // why the platform refused the last heartbeat, if it did
  std::deque<boost::json::object> logs;
  std::uint64_t dropped_logs = 0;

  // Shutdown handshake with other threads.
  std::mutex mutex;
  std::condition_variable drained;
  bool outbox_empty = true;

  void connect() {
    if (closing) return;
    auto gen = ++generation;
    joined = false;
    std::weak_ptr<Impl> weak = weak_from_this();
    sio::ClientSession::Callbacks callbacks;
    callbacks.send = [this, gen](std::string frame, bool binary) {
      if (gen == generation && socket) socket->send(std::move(frame), binary);
    };
    callbacks.on_connect = [this, gen](std::string_view nsp, std::string_view) {
      if (gen == generation && nsp == kNamespace) on_joined();
    };
    callbacks.on_connect_error = [this, gen](std::string_view nsp, std::string_view message) {
      if (gen != generation) return;
      log().error("the platform refused namespace {}: {}", nsp, message);
      drop("namespace refused");
    };
    callbacks.on_event = [this, gen](std::string_view nsp, std::string_view name,
                                     boost::json::array args, std::optional<std::uint64_t>) {
      if (gen != generation || nsp != kNamespace) return;
      on_event(name, std::move(args));
    };
    callbacks.on_disconnect = [this, gen](std::string_view nsp) {
      if (gen == generation) drop(fmt::format("the platform disconnected {}", nsp));
    };
    callbacks.on_close = [this, gen](std::string_view reason) {
      if (gen == generation) drop(std::string(reason));
    };
    session = std::make_unique<sio::ClientSession>(std::move(callbacks));
    session->connect(kNamespace);

    net::TlsOptions tls;
    tls.ca_file = options.ca_file;
    tls.verify = options.verify_tls;
    socket = net::WebSocketClient::create(io);
    socket->on_text([weak, gen](std::string frame) {
      if (auto self = weak.lock(); self && gen == self->generation && self->session)
        self->session->on_text(frame, Clock::now());
    });
    socket->on_binary([weak, gen](std::string frame) {
      if (auto self = weak.lock(); self && gen == self->generation && self->session)
        self->session->on_binary(frame, Clock::now());
    });
    socket->on_close([weak, gen](std::string reason) {
      if (auto self = weak.lock(); self && gen == self->generation) self->drop(reason);
    });
    std::string url = socket_io_url(host);
    log().debug("connecting to {}", url);
    socket->connect(
        url, tls,
        [weak, gen] {
          if (auto self = weak.lock(); self && gen == self->generation) self->arm_watchdog();
        },
        [weak, gen](std::string error) {
          if (auto self = weak.lock(); self && gen == self->generation) self->drop(error);
        });
  }

  void on_joined() {
    joined = true;
    if (attempt > 0)
      log().info("reconnected to {}", host);
    else
      log().info("connected to {} as plugin {}", host, id);
    attempt = 0;
    send_heartbeat();
    flush();
  }

  void send_heartbeat() {
    if (!joined) return;
    // With an ack request: xport's hub says why it refuses one (a platform that does not ack
    // simply never calls back).
    session->emit(kNamespace, "heartbeat",
                  boost::json::array{boost::json::object{{"id", id}, {"secret", secret}}},
                  [weak = weak_from_this()](auto ack) {
                    if (auto self = weak.lock(); self && ack) self->heartbeat_acked(*ack);
                  });
    heartbeat_timer.expires_after(options.heartbeat_interval);
    heartbeat_timer.async_wait([weak = weak_from_this(), gen = generation](auto ec) {
      if (auto self = weak.lock(); !ec && self && gen == self->generation) self->send_heartbeat();
    });
  }

  // A refusal is logged when it starts or changes, not at every heartbeat.
  void heartbeat_acked(const boost::json::array& ack) {
    std::string reply;
    if (!ack.empty() && ack[0].is_string()) reply = std::string(ack[0].get_string());
    if (reply.empty() || reply == "ok") {
      if (!heartbeat_refusal.empty()) log().info("the platform accepts this plugin's heartbeat");
      heartbeat_refusal.clear();
      return;
    }
    if (reply != heartbeat_refusal)
      log().error("the platform refused this plugin's heartbeat: {} (plugin id {})", reply, id);
    heartbeat_refusal = reply;
  }

  // The link is dead when the server's pings stop (Engine.IO v4): checked every second.
  void arm_watchdog() {
    watchdog.expires_after(std::chrono::seconds(1));
    watchdog.async_wait([weak = weak_from_this(), gen = generation](auto ec) {
      auto self = weak.lock();
      if (ec || !self || gen != self->generation || !self->session) return;
      if (self->session->link_dead(Clock::now())) {
        self->drop("no ping from the platform within pingInterval + pingTimeout");
      } else {
        self->settle_unacked(Clock::now());
        self->arm_watchdog();
      }
    });
  }

  void on_event(std::string_view name, boost::json::array args) {
    if (name != "plugin") {
      log().debug("ignoring event '{}' from the platform", name);
      return;
    }
    if (args.empty() || !args[0].is_object()) {
      log().error("a 'plugin' event without a data object: {}", boost::json::serialize(args));
      return;
    }
    on_run(std::move(args[0].get_object()));
  }

  // Ends the current connection (whatever the cause) and schedules the next attempt.
  void drop(const std::string& reason) {
    if (!socket) return;
    ++generation;  // callbacks of the old connection are ignored from here on
    resend_unacked();
    bool was_joined = joined;
    joined = false;
    heartbeat_timer.cancel();
    watchdog.cancel();
    socket->close();
    socket.reset();
    session.reset();
    if (closing) return;
    auto delay = backoff();
    if (was_joined)
      log().warn("lost the connection to {} ({}); reconnecting in {} ms", host, reason,
                 delay.count());
    else
      log().warn("cannot connect to {} ({}); retrying in {} ms", host, reason, delay.count());
    reconnect_timer.expires_after(delay);
    reconnect_timer.async_wait([weak = weak_from_this()](auto ec) {
      if (auto self = weak.lock(); !ec && self) self->connect();
    });
  }

  // Capped exponential backoff with full jitter in [delay/2, delay].
  std::chrono::milliseconds backoff() {
    auto base = options.reconnect_min.count() << std::min(attempt, 16u);
    auto capped = std::min<long long>(base, options.reconnect_max.count());
    ++attempt;
    std::uniform_int_distribution<long long> jitter(capped / 2, capped);
    return std::chrono::milliseconds(jitter(random));
  }

  void flush() {
    while (joined && !responses.empty()) {
      send_answer(std::move(responses.front()));
      responses.pop_front();
    }
    if (joined && dropped_logs) {
      log().warn("{} log line(s) were dropped while the link was down", dropped_logs);
      dropped_logs = 0;
    }
    while (joined && !logs.empty()) {
      session->emit(kNamespace, "log", boost::json::array{logs.front()});
      logs.pop_front();
    }
    update_outbox();
  }

  // Emits an answer and keeps it until the platform acks it (any ack: "ok", or why it was
  // refused, which is logged).
  void send_answer(Answer answer) {
    const std::uint64_t n = ++answers_sent;
    boost::json::array args{answer.body};
    unacked[n] = SentAnswer{std::move(answer), Clock::now()};
    session->emit(kNamespace, "response", std::move(args),
                  [weak = weak_from_this(), gen = generation, n](auto ack) {
                    // nullopt: the link went first; drop() has queued the answer again.
                    if (auto self = weak.lock(); self && ack && gen == self->generation)
                      self->answer_acked(n, *ack);
                  });
  }

  void answer_acked(std::uint64_t n, const boost::json::array& ack) {
    auto it = unacked.find(n);
    if (it == unacked.end()) return;
    const std::string run = session_of(it->second.answer.body);
    std::string reply;
    if (!ack.empty())
      reply =
          ack[0].is_string() ? std::string(ack[0].get_string()) : boost::json::serialize(ack[0]);
    if (!reply.empty() && reply != "ok") {
      // An answer sent again may have reached the platform the first time.
      if (it->second.answer.resent && reply.find("already") != std::string::npos)
        log().info("run {}: the platform had its answer already ({})", run, reply);
      else
        log().warn("run {}: the platform did not take the answer: {}", run, reply);
    }
    platform_acks = true;
    unacked.erase(it);
    update_outbox();
  }

  // The link dropped: answers it carried without an ack go out again, first, after the
  // reconnect (the platform records a run's answer once).
  void resend_unacked() {
    for (auto it = unacked.rbegin(); it != unacked.rend(); ++it) {
      log().warn(
          "run {}: its answer was sent as the link dropped and the platform did not "
          "confirm it; sending it again after the reconnect",
          session_of(it->second.answer.body));
      it->second.answer.resent = true;
      responses.push_front(std::move(it->second.answer));
    }
    unacked.clear();
  }

  // A platform that does not ack: an answer the link carried for kAckWait is delivered.
  void settle_unacked(Clock::time_point now) {
    bool settled = false;
    for (auto it = unacked.begin(); it != unacked.end();) {
      if (now - it->second.sent < kAckWait) break;  // in sending order
      log().debug("run {}: no ack for its answer within {} s; the platform does not ack",
                  session_of(it->second.answer.body), kAckWait.count());
      it = unacked.erase(it);
      settled = true;
    }
    if (settled) update_outbox();
  }

  // Delivered, for shutdown: every answer sent, and acked where the platform acks.
  void update_outbox() {
    std::lock_guard lock(mutex);
    outbox_empty = responses.empty() && (unacked.empty() || !platform_acks);
    if (outbox_empty) drained.notify_all();
  }
};

WsConnector::WsConnector(std::string host, std::string id, std::string secret,
                         const PluginOptions& options)
    : impl_(std::make_shared<Impl>()) {
  impl_->host = std::move(host);
  impl_->id = std::move(id);
  impl_->secret = std::move(secret);
  impl_->options = options;
  (void)socket_io_url(impl_->host);  // a bad host fails here, in the caller's thread
}

WsConnector::~WsConnector() {
  shutdown(Clock::now());
}

void WsConnector::start(RunHandler on_run) {
  impl_->on_run = std::move(on_run);
  asio::post(impl_->io, [impl = impl_] { impl->connect(); });
  impl_->network = std::thread([impl = impl_] { impl->io.run(); });
}

void WsConnector::send_response(boost::json::object body) {
  {
    std::lock_guard lock(impl_->mutex);
    impl_->outbox_empty = false;
  }
  asio::post(impl_->io, [impl = impl_, body = std::move(body)]() mutable {
    impl->responses.push_back(Impl::Answer{std::move(body), false});
    impl->flush();
  });
}

void WsConnector::send_log(boost::json::object body) {
  asio::post(impl_->io, [impl = impl_, body = std::move(body)]() mutable {
    // Logs keep their order relative to responses: flush responses first.
    if (impl->joined && impl->responses.empty()) {
      impl->session->emit(kNamespace, "log", boost::json::array{std::move(body)});
      return;
    }
    if (impl->logs.size() >= kMaxQueuedLogs) {
      impl->logs.pop_front();
      ++impl->dropped_logs;
    }
    impl->logs.push_back(std::move(body));
  });
}

void WsConnector::send_progress(boost::json::object body) {
  asio::post(impl_->io, [impl = impl_, body = std::move(body)]() mutable {
    // Behind an answer still to deliver, or with no connection: the next report says more.
    if (impl->joined && impl->responses.empty())
      impl->session->emit(kNamespace, "progress", boost::json::array{std::move(body)});
  });
}

// Runs keep reaching the runtime, which refuses them with an error response while it stops.
void WsConnector::stop_accepting() {}

bool WsConnector::shutdown(Clock::time_point deadline) {
  if (!impl_->network.joinable()) return true;
  bool delivered;
  {
    std::unique_lock lock(impl_->mutex);
    delivered = impl_->drained.wait_until(lock, deadline, [&] { return impl_->outbox_empty; });
  }
  asio::post(impl_->io, [impl = impl_] {
    impl->closing = true;
    impl->reconnect_timer.cancel();
    // Leave the namespace first, so the platform sees a goodbye, not a lost link.
    if (impl->session && impl->joined) impl->session->disconnect(kNamespace);
    if (impl->socket) impl->drop("shutting down");
    impl->work.reset();
  });
  // The WebSocket close is bounded by its own timeout, then io.run() runs out of work.
  impl_->network.join();
  return delivered;
}

}  // namespace xport::sdk
