// Which Host headers the hub builds links from when no --public-url is set. A link carries
// whatever host the request named, so a request naming another machine would get (and
// could leave in a notification) links pointing there: only names of this machine and
// port are taken, and any other Host gets the listen address.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xport::hub {

struct HostPort {
  std::string host;        // without the brackets of an IPv6 literal
  std::uint16_t port = 0;  // 0: none given
};

// "HOST", "HOST:PORT", "[V6]" or "[V6]:PORT"; nullopt when malformed.
std::optional<HostPort> split_host_header(std::string_view value);

// "localhost", a loopback address, this machine's host name, or an address of one of its
// network interfaces (read again at most every 10 s).
bool names_this_machine(const std::string& host);

// The authority links use when the request's Host is not taken: the listen address, or this
// machine's host name when the hub listens on every address.
std::string listen_authority(const std::string& listen_host, std::uint16_t port);

}  // namespace xport::hub
