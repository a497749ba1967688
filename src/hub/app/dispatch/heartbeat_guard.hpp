// Bounds the guessing of plugin secrets through `heartbeat`: without it every wrong secret is
// checked and logged, as fast as a client can send them.
//
// Per socket: after kMaxWrongPerSocket wrong heartbeats the socket is to be disconnected.
// Per source address: at most kMaxWrongPerAddress wrong heartbeats per window; past that, the
// address's heartbeats are refused without a check until the window ends (behind a balancer
// the address is the balancer's: legitimate plugins there wait with the guesser, for at most
// one window). Logging: the first refusal of an address in a window is logged; the others are
// counted and told in one line when the window ends.
//
// No I/O and no clock of its own (the time is passed in, as in routing.hpp); the dispatcher
// holds it under its mutex.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "hub/app/dispatch/routing.hpp"  // Clock

namespace xport::hub::dispatch {

class HeartbeatGuard {
 public:
  static constexpr std::size_t kMaxWrongPerSocket = 3;
  static constexpr std::size_t kMaxWrongPerAddress = 20;
  static constexpr std::chrono::seconds kWindow{60};

  // The address part of a remote "ADDRESS:PORT" (IPv6 addresses have colons of their own).
  static std::string address_of(const std::string& remote);

  // Before checking a secret: why the heartbeat is refused unchecked, or "" to check it.
  std::string refusal(const std::string& address, Clock::time_point now);

  struct Verdict {
    bool log = false;         // the first refusal of the address in its window
    bool disconnect = false;  // the socket has had its wrong heartbeats
  };
  // A heartbeat whose id or secret was wrong (or refused unchecked).
  Verdict wrong(const std::string& socket, const std::string& address, Clock::time_point now);
  void socket_gone(const std::string& socket) { sockets_.erase(socket); }

  struct Summary {
    std::string address;
    std::size_t refused = 0;  // refusals not logged one by one
  };
  // The windows that ended, with refusals to tell; forgotten from here on.
  std::vector<Summary> ended_windows(Clock::time_point now);

 private:
  struct Window {
    Clock::time_point start;
    std::size_t wrong = 0;
  };
  std::map<std::string, Window> addresses_;
  std::map<std::string, std::size_t> sockets_;  // wrong heartbeats per socket
};

}  // namespace xport::hub::dispatch
