// Guessing a plugin's secret through `heartbeat` (a python-socketio client on loopback,
// tests/peers/scripted_plugin.py): every wrong secret is refused in its ack, a socket is
// disconnected at its third, an address past 20 in a minute is refused unchecked (even with
// the right secret) and the hub logs one line per burst, not one per guess.
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/background_process.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

namespace xport::test {
namespace {

using namespace std::chrono_literals;

const std::string kWrong = "wrong plugin id or secret";

std::size_t count_of(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1))
    ++n;
  return n;
}

class SecretGuessing : public ::testing::Test {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<HubProcess>(dir_.path());
    std::tie(plugin_, secret_) = hub_->create_plugin("guarded");
  }
  std::unique_ptr<BackgroundProcess> client(const std::string& name, const std::string& secret) {
    return std::make_unique<BackgroundProcess>(
        name,
        std::vector<std::string>{"/usr/bin/python3",
                                 XPORT_SOURCE_DIR "/tests/peers/scripted_plugin.py", "--host",
                                 hub_->base(), "--id", plugin_, "--secret", secret},
        dir_.path());
  }
  // The ack of the client's n-th "CONNECTED <ack>".
  static std::string connected(BackgroundProcess& c, std::size_t n) {
    return c.wait_for_nth_output("CONNECTED (.*)", n);
  }

  TempDir dir_;
  std::unique_ptr<HubProcess> hub_;
  std::string plugin_, secret_;
};

TEST_F(SecretGuessing, WrongSecretsAreRefusedInTheAckAndTheThirdEndsTheSocket) {
  auto guesser = client("guesser", "guess-1");
  EXPECT_EQ(connected(*guesser, 1), "[\"" + kWrong + "\"]");
  guesser->send_line("heartbeat guess-2");
  EXPECT_EQ(guesser->wait_for_output("ACK 1 heartbeat (.*)"), "\"" + kWrong + "\"");
  guesser->send_line("heartbeat guess-3");
  EXPECT_EQ(guesser->wait_for_output("ACK 2 heartbeat (.*)"), "\"" + kWrong + "\"");
  guesser->wait_for_output("(DISCONNECTED)");
  // One log line for the burst, saying that the others are counted.
  const std::string log = hub_->log();
  EXPECT_EQ(count_of(log, "refused: " + kWrong), 1u) << log;
  EXPECT_NE(log.find("are counted"), std::string::npos) << log;
  auto p = hub_->json_call("GET", "/api/plugins/" + plugin_);
  EXPECT_EQ(p["onlineInstances"].as_int64(), 0);

  // The right secret still works from a fresh socket of that address (3 < 20).
  auto plugin = client("plugin", secret_);
  EXPECT_EQ(connected(*plugin, 1), "[\"ok\"]");
  EXPECT_TRUE(hub_->wait_online(plugin_, 10s));
  plugin->send_line("heartbeat " + secret_);  // a periodic heartbeat
  EXPECT_EQ(plugin->wait_for_output("ACK 1 heartbeat (.*)"), "\"ok\"");
  // An instance cannot become another plugin's instance: its runs would be orphaned.
  const auto [other, other_secret] = hub_->create_plugin("other");
  plugin->send_line("heartbeat " + other_secret + " " + other);
  EXPECT_EQ(plugin->wait_for_output("ACK 2 heartbeat (.*)"),
            "\"this socket is an instance of plugin " + plugin_ +
                "; connect again to be an instance of another\"");
  EXPECT_EQ(hub_->json_call("GET", "/api/plugins/" + other)["onlineInstances"].as_int64(), 0);
}

TEST_F(SecretGuessing, AnAddressPastTwentyWrongSecretsIsRefusedUncheckedForAMinute) {
  // 7 sockets, each guessing 3 times (its connect's heartbeat and 2 more): 21 wrong secrets.
  auto guesser = client("guesser", "guess-0");
  for (std::size_t socket = 1; socket <= 7; ++socket) {
    if (socket > 1) guesser->send_line("connect guess-" + std::to_string(socket));
    EXPECT_EQ(connected(*guesser, socket), "[\"" + kWrong + "\"]") << socket;
    guesser->send_line("heartbeat again-1");
    guesser->send_line("heartbeat again-2");
    guesser->wait_for_nth_output("(DISCONNECTED)", socket);
  }
  // Past 20: the right secret from that address is refused too, unchecked.
  auto plugin = client("plugin", secret_);
  const std::string refused = connected(*plugin, 1);
  EXPECT_NE(refused.find("too many wrong plugin secrets from 127.0.0.1"), std::string::npos)
      << refused;
  EXPECT_EQ(count_of(hub_->log(), "refused: " + kWrong), 1u) << hub_->log();
}

}  // namespace
}  // namespace xport::test
