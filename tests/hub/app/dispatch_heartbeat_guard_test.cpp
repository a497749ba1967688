// HeartbeatGuard with fake time: wrong secrets per socket (disconnected after 3) and per
// address (refused unchecked past 20 a window), one log line per burst, IPv6 addresses.
#include <gtest/gtest.h>

#include "hub/app/dispatch/heartbeat_guard.hpp"

namespace xport::hub::dispatch {
namespace {

using namespace std::chrono_literals;

const Clock::time_point t0{};

TEST(HeartbeatGuard, TheAddressOfARemoteDropsOnlyThePort) {
  EXPECT_EQ(HeartbeatGuard::address_of("127.0.0.1:5000"), "127.0.0.1");
  EXPECT_EQ(HeartbeatGuard::address_of("::1:5000"), "::1");
  EXPECT_EQ(HeartbeatGuard::address_of("fe80::2:1"), "fe80::2");
  EXPECT_EQ(HeartbeatGuard::address_of("no-port"), "no-port");
}

TEST(HeartbeatGuard, ASocketIsDisconnectedAtItsThirdWrongSecret) {
  HeartbeatGuard g;
  EXPECT_FALSE(g.wrong("s1", "10.0.0.1", t0).disconnect);
  EXPECT_FALSE(g.wrong("s1", "10.0.0.1", t0 + 1s).disconnect);
  EXPECT_FALSE(g.wrong("s2", "10.0.0.1", t0 + 1s).disconnect);  // another socket counts apart
  EXPECT_TRUE(g.wrong("s1", "10.0.0.1", t0 + 2s).disconnect);
  g.socket_gone("s2");
  EXPECT_FALSE(g.wrong("s2", "10.0.0.1", t0 + 3s).disconnect);  // a new socket of that id
}

TEST(HeartbeatGuard, AnAddressPastItsWrongSecretsIsRefusedUncheckedUntilItsWindowEnds) {
  HeartbeatGuard g;
  for (std::size_t i = 0; i < HeartbeatGuard::kMaxWrongPerAddress; ++i) {
    EXPECT_EQ(g.refusal("10.0.0.1", t0 + 1s), "") << i;
    g.wrong("s" + std::to_string(i), "10.0.0.1", t0 + 1s);
  }
  EXPECT_EQ(g.refusal("10.0.0.1", t0 + 1s),
            "too many wrong plugin secrets from 10.0.0.1; heartbeats from there are refused for "
            "60 s");
  EXPECT_NE(g.refusal("10.0.0.1", t0 + 31500ms).find("refused for 30 s"), std::string::npos);
  EXPECT_EQ(g.refusal("10.0.0.2", t0 + 2s), "");  // other addresses are not held back
  EXPECT_EQ(g.refusal("10.0.0.1", t0 + 61s), "");
}

TEST(HeartbeatGuard, OnlyTheFirstRefusalOfABurstIsLoggedTheRestAreSummedWhenItEnds) {
  HeartbeatGuard g;
  EXPECT_TRUE(g.wrong("a", "10.0.0.1", t0).log);
  EXPECT_FALSE(g.wrong("b", "10.0.0.1", t0 + 1s).log);
  EXPECT_FALSE(g.wrong("c", "10.0.0.1", t0 + 2s).log);
  EXPECT_TRUE(g.wrong("d", "10.0.0.9", t0 + 2s).log);
  EXPECT_TRUE(g.ended_windows(t0 + 59s).empty());
  const auto ended = g.ended_windows(t0 + 62s);
  ASSERT_EQ(ended.size(), 1u);  // 10.0.0.9 had nothing more to tell
  EXPECT_EQ(ended[0].address, "10.0.0.1");
  EXPECT_EQ(ended[0].refused, 2u);
  EXPECT_TRUE(g.wrong("e", "10.0.0.1", t0 + 63s).log);  // a new burst
}

}  // namespace
}  // namespace xport::hub::dispatch
