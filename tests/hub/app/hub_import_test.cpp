// Importing exports into a hub: `xport hub import` (offline, straight into the data dir, also
// while `xport hub` runs on it), the REST import's messages naming the body or the client's
// file name, and `xport client project import` of a large file with problems (streamed, the
// hub's whole error report printed). Real processes on loopback.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "background_process.hpp"
#include "net/http_client.hpp"
#include "process.hpp"
#include "test_database.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

const std::string kSamples = std::string(XPORT_SHARED_DIR) + "/samples/";

std::string good_line(const std::string& id, std::size_t pad = 0) {
  return R"({"externalId":")" + id + R"(","asset":"https://example.com/)" + id +
         R"(.jpg","batches":["B"],"task":{"stage":"Complete","tools":[]})" +
         (pad ? R"(,"pad":")" + std::string(pad, 'x') + "\"" : "") + "}\n";
}
// A field of the wrong type: reported with its path.
const std::string kBadLine = R"({"externalId":"bad","asset":"u","batches":5,"task":{}})"
                             "\n";

class HubImport : public ::testing::Test {
 protected:
  RunResult imp(const std::string& args) {
    return run(quote(XPORT_BINARY) + " hub import --data-dir " + quote(data_.string()) +
               test::hub_database_option(data_) + " " + args);
  }
  json::object imp_json(const std::string& args, int expected_exit = 0) {
    RunResult r = imp("--json " + args);
    EXPECT_EQ(r.exit_code, expected_exit) << args << "\n" << r.out << r.err;
    json::value v = json::parse(r.out.empty() ? "{}" : r.out);
    return v.is_object() ? v.as_object() : json::object{};
  }
  fs::path file(const std::string& name, const std::string& content) {
    fs::path p = dir_ / name;
    write_file(p, content);
    return p;
  }
  static std::string s(const json::object& o, const char* key) {
    return std::string(o.at(key).as_string());
  }

  TempDir dir_;
  fs::path data_ = dir_ / "data";
};

TEST_F(HubImport, GoodV2V3AndZipFiles) {
  // A new data dir: bootstrapped as `xport hub` would, the admin key written.
  auto v2 = imp_json("--create-project V2 " + quote(kSamples + "sample_v2.json"));
  EXPECT_TRUE(v2.at("committed").as_bool());
  EXPECT_TRUE(v2.at("createdProject").as_bool());
  EXPECT_GT(v2.at("imported").as_int64(), 0);
  EXPECT_EQ(v2.at("imported").as_int64(), v2.at("assets").as_int64());
  EXPECT_EQ(v2.at("errorCount").to_number<std::uint64_t>(), 0u);
  EXPECT_TRUE(fs::is_regular_file(data_ / "admin-api-key"));

  auto v3 = imp_json("--create-project V3 " + quote(kSamples + "sample_v3.json"));
  EXPECT_GT(v3.at("imported").as_int64(), 0);

  // A zip whose first entry is the NDJSON export.
  fs::copy_file(kSamples + "sample_v3.ndjson", dir_ / "export.ndjson");
  RunResult z = run("cd " + quote(dir_.path().string()) + " && zip -q export.zip export.ndjson");
  ASSERT_EQ(z.exit_code, 0) << z.err;
  RunResult human = imp("--create-project Zipped " + quote((dir_ / "export.zip").string()));
  ASSERT_EQ(human.exit_code, 0) << human.out << human.err;
  EXPECT_NE(human.out.find("imported 5 assets into new project \"Zipped\" ("), std::string::npos)
      << human.out;

  // By name, again: every asset is already there (by assetId, or by the id the hub derives
  // from external id and URL) — nothing imported, each conflict named with its file and
  // line; --replace puts each asset's new row in its old place.
  auto again = imp_json("--project Zipped " + quote((dir_ / "export.ndjson").string()), 1);
  EXPECT_FALSE(again.at("committed").as_bool());
  EXPECT_EQ(again.at("errorCount").to_number<std::uint64_t>(), 5u);
  auto& first = again.at("errors").as_array()[0].as_object();
  EXPECT_EQ(s(first, "path"), "assetId");
  EXPECT_EQ(first.at("line").to_number<std::uint64_t>(), 1u);
  EXPECT_NE(s(first, "text").find("export.ndjson:1: asset 1"), std::string::npos)
      << s(first, "text");
  auto replaced =
      imp_json("--project Zipped --replace " + quote((dir_ / "export.ndjson").string()));
  EXPECT_EQ(replaced.at("imported").as_int64(), 5);
  EXPECT_EQ(replaced.at("assets").as_int64(), 5);

  // Several files in one import, and by project id.
  file("more.ndjson", good_line("m1") + good_line("m2"));
  auto two =
      imp_json("--project " + s(v3, "projectId") + " " + quote((dir_ / "more.ndjson").string()) +
               " " + quote(file("more2.ndjson", good_line("m3")).string()));
  EXPECT_EQ(two.at("imported").as_int64(), 3);
  EXPECT_EQ(two.at("assets").as_int64(), v3.at("assets").as_int64() + 3);
}

