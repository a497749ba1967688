// The hub out of file descriptors (issue 14, item 4): its RLIMIT_NOFILE is lowered to a few
// more than it has open (prlimit on the running process), then a flood of connections takes
// the rest. accept() fails with EMFILE for the ones left in the backlog: the hub must back off
// instead of spinning on it, keep serving a connection it had accepted before, and accept
// again once descriptors are free.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "hub/server/raw_socket.hpp"
#include "support/hub_process.hpp"
#include "support/proc_stats.hpp"
#include "support/temp_dir.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using hub::server::test::RawConnection;

std::size_t open_fds(pid_t pid) {
  std::size_t n = 0;
  for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    (void)e;
    ++n;
  }
  return n;
}

// One GET /healthz on `c` (a kept-alive connection); the status line.
std::string healthz(RawConnection& c) {
  if (!c.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")) return "";
  const std::string answer = c.receive_some();
  return answer.substr(0, answer.find("\r\n"));
}

TEST(FdExhaustion, TheHubBacksOffKeepsServingWhatItHasAndAcceptsAgainLater) {
  TempDir dir;
  HubProcess hub(dir.path());
  const std::uint16_t port = hub.port();
  RawConnection kept(port);  // accepted before the descriptors run out
  ASSERT_EQ(healthz(kept), "HTTP/1.1 200 OK");

  // The soft limit only: raising it back needs no privilege.
  rlimit before{};
  ASSERT_EQ(::prlimit(hub.pid(), RLIMIT_NOFILE, nullptr, &before), 0) << "prlimit: " << errno;
  const rlimit low{open_fds(hub.pid()) + 4, before.rlim_max};
  ASSERT_EQ(::prlimit(hub.pid(), RLIMIT_NOFILE, &low, nullptr), 0) << "prlimit: " << errno;
  std::vector<std::unique_ptr<RawConnection>> flood;
  for (int i = 0; i < 40; ++i)
    flood.push_back(std::make_unique<RawConnection>(port, 2));
  std::this_thread::sleep_for(500ms);  // the hub takes what it can; accept() now fails

  const double cpu_at = cpu_seconds(hub.pid());
  std::this_thread::sleep_for(2s);
  const double spent = cpu_seconds(hub.pid()) - cpu_at;
  // A loop retrying accept() at once would burn a core: ~2 s of CPU in these 2 s.
  EXPECT_LT(spent, 0.5) << "CPU seconds the hub spent in 2 s without descriptors";
  EXPECT_EQ(healthz(kept), "HTTP/1.1 200 OK") << "the kept connection was not served";

  flood.clear();
  ASSERT_EQ(::prlimit(hub.pid(), RLIMIT_NOFILE, &before, nullptr), 0);
  // Descriptors are free again: new connections are accepted and served.
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  bool served = false;
  while (!served && std::chrono::steady_clock::now() < deadline) {
    served = hub.call("GET", "/healthz").status == 200;
    if (!served) std::this_thread::sleep_for(100ms);
  }
  EXPECT_TRUE(served) << hub.log();
}

}  // namespace
}  // namespace xport::test
