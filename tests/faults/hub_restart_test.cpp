// A hub SIGKILLed while a client streams an upload to it, then started again on its data
// dir: the partial upload it was writing (data/incoming/xport-upload-*.part) is removed at
// start, and the hub serves as before.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "hub/server/raw_socket.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::vector<fs::path> partial_uploads(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().extension() == ".part") out.push_back(e.path());
  return out;
}

TEST(HubRestart, APartialUploadOfAKilledHubIsRemovedWhenItStartsAgain) {
  TempDir dir;
  HubProcess hub(dir.path());
  const fs::path incoming = dir.path() / "data" / "incoming";
  {
    hub::server::test::RawConnection upload(hub.port());
    ASSERT_TRUE(upload.connected());
    ASSERT_TRUE(
        upload.send("PUT /upload/uploads/p/x/result.zip?expires=1&sig=x HTTP/1.1\r\n"
                    "Host: x\r\nContent-Length: 10000000\r\n\r\n" +
                    std::string(256 * 1024, 'z')));
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (partial_uploads(incoming).empty() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(20ms);
    ASSERT_EQ(partial_uploads(incoming).size(), 1u) << "the upload never reached a file";
    hub.kill();
  }
  ASSERT_EQ(partial_uploads(incoming).size(), 1u);  // what the crash left
  hub.restart();
  EXPECT_TRUE(partial_uploads(incoming).empty());
  EXPECT_NE(hub.log().find("a partial upload of a hub that stopped"), std::string::npos)
      << hub.log();
  EXPECT_EQ(hub.call("GET", "/api/projects").status, 200);
}

}  // namespace
}  // namespace xport::test
