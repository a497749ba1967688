// Exact bytes to the server over plain TCP on 127.0.0.1, and all that comes back until it
// closes (or 5 s pass without data): for requests a client library would normalise or
// refuse to send (traversal targets, garbage, plain HTTP on a TLS port, silence).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <string>

namespace xport::hub::server::test {

// A blocking TCP connection to 127.0.0.1:port for hand-made requests: send bytes at any
// pace, read what comes back. Every receive waits at most `receive_timeout`.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port, int receive_timeout_s = 5, int receive_buffer = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{receive_timeout_s, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    // A small receive window (set before connecting) makes the server's writes wait for us.
    if (receive_buffer > 0)
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return connected_; }

  // False when the peer stopped taking bytes (reset, closed).
  bool send(const std::string& bytes) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
      ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent += static_cast<std::size_t>(n);
    }
    return true;
  }

  // Up to `max` bytes as they come; empty at the end of the stream, an error or a timeout.
  std::string receive_some(std::size_t max = 4096) {
    std::string out(max, '\0');
    ssize_t n = ::recv(fd_, out.data(), max, 0);
    out.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
    return out;
  }

  // Everything until the peer closes (or a receive times out).
  std::string receive_all() {
    std::string out;
    for (std::string part = receive_some(); !part.empty(); part = receive_some())
      out += part;
    return out;
  }

 private:
  int fd_ = -1;
  bool connected_ = false;
};

inline std::string raw_exchange(std::uint16_t port, const std::string& bytes) {
  RawConnection connection(port);
  if (!connection.connected()) return "connect failed";
  connection.send(bytes);
  return connection.receive_all();
}

}  // namespace xport::hub::server::test
