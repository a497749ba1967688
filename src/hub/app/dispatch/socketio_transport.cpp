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
  sio_.on_event(
      "/plugin", "log", [&events](const server::SocketInfo& s, json::array args, server::Ack ack) {
        std::string plugin_id = events.instance_plugin(s.id);
        std::optional<std::string> error = "this socket sent no valid heartbeat";
        if (!plugin_id.empty() && !args.empty() && args[0].is_object())
          error =
              guarded("log line", [&] { return events.on_log(plugin_id, args[0].get_object()); });
        if (error) spdlog::warn("log event from {} refused: {}", s.remote, *error);
        if (ack) ack(json::array{error ? json::value(*error) : json::value("ok")});
      });
  // Progress is advisory: a refusal is only logged at debug level (a late report of a run
  // that just ended is normal).
  sio_.on_event("/plugin", "progress",
                [&events](const server::SocketInfo& s, json::array args, server::Ack ack) {
                  std::string plugin_id = events.instance_plugin(s.id);
                  std::optional<std::string> error = "this socket sent no valid heartbeat";
                  if (!plugin_id.empty() && !args.empty() && args[0].is_object())
                    error = guarded("progress", [&] {
                      return events.on_progress(plugin_id, args[0].get_object());
                    });
                  if (error) spdlog::debug("progress event from {} refused: {}", s.remote, *error);
                  if (ack) ack(json::array{error ? json::value(*error) : json::value("ok")});
                });
  sio_.on_event("/plugin", "response",
                [&events](const server::SocketInfo& s, json::array args, server::Ack ack) {
                  std::string plugin_id = events.instance_plugin(s.id);
                  std::optional<std::string> error = "this socket sent no valid heartbeat";
                  if (!plugin_id.empty() && !args.empty() && args[0].is_object())
                    error = guarded("answer", [&] {
                      return events.on_answer(plugin_id, args[0].get_object());
                    });
                  else if (!plugin_id.empty())
                    error = "a response event needs one JSON object";
                  if (error) spdlog::warn("response event from {} refused: {}", s.remote, *error);
                  if (ack) ack(json::array{error ? json::value(*error) : json::value("ok")});
                });
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
