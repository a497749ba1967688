// `xport hub --conformance` (issue 14, item 5) as a real process on 127.0.0.1: the apps the
// official Engine.IO and Socket.IO server test suites expect, checked by conformance_checks.py
// (Debian's python3-requests and python3-websocket) on the points where the hub failed the
// Engine.IO suite before (a duplicate poll must answer the pending one with the close packet;
// a poll after the upgrade probe gets a noop at once) and on what only this mode does (the
// Engine.IO echo, auth echoed, binary acks); and npm's socket.io-client 4.8 as its client over
// websocket, polling and the upgrade (node_client.cjs). The suites themselves: docs/testing.md.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "background_process.hpp"
#include "temp_dir.hpp"

namespace xport::test {
namespace {

// `xport hub --conformance` on a free port of 127.0.0.1.
struct ConformanceHub {
  TempDir dir;
  BackgroundProcess process{
      "hub", {XPORT_BINARY, "hub", "--conformance", "--listen", "127.0.0.1:0"}, dir.path()};
  std::string port = process.wait_for_output(R"(listening on http://127\.0\.0\.1:(\d+) )",
                                             std::chrono::seconds(20));
};

TEST(Conformance, TheSuitesAppsAnswerAsTheReferenceServers) {
  if (std::system("/usr/bin/python3 -c 'import requests, websocket' 2>/dev/null") != 0)
    GTEST_FAIL() << "python3-requests / python3-websocket not installed "
                    "(scripts/install-deps.sh)";
  ConformanceHub hub;
  ASSERT_FALSE(hub.port.empty()) << hub.process.err();
  TempDir& dir = hub.dir;
  const std::string& port = hub.port;
  BackgroundProcess checks(
      "checks",
      {"/usr/bin/python3", XPORT_SOURCE_DIR "/tests/hub/server/conformance_checks.py",
       "127.0.0.1:" + port},
      dir.path());
  checks.wait_for_output("(DONE)", std::chrono::seconds(60));
  const std::string out = checks.out();
  SCOPED_TRACE(out + "\nchecks' stderr:\n" + checks.err() + "\nhub's stderr:\n" +
               hub.process.err());
  for (const char* name :
       {"polling-echo", "websocket-echo", "overlapping-polls", "upgrade",
        "sessions-stay-on-their-path", "socketio-auth", "socketio-binary-ack", "connect-timeout"})
    EXPECT_NE(out.find(std::string("OK ") + name + "\n"), std::string::npos) << name;
  EXPECT_EQ(out.find("FAIL"), std::string::npos);
  EXPECT_NE(out.find("DONE"), std::string::npos);
}

class ConformanceNodeClient : public ::testing::TestWithParam<std::string> {};

TEST_P(ConformanceNodeClient, AuthEventsAcksAndBinaryOverTheTransport) {
  const std::string client_dir = XPORT_SOURCE_DIR "/web-tools/node_modules/socket.io-client";
  if (!std::filesystem::exists(client_dir + "/package.json"))
    GTEST_FAIL() << client_dir << " missing (scripts/install-npm-peers.sh)";
  ConformanceHub hub;
  ASSERT_FALSE(hub.port.empty()) << hub.process.err();
  BackgroundProcess node("node",
                         {"node", XPORT_SOURCE_DIR "/tests/hub/server/node_client.cjs", client_dir,
                          "http://127.0.0.1:" + hub.port, GetParam()},
                         hub.dir.path());
  node.wait_for_output("(DONE)", std::chrono::seconds(60));
  const std::string out = node.out();
  SCOPED_TRACE(out + "\nnode's stderr:\n" + node.err() + "\nhub's stderr:\n" + hub.process.err());
  for (const char* name :
       {"connect", "auth", "message-back", "binary-message-back", "ack", "binary-ack", "transport"})
    EXPECT_NE(out.find(std::string("OK ") + name + "\n"), std::string::npos) << name;
  EXPECT_EQ(out.find("FAIL"), std::string::npos);
}

INSTANTIATE_TEST_SUITE_P(Transports, ConformanceNodeClient,
                         ::testing::Values("websocket", "polling", "default"));

}  // namespace
}  // namespace xport::test
