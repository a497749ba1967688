// `xport hub --tls-cert --tls-key` as a process on 127.0.0.1 with a throwaway CA: its REST API
// over https (the SDK's HttpClient trusting the CA), `xport plugin --ca-file` completing a run
// over wss, links handed out as https://, `xport client --ca-file` (without it: a clear
// certificate error); and the command's errors for half or unusable TLS options (message
// naming the file, exit code of the error family, nothing listening).
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include "background_process.hpp"
#include "net/http_client.hpp"
#include "support/process.hpp"
#include "support/test_database.hpp"
#include "support/test_pki.hpp"
#include "xport/errors.hpp"
#include "zip_entries.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

class HubTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = fs::temp_directory_path() / ("xport-hub-tls-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "pki");
    make_test_pki(dir_ / "pki");
  }
  static void TearDownTestSuite() { fs::remove_all(dir_); }

  static std::string pki(const std::string& name) { return (dir_ / "pki" / name).string(); }

  net::HttpResponse call(const std::string& method, const std::string& path, std::string body = {},
                         const std::string& content_type = "application/json") {
    net::ClientOptions o;
    o.connect_timeout = 5s;
    o.idle_timeout = 30s;
    o.max_redirects = 0;
    o.tls.ca_file = pki("ca.pem");
    net::Request r;
    r.method = method;
    r.url = path.rfind("https://", 0) == 0 ? path : base_ + path;
    r.headers.emplace_back("apikey", key_);
    if (!body.empty()) r.headers.emplace_back("Content-Type", content_type);
    r.body = std::move(body);
    return net::HttpClient(o).request(r);
  }
  json::object ok(const net::HttpResponse& res, int status = 200) {
    EXPECT_EQ(res.status, status) << res.body;
    json::value v = json::parse(res.body);
    return v.is_object() ? v.get_object() : json::object{};
  }
  static std::string str(const json::value& v) { return std::string(v.as_string()); }

  static fs::path dir_;
  std::string base_;
  std::string key_;
};
fs::path HubTls::dir_;

