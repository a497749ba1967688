#include "hub/app/bench_app.hpp"

#include <unistd.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "hub/app/api_params.hpp"

namespace xport::hub {

namespace json = boost::json;
using server::Request;
using server::Response;
using server::SocketInfo;
using Clock = std::chrono::steady_clock;

struct BenchApp::State {
  // One GET /bench/dispatch in flight: who was sent `plugin`, and when each answered.
  struct Dispatch {
    Clock::time_point started;
    std::set<std::string> expected;
    std::vector<double> answered_ms;
  };

  server::SocketIoServer& sio;
  std::mutex mutex;
  std::condition_variable answered;
  std::set<std::string> registered;
  std::map<std::string, Dispatch> dispatches;  // by session
  std::uint64_t next_session = 1;

  explicit State(server::SocketIoServer& s) : sio(s) {}

  void on_response(const SocketInfo& socket, const json::array& args) {
    const json::object* data = args.empty() ? nullptr : args[0].if_object();
    const json::value* session = data ? data->if_contains("session") : nullptr;
    if (session == nullptr || !session->is_string()) return;
    const Clock::time_point now = Clock::now();
    std::lock_guard lock(mutex);
    auto it = dispatches.find(std::string(session->get_string()));
    if (it == dispatches.end() || it->second.expected.erase(socket.id) == 0) return;
    it->second.answered_ms.push_back(
        std::chrono::duration<double, std::milli>(now - it->second.started).count());
    if (it->second.expected.empty()) answered.notify_all();
  }

  Response dispatch(const Request& request) {
    const std::int64_t timeout_ms =
        std::clamp<std::int64_t>(detail::int_param(request, "timeout_ms", 5000), 1, 60000);
    std::unique_lock lock(mutex);
    const std::string session = "bench-" + std::to_string(next_session++);
    Dispatch& d = dispatches[session];
    d.expected = registered;
    const std::vector<std::string> targets(d.expected.begin(), d.expected.end());
    d.started = Clock::now();
    lock.unlock();
    for (const std::string& id : targets)
      sio.emit(id, "/plugin", "plugin", json::array{json::object{{"session", session}}});
    lock.lock();
    const bool all = answered.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                                       [&] { return d.expected.empty(); });
    const double all_ms =
        std::chrono::duration<double, std::milli>(Clock::now() - d.started).count();
    json::array per_client;
    for (double ms : d.answered_ms)
      per_client.push_back(ms);
    json::object out{{"session", session},
                     {"expected", targets.size()},
                     {"answered", d.answered_ms.size()},
                     {"all_ms", all ? json::value(all_ms) : json::value(nullptr)},
                     {"per_client_ms", std::move(per_client)},
                     {"timed_out", !all}};
    dispatches.erase(session);
    return Response::json(200, out);
  }

  Response stats() {
    std::size_t registered_now = 0;
    {
      std::lock_guard lock(mutex);
      registered_now = registered.size();
    }
    return Response::json(200, json::object{{"impl", "xport"},
                                            {"pid", ::getpid()},
                                            {"registered", registered_now},
                                            {"connected", sio.sockets("/plugin").size()}});
  }
};

BenchApp::BenchApp(server::Server& server) : state_(std::make_shared<State>(server.sio())) {
  auto& sio = server.sio();
  std::weak_ptr<State> weak = state_;
  sio.on_event("/plugin", "heartbeat",
               [weak](const SocketInfo& socket, json::array, server::Ack ack) {
                 if (auto s = weak.lock()) {
                   std::lock_guard lock(s->mutex);
                   s->registered.insert(socket.id);
                 }
                 if (ack) ack(json::array{json::object{{"ok", true}}});
               });
  sio.on_event("/plugin", "echo", [](const SocketInfo&, json::array args, server::Ack ack) {
    if (ack) ack(std::move(args));
  });
  sio.on_event("/plugin", "response", [weak](const SocketInfo& socket, json::array args, auto) {
    if (auto s = weak.lock()) s->on_response(socket, args);
  });
  sio.on_disconnect("/plugin", [weak](const SocketInfo& socket, const std::string&) {
    if (auto s = weak.lock()) {
      std::lock_guard lock(s->mutex);
      s->registered.erase(socket.id);  // a dispatch in flight still waits for it: timed_out
    }
  });
  // Blocking: the wait for the answers must not hold a network thread.
  server::RouteOptions blocking;
  blocking.blocking = true;
  server.router().get(
      "/bench/dispatch",
      [weak](Request& r) {
        auto s = weak.lock();
        return s ? s->dispatch(r) : Response::error(503, "stopping");
      },
      blocking);
  server.router().get("/bench/stats", [weak](Request&) {
    auto s = weak.lock();
    return s ? s->stats() : Response::error(503, "stopping");
  });
}

BenchApp::~BenchApp() = default;

}  // namespace xport::hub