TEST_F(HubImport, BadFileAllOrNothingAndPartial) {
  const fs::path bad = file(
      "bad.ndjson", good_line("a") + kBadLine + good_line("b") + good_line("a") + good_line("c"));
  RunResult r = imp("--create-project P " + quote(bad.string()));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  // file:line, the field and why; the duplicate external id of line 4 too.
  EXPECT_NE(r.err.find("error: " + bad.string() + ":2: asset 2 (byte "), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("): batches: expected an array, got a number"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(bad.string() + ":4: asset 4 (byte "), std::string::npos) << r.err;
  // The same asset twice (same external id and URL, no assetId): one identity.
  EXPECT_NE(r.err.find("assetId: asset with id 'hub-"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("(external id 'a') is already in project"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 problems in 1 file; nothing was imported"), std::string::npos) << r.err;

  auto none = imp_json("--project P " + quote(bad.string()), 1);
  EXPECT_EQ(none.at("imported").as_int64(), 0);
  EXPECT_EQ(none.at("assets").as_int64(), 0);
  EXPECT_EQ(none.at("errorCount").to_number<std::uint64_t>(), 2u);

  // --max-problems caps the listing and counts the rest.
  r = imp("--project P --max-problems 1 " + quote(bad.string()));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("... and 1 more problem "), std::string::npos) << r.err;

  // --partial keeps the good lines (a, b, c); exit 1 still says there were problems.
  auto part = imp_json("--project P --partial " + quote(bad.string()), 1);
  EXPECT_TRUE(part.at("committed").as_bool());
  EXPECT_EQ(part.at("imported").as_int64(), 3);
  EXPECT_EQ(part.at("assets").as_int64(), 3);
  EXPECT_EQ(part.at("errorCount").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(part.at("errors").as_array()[0].as_object().at("line").to_number<std::uint64_t>(), 2u);
  EXPECT_EQ(s(part.at("errors").as_array()[0].as_object(), "path"), "batches");
}

TEST_F(HubImport, UsageErrors) {
  const fs::path good = file("good.ndjson", good_line("a"));
  // No data dir yet: --project needs an existing hub.
  RunResult r = imp("--project P " + quote(good.string()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("not a hub data dir"), std::string::npos) << r.err;

  ASSERT_EQ(imp("--create-project P " + quote(good.string())).exit_code, 0);
  r = imp("--project nope " + quote(good.string()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("no project \"nope\""), std::string::npos) << r.err;
  r = imp("--create-project P " + quote(good.string()));
  EXPECT_EQ(r.exit_code, 2) << r.err;  // exists already
  r = imp("--project P --org nope " + quote(good.string()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  r = imp(quote(good.string()));
  EXPECT_EQ(r.exit_code, 2) << r.err;  // neither --project nor --create-project
  r = imp("--project P " + quote((dir_ / "missing.ndjson").string()));
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find("no such file"), std::string::npos) << r.err;

  // --data-dir may also come before `import`; it is required somewhere.
  r = run(quote(XPORT_BINARY) + " hub --data-dir " + quote(data_.string()) +
          test::hub_database_option(data_) + " import --project P " + quote(good.string()));
  EXPECT_EQ(r.exit_code, 1) << r.err;  // found the project; 'a' is already in it
  EXPECT_NE(r.err.find("(external id 'a') is already"), std::string::npos) << r.err;
  r = run(quote(XPORT_BINARY) + " hub import --project P " + quote(good.string()));
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("--data-dir DIR is required"), std::string::npos) << r.err;

  r = run(quote(XPORT_BINARY) + " hub import --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--partial"), std::string::npos) << r.out;
  r = run(quote(XPORT_BINARY) + " hub --help");
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("--listen"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("import"), std::string::npos) << r.out;
}

// `xport hub` running on the same data dir: hub import, REST import and client import.
class HubImportLive : public HubImport {
 protected:
  void SetUp() override {
    hub_ = std::make_unique<BackgroundProcess>(
        "hub",
        test::hub_argv(
            {XPORT_BINARY, "hub", "--data-dir", data_.string(), "--listen", "127.0.0.1:0"}),
        dir_.path());
    key_ = hub_->wait_for_output("admin API key: (\\S+)");
    base_ = hub_->wait_for_output("xport hub listening on (http://\\S+)");
  }
  net::HttpResponse call(const std::string& method, const std::string& path,
                         const std::string& body = "", net::Headers extra = {}) {
    net::Request r;
    r.method = method;
    r.url = base_ + path;
    r.headers = {{"apikey", key_}};
    for (auto& h : extra)
      r.headers.push_back(h);
    r.body = body;
    return net::HttpClient().request(r);
  }
  json::object ok(const net::HttpResponse& res, int status = 200) {
    EXPECT_EQ(res.status, status) << res.body;
    json::value v = json::parse(res.body);
    return v.is_object() ? v.as_object() : json::object{};
  }
  std::string new_project(const std::string& name) {
    return s(ok(call("POST", "/api/projects", R"({"name":")" + name + "\"}"), 201), "id");
  }

  std::unique_ptr<BackgroundProcess> hub_;
  std::string key_;
  std::string base_;
};

TEST_F(HubImportLive, ImportWhileTheHubRunsIsVisibleOverRest) {
  const std::string project = new_project("Live");
  std::string text;
  for (int i = 0; i < 20000; ++i)
    text += good_line("live-" + std::to_string(i), 100);
  const fs::path big = file("live.ndjson", text);

  // The hub keeps writing (projects created over REST) while the import holds its lock.
  std::atomic<bool> importing{true};
  std::atomic<int> writes{0};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    while (importing) {
      auto res = call("POST", "/api/projects", R"({"name":"during"})");
      (res.status == 201 ? writes : failures)++;
      std::this_thread::sleep_for(5ms);
    }
  });
  RunResult r = imp("--json --project " + project + " " + quote(big.string()));
  importing = false;
  writer.join();
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(failures, 0);
  EXPECT_GT(writes, 0);

  auto p = ok(call("GET", "/api/projects/" + project));
  EXPECT_EQ(p.at("assets").as_int64(), 20000);
  // Also a partial import (batched commits) and an export of what was imported.
  file("more.ndjson", good_line("x1") + kBadLine + good_line("x2"));
  r = imp("--partial --project Live " + quote((dir_ / "more.ndjson").string()));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(ok(call("GET", "/api/projects/" + project)).at("assets").as_int64(), 20002);
  auto link = ok(call("GET", "/v2/export?project=" + project + "&format=ndjson"));
  EXPECT_TRUE(link.contains("data")) << json::serialize(link);
}

TEST_F(HubImportLive, RestImportErrorsNameTheBodyOrTheFileName) {
  const std::string project = new_project("Rest");
  const std::string body = good_line("a") + kBadLine;
  const std::string path = "/api/projects/" + project + "/import";

  auto text_of_first = [&](const net::HttpResponse& res) {
    json::object o = ok(res, 400);
    return s(o.at("errors").as_array()[0].as_object(), "text");
  };
  std::string t = text_of_first(call("POST", path, body));
  EXPECT_EQ(t.rfind("<body>:2: asset 2", 0), 0u) << t;
  EXPECT_EQ(t.find(".part"), std::string::npos) << t;

  t = text_of_first(call("POST", path + "?name=my%20export.ndjson", body));
  EXPECT_EQ(t.rfind("my export.ndjson:2: asset 2", 0), 0u) << t;
  // Only the last path component of a name is shown.
  t = text_of_first(call("POST", path + "?name=%2Fsecret%2Fdir%2Fx.ndjson", body));
  EXPECT_EQ(t.rfind("x.ndjson:2:", 0), 0u) << t;
  t = text_of_first(call("POST", path, body,
                         {{"Content-Disposition", "attachment; filename=\"upload.ndjson\""}}));
  EXPECT_EQ(t.rfind("upload.ndjson:2:", 0), 0u) << t;

  // partial=true over REST: the good line kept, the problem listed.
  auto part = ok(call("POST", path + "?partial=true", body));
  EXPECT_EQ(part.at("imported").as_int64(), 1);
  EXPECT_EQ(part.at("errorCount").to_number<std::uint64_t>(), 1u);
  // A duplicate only: 409, naming the line.
  auto dup = call("POST", path, good_line("a"));
  EXPECT_EQ(dup.status, 409) << dup.body;
  EXPECT_NE(dup.body.find("line 1: asset with id 'hub-"), std::string::npos) << dup.body;
  EXPECT_NE(dup.body.find("(external id 'a') is already"), std::string::npos) << dup.body;
}

TEST_F(HubImportLive, ClientStreamsALargeFileAndPrintsTheWholeErrorReport) {
  const std::string project = new_project("Big");
  const fs::path big = dir_ / "big.ndjson";
  {
    std::ofstream out(big, std::ios::binary);
    // > 16 MiB, with 150 bad lines spread through it.
    for (int i = 0; i < 18000; ++i) {
      out << (i % 120 == 7 ? kBadLine : good_line("big-" + std::to_string(i), 1000));
    }
  }
  ASSERT_GT(fs::file_size(big), std::uintmax_t{16} << 20);
  RunResult r =
      run("XPORT_HUB=" + quote(base_) + " XPORT_API_KEY=" + quote(key_) + " " +
          quote(XPORT_BINARY) + " client project import " + project + " " + quote(big.string()));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("HTTP 400: 150 problems in the export; nothing was imported"),
            std::string::npos)
      << r.err.substr(0, 2000);
  // The hub lists 100 problems, each named by the client's file name and line.
  EXPECT_NE(r.err.find("  big.ndjson:8: asset 8 "), std::string::npos) << r.err.substr(0, 2000);
  EXPECT_NE(r.err.find("  big.ndjson:" + std::to_string(99 * 120 + 8) + ": asset"),
            std::string::npos)
      << r.err.substr(0, 2000);
  EXPECT_NE(r.err.find("  ... and 50 more"), std::string::npos) << r.err.substr(r.err.size() - 500);
  EXPECT_EQ(ok(call("GET", "/api/projects/" + project)).at("assets").as_int64(), 0);

  // --partial through the client: the good lines kept.
  r = run("XPORT_HUB=" + quote(base_) + " XPORT_API_KEY=" + quote(key_) + " " +
          quote(XPORT_BINARY) + " client --json project import --partial " + project + " " +
          quote(big.string()));
  EXPECT_EQ(r.exit_code, 0) << r.err.substr(0, 2000);
  EXPECT_EQ(ok(call("GET", "/api/projects/" + project)).at("assets").as_int64(), 18000 - 150);
}

}  // namespace
}  // namespace xport::test
