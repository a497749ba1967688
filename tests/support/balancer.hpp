// HAProxy with the shipped configuration (deploy/haproxy.cfg) in front of hubs on loopback,
// started by the repo's infra script (tests/infra/haproxy.sh) and stopped by its pid when the
// object goes.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "free_port.hpp"

namespace xport::test {

// "8081" of "http://127.0.0.1:8081".
inline std::string port_of(const std::string& base) {
  return base.substr(base.rfind(':') + 1);
}

class Balancer {
 public:
  Balancer(const std::filesystem::path& dir, const std::vector<std::string>& hub_ports)
      : dir_(dir) {
    port_ = free_port();
    std::string cmd = std::string(XPORT_SOURCE_DIR) + "/tests/infra/haproxy.sh start " +
                      dir.string() + " " + std::to_string(port_);
    for (const auto& p : hub_ports)
      cmd += " " + p;
    started_ = std::system((cmd + " >" + (dir / "start.log").string() + " 2>&1").c_str()) == 0;
  }
  ~Balancer() {
    std::system(
        (std::string(XPORT_SOURCE_DIR) + "/tests/infra/haproxy.sh stop " + dir_.string()).c_str());
  }
  Balancer(const Balancer&) = delete;
  Balancer& operator=(const Balancer&) = delete;

  bool started() const { return started_; }
  // Why it did not start: the infra script's output.
  std::string start_log() const {
    std::ifstream in(dir_ / "start.log");
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // HAProxy's pid (its pid file), or -1.
  int pid() const {
    std::ifstream in(dir_ / "haproxy.pid");
    int pid = -1;
    in >> pid;
    return pid;
  }

 private:
  std::filesystem::path dir_;
  std::uint16_t port_ = 0;
  bool started_ = false;
};

}  // namespace xport::test