TEST_F(HubTls, XportPluginWithCaFileCompletesARunOverTls) {
  BackgroundProcess hub("hub-tls",
                        test::hub_argv({XPORT_BINARY, "hub", "--data-dir", (dir_ / "data").string(),
                                        "--listen", "127.0.0.1:0", "--tls-cert", pki("server.pem"),
                                        "--tls-key", pki("server.key"), "--static-dir", ""}),
                        dir_);
  key_ = hub.wait_for_output("admin API key: (\\S+)");
  base_ = hub.wait_for_output("xport hub listening on (https://\\S+)");

  auto project = ok(call("POST", "/api/projects", R"({"name":"Demo"})"), 201);
  const std::string project_id = str(project["id"]);
  auto imported =
      ok(call("POST", "/api/projects/" + project_id + "/import",
              read_file(fs::path(XPORT_SOURCE_DIR) / "examples/data/demo-export.ndjson"),
              "application/x-ndjson"));
  ASSERT_GT(imported["imported"].as_int64(), 0);
  auto p = ok(call("POST", "/api/plugins",
                   R"({"name":"tls","description":"over TLS","defaultConfig":"{}"})"),
              201);
  const std::string plugin_id = str(p["id"]);

  BackgroundProcess plugin("xport-plugin-tls",
                           {XPORT_BINARY, "plugin", "--host", base_, "--id", plugin_id, "--secret",
                            str(p["secret"]), "--ca-file", pki("ca.pem")},
                           dir_);
  auto deadline = std::chrono::steady_clock::now() + 60s;
  while (ok(call("GET", "/api/plugins/" + plugin_id))["onlineInstances"].as_int64() < 1) {
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << plugin.err() << hub.err();
    std::this_thread::sleep_for(50ms);
  }

  auto run = ok(call("POST", "/api/runs",
                     json::serialize(json::object{
                         {"project", project_id}, {"plugin", plugin_id}, {"config", "{}"}})),
                201);
  const std::string session = str(run["session"]);
  json::object done;
  deadline = std::chrono::steady_clock::now() + 60s;
  for (;;) {
    done = ok(call("GET", "/api/runs/" + session));
    std::string state = str(done["state"]);
    if (state != "queued" && state != "dispatched") break;
    ASSERT_LT(std::chrono::steady_clock::now(), deadline) << json::serialize(done);
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(str(done["state"]), "succeeded") << json::serialize(done) << plugin.err();
  // Links handed out follow the server's scheme.
  const std::string url = str(done["downloadUrl"]);
  EXPECT_EQ(url.rfind(base_ + "/", 0), 0u) << url;
  net::ClientOptions o;
  o.tls.ca_file = pki("ca.pem");
  fs::path zip = dir_ / "result.zip";
  net::HttpClient(o).download(url, {}, zip);
  auto entries = zip_entries(zip);
  ASSERT_FALSE(entries.empty());

  // `xport client --ca-file`: every call and the download trust the private CA.
  const std::string client =
      quote(XPORT_BINARY) + " client --hub " + quote(base_) + " --api-key " + quote(key_) + " ";
  const std::string ca = "--ca-file " + quote(pki("ca.pem")) + " ";
  RunResult r = xport::test::run(client + ca + "project create ByClient");
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("created: ByClient"), std::string::npos) << r.out << r.err;
  fs::path by_client = dir_ / "by-client.zip";
  r = xport::test::run(client + ca + "run download " + quote(session) + " " +
                       quote(by_client.string()));
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(zip_entries(by_client), entries);
  // Without it the hub's certificate is not trusted: a clear error, nothing created.
  r = xport::test::run(client + "project create Untrusted");
  EXPECT_EQ(r.exit_code, kExitIo) << r.out << r.err;
  EXPECT_NE(r.err.find("certificate verify failed"), std::string::npos) << r.err;
  EXPECT_EQ(call("GET", "/api/projects").body.find("Untrusted"), std::string::npos);
  // A CA file that cannot be read is named in the error.
  r = xport::test::run(client + "--ca-file " + quote((dir_ / "no-ca.pem").string()) +
                       " project list");
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("no-ca.pem"), std::string::npos) << r.err;

  hub.signal(SIGTERM);
  auto code = hub.wait_exit(15s);
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << hub.err();
}

// `xport hub` with TLS options it cannot use: exit code, message, and nothing created.
RunResult hub_with(const std::vector<std::string>& tls_args, const fs::path& data) {
  std::string cmd = quote(XPORT_BINARY) + " hub --listen 127.0.0.1:0 --data-dir " +
                    quote(data.string()) + test::hub_database_option(data);
  for (const auto& a : tls_args)
    cmd += " " + quote(a);
  return run(cmd);
}

TEST_F(HubTls, HalfOrUnusableTlsOptionsAreClearErrors) {
  const fs::path data = dir_ / "never";
  RunResult r = hub_with({"--tls-cert", pki("server.pem")}, data);
  EXPECT_EQ(r.exit_code, kExitUsage) << r.out << r.err;
  EXPECT_NE(r.err.find("--tls-cert and --tls-key go together"), std::string::npos) << r.err;

  const std::string missing = (dir_ / "missing.key").string();
  r = hub_with({"--tls-cert", pki("server.pem"), "--tls-key", missing}, data);
  EXPECT_EQ(r.exit_code, kExitIo) << r.out << r.err;
  EXPECT_NE(r.err.find("cannot read TLS key file '" + missing + "'"), std::string::npos) << r.err;

  const fs::path garbage = dir_ / "garbage.key";
  write_file(garbage, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
  r = hub_with({"--tls-cert", pki("server.pem"), "--tls-key", garbage.string()}, data);
  EXPECT_EQ(r.exit_code, kExitUsage) << r.out << r.err;
  EXPECT_NE(r.err.find("TLS key file '" + garbage.string() + "'"), std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("listening"), std::string::npos) << r.out;
  EXPECT_FALSE(fs::exists(data)) << "the data dir was created before the TLS check";
}

}  // namespace
}  // namespace xport::test
