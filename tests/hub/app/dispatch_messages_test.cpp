// What dispatchers read from a plugin's answer (every SDK generation's shape) and how the
// REST-connector transport asks for /heartbeat probes (with a fake background runner).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "hub/app/dispatch/rest_transport.hpp"
#include "hub/app/dispatch/run_messages.hpp"

namespace xport::hub::dispatch {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

PluginAnswer answer(const char* text) {
  return read_answer(json::parse(text).as_object());
}

TEST(DispatchMessages, AnswersOfEverySdkGeneration) {
  // The newest SDKs: export true with the upload link.
  auto a = answer(R"({"session": "s", "export": true, "response": "http://h/upload/x"})");
  EXPECT_EQ(a.session, "s");
  EXPECT_FALSE(a.failed);
  EXPECT_EQ(a.result_url, "http://h/upload/x");
  // The oldest: the link alone, no "export".
  a = answer(R"({"session": "s", "response": "http://h/upload/y"})");
  EXPECT_FALSE(a.failed);
  EXPECT_EQ(a.result_url, "http://h/upload/y");
  // Errors, with a message under either name, or none.
  a = answer(R"({"session": "s", "error": true, "message": "boom"})");
  EXPECT_TRUE(a.failed);
  EXPECT_EQ(a.message, "boom");
  a = answer(R"({"session": "s", "error": true, "error_message": "bang", "export": true})");
  EXPECT_TRUE(a.failed);
  EXPECT_EQ(a.message, "bang");
  a = answer(R"({"session": "s", "error": true})");
  EXPECT_EQ(a.message, "the plugin reported an error (it gave no message)");
  // No result at all.
  a = answer(R"({"session": "s", "export": false, "response": "http://h/upload/z"})");
  EXPECT_TRUE(a.failed);
  EXPECT_EQ(a.message, "the plugin answered without a result");
  EXPECT_EQ(a.result_url, "");
  a = answer(R"({"response": ""})");
  EXPECT_TRUE(a.failed);
  EXPECT_EQ(a.session, "");
}

TEST(DispatchMessages, RestConnectorProbesAreAskedOnceAtATime) {
  std::vector<std::function<void()>> jobs;
  int secrets = 0;
  RestConnectorTransport rest(
      [&secrets](const Plugin&) {
        ++secrets;
        return std::string("secret");
      },
      [&jobs](std::function<void()> job) { jobs.push_back(std::move(job)); });
  Plugin p;
  p.id = "p";
  p.name = "rest";
  p.rest_url = "http://127.0.0.1:1";  // nobody listens: the probe fails
  const auto now = Clock::now();
  EXPECT_EQ(rest.online(p, now), 0u);
  EXPECT_EQ(rest.online(p, now), 0u);
  ASSERT_EQ(jobs.size(), 1u);  // one probe while one is under way
  EXPECT_EQ(secrets, 0);       // probes run in the background, not in the caller
  jobs[0]();
  EXPECT_EQ(secrets, 1);
  EXPECT_EQ(rest.online(p, Clock::now()), 0u);
  EXPECT_EQ(jobs.size(), 1u);  // just probed
  // A plugin that is down is probed again after 3 s; a changed URL at once.
  EXPECT_EQ(rest.online(p, Clock::now() + 4s), 0u);
  EXPECT_EQ(jobs.size(), 2u);
  jobs[1]();
  p.rest_url = "http://127.0.0.1:2";
  EXPECT_EQ(rest.online(p, Clock::now()), 0u);
  EXPECT_EQ(jobs.size(), 3u);
}

}  // namespace
}  // namespace xport::hub::dispatch
