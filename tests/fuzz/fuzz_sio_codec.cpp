// libFuzzer target for the Socket.IO / Engine.IO core (frames from the network, untrusted on
// both the SDK and the hub side). Every decoder must end in a value or a ProtocolError, never
// in a crash; what decodes must re-encode to the same thing; and a ClientSession and a
// ServerSession fed any frames must stay consistent (callbacks re-entering them included).
//
// Input: frames separated by '\n'; a frame starting with 'B' is a binary frame (the rest).
// The whole input also goes to the one-shot decoders.
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sio/base64.hpp"
#include "sio/client_session.hpp"
#include "sio/engineio.hpp"
#include "sio/server_session.hpp"
#include "sio/socketio.hpp"

namespace {

using namespace xport::sio;

void check(bool ok) {
  if (!ok) __builtin_trap();
}

// JSON equality, doubles within an ulp or so: Boost.JSON 1.81 parses long mantissas
// imprecisely, so a double need not survive print-and-parse bit for bit.
bool near(const boost::json::value& a, const boost::json::value& b) {
  if (a.is_double() && b.is_double()) {
    double x = a.get_double(), y = b.get_double();
    return x == y || std::fabs(x - y) <= 1e-15 * std::fmax(std::fabs(x), std::fabs(y));
  }
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto &x = a.get_array(), &y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i)
      if (!near(x[i], y[i])) return false;
    return true;
  }
  if (a.is_object()) {
    const auto &x = a.get_object(), &y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& kv : x) {
      const boost::json::value* other = y.if_contains(kv.key());
      if (other == nullptr || !near(kv.value(), *other)) return false;
    }
    return true;
  }
  return a == b;
}

bool same(const Packet& a, const Packet& b) {
  return a.type == b.type && a.nsp == b.nsp && a.id == b.id && near(a.data, b.data) &&
         a.attachments == b.attachments;
}

void one_shot(std::string_view text) {
  try {
    eio::Packet p = eio::decode_ws_text(text);
    check(eio::encode_ws(p) == text);
  } catch (const ProtocolError& e) {
    check(*e.what() != '\0');
  }
  try {
    std::vector<eio::Packet> packets = eio::decode_payload(text, 1 << 20);
    check(eio::encode_payload(packets) == text);  // base64 is canonical, so bytes match
  } catch (const ProtocolError&) {
  }
  try {
    eio::OpenInfo info = eio::parse_open(text);
    check(eio::parse_open(eio::make_open(info)) == info);
  } catch (const ProtocolError&) {
  }
  try {
    check(base64_encode(base64_decode(text)) == text);
  } catch (const ProtocolError&) {
  }
  try {
    Decoder d;
    std::optional<Packet> p = d.feed_text(text);
    if (p) {
      Encoded e = encode(*p);
      Decoder again;
      std::optional<Packet> q = again.feed_text(e.text);
      check(q.has_value() && same(*p, *q));
    }
  } catch (const ProtocolError&) {
  }
}

struct Frame {
  std::string_view data;
  bool binary;
};

std::vector<Frame> split(std::string_view input) {
  std::vector<Frame> frames;
  while (true) {
    std::size_t nl = input.find('\n');
    std::string_view f = input.substr(0, nl);
    if (!f.empty() && f[0] == 'B')
      frames.push_back({f.substr(1), true});
    else
      frames.push_back({f, false});
    if (nl == std::string_view::npos) break;
    input.remove_prefix(nl + 1);
  }
  return frames;
}

void session(const std::vector<Frame>& frames, bool opened) {
  using namespace std::chrono_literals;
  ClientSession* self = nullptr;
  ClientSession::Callbacks cb;
  std::size_t sent = 0;
  bool closed = false;
  cb.send = [&sent](std::string frame, bool) { sent += frame.size(); };
  cb.on_connect = [&self](const std::string& nsp, const std::string&) {
    self->emit(nsp, "heartbeat", boost::json::array{"x"}, [](std::optional<boost::json::array>) {});
  };
  cb.on_event = [&self](const std::string& nsp, const std::string& name, boost::json::array args,
                        std::optional<std::uint64_t> id) {
    if (id) self->send_ack(nsp, *id, std::move(args));
    if (name == "bye") self->disconnect(nsp);
  };
  cb.on_close = [&closed](const std::string& reason) {
    check(!closed && !reason.empty());
    closed = true;
  };
  ClientSession s(std::move(cb));
  self = &s;
  auto now = ClientSession::time_point{} + 1h;
  s.connect("/");
  if (opened) {
    s.on_text(R"(0{"sid":"s","upgrades":[],"pingInterval":300,"pingTimeout":200})", now);
    s.connect("/plugin");
    s.on_text(R"(40/plugin,{"sid":"p"})", now);
  }
  for (const Frame& f : frames) {
    now += 100ms;
    if (f.binary)
      s.on_binary(f.data, now);
    else
      s.on_text(f.data, now);
    if (s.link_dead(now)) s.close("dead");
    s.emit("/plugin", "log", {}, [](std::optional<boost::json::array>) {});
    check(s.closed() == closed);
  }
  s.close("end");
  check(closed);
}

// The hub's side: a ServerSession fed the same frames as a client would send them (and the
// whole input as one polling POST body). Must answer or close, never crash; on_close once.
void server_session(const std::vector<Frame>& frames, std::string_view whole) {
  using namespace std::chrono_literals;
  ServerSession* self = nullptr;
  ServerSession::Callbacks cb;
  bool closed = false;
  cb.send = [](eio::Packet) {};
  cb.on_connect = [](const std::string& nsp, const boost::json::value&) {
    return nsp == "/refused" ? ConnectResult::refuse("no") : ConnectResult::accept("id" + nsp);
  };
  cb.on_event = [&self](const std::string& nsp, const std::string& name, boost::json::array args,
                        std::vector<std::string>, std::optional<std::uint64_t> id) {
    if (id) self->send_ack(nsp, *id, std::move(args));
    if (name == "bye") self->disconnect(nsp);
    self->emit(nsp, "plugin", boost::json::array{1}, [](std::optional<boost::json::array>) {});
  };
  cb.on_close = [&closed](const std::string& reason) {
    check(!closed && !reason.empty());
    closed = true;
  };
  ServerOptions options;
  options.ping_interval_ms = 300;
  options.ping_timeout_ms = 200;
  options.connect_timeout = 1000ms;
  ServerSession s("sid", options, std::move(cb));
  self = &s;
  auto now = ServerSession::time_point{} + 1h;
  s.open(now, {"websocket"});
  for (const Frame& f : frames) {
    now += 100ms;
    if (f.binary)
      s.on_ws_binary(f.data, now);
    else
      s.on_ws_text(f.data, now);
    if (now >= s.next_timer()) s.on_timer(now);
    check(s.closed() == closed);
  }
  if (!s.closed()) s.on_payload(whole, now);
  s.close("end");
  check(closed);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  one_shot(input);
  std::vector<Frame> frames = split(input);
  for (const Frame& f : frames)
    one_shot(f.data);
  session(frames, false);
  session(frames, true);
  server_session(frames, input);
  return 0;
}
