#include "hub/app/dispatch/heartbeat_guard.hpp"

#include <fmt/format.h>

namespace xport::hub::dispatch {

std::string HeartbeatGuard::address_of(const std::string& remote) {
  const auto colon = remote.rfind(':');
  return colon == std::string::npos ? remote : remote.substr(0, colon);
}

std::string HeartbeatGuard::refusal(const std::string& address, Clock::time_point now) {
  auto it = addresses_.find(address);
  if (it == addresses_.end() || now - it->second.start >= kWindow) return {};
  if (it->second.wrong < kMaxWrongPerAddress) return {};
  const auto left = std::chrono::ceil<std::chrono::seconds>(kWindow - (now - it->second.start));
  return fmt::format(
      "too many wrong plugin secrets from {}; heartbeats from there are refused "
      "for {} s",
      address, left.count());
}

HeartbeatGuard::Verdict HeartbeatGuard::wrong(const std::string& socket, const std::string& address,
                                              Clock::time_point now) {
  Verdict v;
  auto [it, fresh] = addresses_.try_emplace(address, Window{now, 0});
  if (!fresh && now - it->second.start >= kWindow) it->second = Window{now, 0};
  v.log = it->second.wrong == 0;
  ++it->second.wrong;
  v.disconnect = ++sockets_[socket] >= kMaxWrongPerSocket;
  if (v.disconnect) sockets_.erase(socket);
  return v;
}

std::vector<HeartbeatGuard::Summary> HeartbeatGuard::ended_windows(Clock::time_point now) {
  std::vector<Summary> ended;
  for (auto it = addresses_.begin(); it != addresses_.end();) {
    if (now - it->second.start < kWindow) {
      ++it;
      continue;
    }
    if (it->second.wrong > 1) ended.push_back({it->first, it->second.wrong - 1});
    it = addresses_.erase(it);
  }
  return ended;
}

}  // namespace xport::hub::dispatch
