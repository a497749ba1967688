#include "hub/app/dispatch/socketio_transport.hpp"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <functional>

#include <boost/json.hpp>

namespace xport::hub::dispatch {

namespace json = boost::json;

namespace {

std::string string_field(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return {};
}

// What a plugin's event gets back: "ok", or why it was refused or not stored (the store
// failed: logged here, as the hub's own problem, and told to the plugin in its ack).
std::optional<std::string> guarded(const char* what,
                                   const std::function<std::optional<std::string>()>& handle) {
  try {
    return handle();
  } catch (const std::exception& e) {
    spdlog::error("a plugin's {} could not be stored: {}", what, e.what());
    return fmt::format("the hub could not store this {}: {}", what, e.what());
  }
}

}  // namespace

// An event about one of the socket's runs (one JSON object, after a valid heartbeat), handed
// to `handle`; its ack says "ok" or why not. Refusals are warnings, debug lines when the event
// is `advisory`. `no_object`: the refusal of a registered socket's
// event that carries no JSON object (empty: the same as before a heartbeat).
void SocketIoTransport::on_run_event(TransportEvents& events, const char* event, const char* what,
                                     bool advisory, std::string no_object, RunEventHandler handle) {
  sio_.on_event("/plugin", event,
                [&events, event, what, advisory, no_object = std::move(no_object), handle](
                    const server::SocketInfo& s, json::array args, server::Ack ack) {
                  std::string plugin_id = events.instance_plugin(s.id);
                  std::optional<std::string> error = "this socket sent no valid heartbeat";
                  if (!plugin_id.empty() && !args.empty() && args[0].is_object())
                    error = guarded(
                        what, [&] { return (events.*handle)(plugin_id, args[0].get_object()); });
                  else if (!plugin_id.empty() && !no_object.empty())
                    error = no_object;
                  if (error)
                    spdlog::log(advisory ? spdlog::level::debug : spdlog::level::warn,
                                "{} event from {} refused: {}", event, s.remote, *error);
                  if (ack) ack(json::array{error ? json::value(*error) : json::value("ok")});
                });
}

void SocketIoTransport::install(TransportEvents& events) {
  sio_.on_connect("/plugin",
                  [](const server::SocketInfo&) -> std::optional<std::string> { return {}; });
  sio_.on_event(
      "/plugin", "heartbeat",
      [this, &events](const server::SocketInfo& s, json::array args, server::Ack ack) {
        std::string id, secret;
        if (!args.empty() && args[0].is_object()) {
          id = string_field(args[0].get_object(), "id");
          secret = string_field(args[0].get_object(), "secret");
        }
        const auto verdict = events.on_heartbeat(s.id, s.remote, id, secret);
        if (ack)
          ack(json::array{verdict.refused ? json::value(*verdict.refused) : json::value("ok")});
        if (verdict.disconnect) sio_.disconnect(s.id);
      });
  // Refusals of log lines and answers are warnings; progress is advisory, and a late report of
  // a run that just ended is normal, so its refusals are debug lines.
  on_run_event(events, "log", "log line", false, {}, &TransportEvents::on_log);
  on_run_event(events, "progress", "progress", true, {}, &TransportEvents::on_progress);
  on_run_event(events, "response", "answer", false, "a response event needs one JSON object",
               &TransportEvents::on_answer);
  sio_.on_disconnect("/plugin", [&events](const server::SocketInfo& s, const std::string& reason) {
    events.on_instance_lost(s.id, reason);
  });
}

bool SocketIoTransport::deliver(Delivery delivery) {
  return sio_.emit(delivery.instance, "/plugin", "plugin",
                   json::array{json::value(std::move(delivery.data))});
}

void SocketIoTransport::disconnect(const std::string& instance) {
  sio_.disconnect(instance);
}

}  // namespace xport::hub::dispatch
