// Acks a session waits for (client or server side): ids handed out in order (wrapping at
// kMaxAckId), answers matched by id and namespace, and, when a namespace goes (or the whole
// session), callbacks told that the answer can no longer come.
#pragma once

#include <boost/json/array.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "sio/socketio.hpp"

namespace xport::sio {

class PendingAcks {
 public:
  // Called with the answer's arguments, or nullopt when it can no longer come.
  using Callback = std::function<void(std::optional<boost::json::array> args)>;

  // Waits for the answer to an emit on `nsp`; returns the packet's ack id.
  std::uint64_t add(const std::string& nsp, Callback callback) {
    const std::uint64_t id = next_id_;
    next_id_ = next_id_ == kMaxAckId ? 0 : next_id_ + 1;
    acks_[id] = Pending{nsp, std::move(callback)};
    return id;
  }

  // An ACK packet: calls its callback once. An unknown id, or one of another namespace, is
  // ignored, as socket.io's client and server do (e.g. an answer after the emitter left).
  void answer(const std::string& nsp, std::uint64_t id, boost::json::array args) {
    auto it = acks_.find(id);
    if (it == acks_.end() || it->second.nsp != nsp) return;
    Callback callback = std::move(it->second.callback);
    acks_.erase(it);
    if (callback) callback(std::move(args));
  }

  // Removes the acks of `nsp` (all of them for nullptr) and calls each with nullopt.
  void fail(const std::string* nsp) {
    // Collect first: a callback may emit (and so add acks) while we walk.
    std::vector<Callback> failed;
    for (auto it = acks_.begin(); it != acks_.end();) {
      if (nsp == nullptr || it->second.nsp == *nsp) {
        failed.push_back(std::move(it->second.callback));
        it = acks_.erase(it);
      } else {
        ++it;
      }
    }
    for (auto& f : failed)
      if (f) f(std::nullopt);
  }

 private:
  struct Pending {
    std::string nsp;
    Callback callback;
  };
  std::map<std::uint64_t, Pending> acks_;
  std::uint64_t next_id_ = 0;
};

}  // namespace xport::sio
