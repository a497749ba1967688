// Hubs behind the shipped HAProxy configuration (deploy/haproxy.cfg, started by
// tests/infra/haproxy.sh), reached by Debian's python3-socketio over Engine.IO long-polling:
// every request of a polling session must reach the hub that made it. Without the stick
// table a session's second request lands on the other hub half of the time ("Session ID
// unknown"); with it, every session completes, and handshakes still spread over the hubs.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <string>

#include "support/background_process.hpp"
#include "support/balancer.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;

// N polling-only Socket.IO clients, one after the other, each connecting to /plugin,
// sending a heartbeat with an ack and a second event; prints "done K" (K sessions completed).
constexpr const char* kClients = R"py(
import sys, socketio
url, n = sys.argv[1], int(sys.argv[2])
done = 0
for i in range(n):
    sio = socketio.Client(reconnection=False)
    try:
        sio.connect(url, namespaces=["/plugin"], transports=["polling"], wait_timeout=5)
        sio.call("heartbeat", {"id": "nobody", "secret": "x"}, namespace="/plugin", timeout=5)
        sio.call("heartbeat", {"id": "nobody", "secret": "y"}, namespace="/plugin", timeout=5)
        done += 1
    except Exception as e:
        print("session", i, "failed:", e, flush=True)
    finally:
        sio.disconnect()
print("done", done, flush=True)
)py";

TEST(Balancer, PollingSessionsStickToTheirHubBehindHaproxy) {
  TempDir dir;
  for (const char* d : {"hub1", "hub2", "haproxy"})
    fs::create_directories(dir.path() / d);
  HubProcess hub1(dir.path() / "hub1");
  HubProcess hub2(dir.path() / "hub2");
  Balancer balancer(dir.path() / "haproxy", {port_of(hub1.base()), port_of(hub2.base())});
  ASSERT_TRUE(balancer.started()) << balancer.start_log();
  const fs::path script = dir.path() / "clients.py";
  std::ofstream(script) << kClients;
  BackgroundProcess clients("clients", {"/usr/bin/python3", script.string(), balancer.url(), "8"},
                            dir.path());
  ASSERT_EQ(clients.wait_exit(std::chrono::seconds(60)), std::optional<int>(0)) << clients.err();
  EXPECT_NE(clients.out().find("done 8"), std::string::npos) << clients.out() << clients.err();
  // Round-robin handshakes: both hubs served sessions (each refused its heartbeats).
  const std::regex refused("heartbeat from .* refused");
  EXPECT_TRUE(std::regex_search(hub1.log(), refused)) << hub1.log();
  EXPECT_TRUE(std::regex_search(hub2.log(), refused)) << hub2.log();
  // And the balancer's health checks reach the hubs.
  net::Request health;
  health.url = balancer.url() + "/healthz";
  EXPECT_EQ(net::HttpClient().request(health).status, 200);
}

}  // namespace
}  // namespace xport::test
