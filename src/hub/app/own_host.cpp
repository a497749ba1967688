#include "hub/app/own_host.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <chrono>
#include <mutex>
#include <set>

namespace xport::hub {

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string machine_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return {};
  return lower(name);
}

// The addresses of this machine's interfaces, as inet_ntop writes them.
std::set<std::string> interface_addresses() {
  std::set<std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (i->ifa_addr->sa_family == AF_INET) {
      const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
      if (::inet_ntop(AF_INET, &a->sin_addr, text, sizeof text)) out.insert(text);
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      const auto* a = reinterpret_cast<const sockaddr_in6*>(i->ifa_addr);
      if (::inet_ntop(AF_INET6, &a->sin6_addr, text, sizeof text)) out.insert(text);
    }
  }
  ::freeifaddrs(list);
  return out;
}

// An IP literal in inet_ntop's spelling (so that "0:0::1" matches "::1"); "" when not one.
std::string normalised_ip(const std::string& host) {
  unsigned char buf[sizeof(in6_addr)];
  char text[INET6_ADDRSTRLEN] = {};
  if (::inet_pton(AF_INET, host.c_str(), buf) == 1)
    return ::inet_ntop(AF_INET, buf, text, sizeof text) ? text : "";
  if (::inet_pton(AF_INET6, host.c_str(), buf) == 1)
    return ::inet_ntop(AF_INET6, buf, text, sizeof text) ? text : "";
  return {};
}

}  // namespace

std::optional<HostPort> split_host_header(std::string_view value) {
  HostPort hp;
  std::string_view rest;
  if (!value.empty() && value.front() == '[') {
    const auto close = value.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    hp.host = std::string(value.substr(1, close - 1));
    rest = value.substr(close + 1);
  } else {
    const auto colon = value.find(':');
    hp.host = std::string(value.substr(0, colon));
    rest = colon == std::string_view::npos ? std::string_view{} : value.substr(colon);
  }
  if (hp.host.empty()) return std::nullopt;
  if (!rest.empty()) {
    if (rest.front() != ':' || rest.size() == 1) return std::nullopt;
    const auto digits = rest.substr(1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), hp.port);
    if (ec != std::errc() || end != digits.data() + digits.size() || hp.port == 0)
      return std::nullopt;
  }
  return hp;
}

bool names_this_machine(const std::string& host) {
  const std::string name = lower(host);
  if (name == "localhost" || name == machine_name()) return true;
  const std::string ip = normalised_ip(name);
  if (ip.empty()) return false;
  if (ip.rfind("127.", 0) == 0 || ip == "::1") return true;
  static std::mutex mutex;
  static std::set<std::string> addresses;
  static std::chrono::steady_clock::time_point read_at{};
  std::lock_guard lock(mutex);
  const auto now = std::chrono::steady_clock::now();
  if (read_at == std::chrono::steady_clock::time_point{} ||
      now - read_at > std::chrono::seconds(10)) {
    addresses = interface_addresses();
    read_at = now;
  }
  return addresses.count(ip) != 0;
}

std::string listen_authority(const std::string& listen_host, std::uint16_t port) {
  std::string host = listen_host;
  if (host.empty() || host == "0.0.0.0" || host == "::") host = machine_name();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return host + ":" + std::to_string(port);
}

}  // namespace xport::hub
