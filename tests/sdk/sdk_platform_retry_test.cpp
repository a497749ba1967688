// The SDK's platform GETs during a run (export, upload and download links) behind a balancer
// whose hub dies: a 502/503/504 or a lost connection is tried again (5 tries, 3 s in all), any
// other answer is final. Against the aiohttp test server's /flaky route.
#include <gtest/gtest.h>

#include <string>

#include "sdk/platform_api.hpp"
#include "support/free_port.hpp"
#include "support/net_test_server.hpp"

namespace xport::sdk {
namespace {

class PlatformRetry : public test::SharedTestServerTest {
 protected:
  // A platform whose first `n` answers to `key` are `code`.
  static PlatformApi flaky(int code, int n, const std::string& key) {
    return PlatformApi(server_->url("http", "/flaky/" + std::to_string(code) + "/" +
                                                std::to_string(n) + "/" + key),
                       PluginOptions{});
  }
  static ExportQuery query() {
    ExportQuery q;
    q.project_id = "p";
    q.api_key = "k";
    return q;
  }
  static UploadTarget target() {
    UploadTarget t;
    t.api_key = "k";
    t.project_id = "p";
    t.file_name = "r.zip";
    return t;
  }
};

TEST_F(PlatformRetry, ABalancersBadGatewayIsTriedAgain) {
  EXPECT_EQ(flaky(502, 2, "export").export_url(query()), "http://127.0.0.1/result.zip");
  EXPECT_EQ(flaky(503, 3, "upload").upload_url(target()), "http://127.0.0.1/result.zip");
  EXPECT_EQ(flaky(504, 4, "signed").signed_url(target(), "http://x/u"),
            "http://127.0.0.1/result.zip");
}

TEST_F(PlatformRetry, AfterFiveTriesTheLastAnswerIsTheError) {
  try {
    flaky(503, 5, "always").export_url(query());
    FAIL() << "no error";
  } catch (const PlatformError& e) {
    EXPECT_NE(std::string(e.what()).find("asking for the export: GET "), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("answered 503"), std::string::npos) << e.what();
  }
}

TEST_F(PlatformRetry, OtherStatusesAreFinalAtOnce) {
  // One 500, then success: the 500 is the answer.
  EXPECT_THROW(flaky(500, 1, "final").export_url(query()), PlatformError);
}

TEST_F(PlatformRetry, AnUnreachablePlatformIsTriedAgainThenNamed) {
  PlatformApi api("http://127.0.0.1:" + std::to_string(test::free_port()), PluginOptions{});
  EXPECT_ANY_THROW(api.export_url(query()));
}

}  // namespace
}  // namespace xport::sdk
