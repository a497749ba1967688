// `xport convert -f aaf` as a user runs it, judged by check_aaf.py (Python's json module,
// which applies the filters and the v2 -> v3 mapping itself and requires equal values):
// shared samples and generated exports through every option, tricky numbers and text,
// and round trips JSON -> NDJSON -> JSON. Suites are named aaf_format_cli*.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>

#include "support/format_cli.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;

const std::string kXport = XPORT_BINARY;
const std::string kShared = XPORT_SHARED_DIR;
const std::string kChecker = AAF_CHECKER;

#define REQUIRE_PYTHON() XPORT_REQUIRE_PYTHON_CHECKER("check_aaf.py", "aaf_format_unit_test")

// Converts `input` with `config` into dir/out.zip and checks it against the same options
// applied in Python. Returns the checker's {"assets", "objects", "dropped"}.
boost::json::object convert_and_check(const fs::path& input, const std::string& config,
                                      const TempDir& dir) {
  boost::json::object spec = boost::json::parse(config).as_object();
  const bool array = spec.contains("layout") && spec.at("layout") == "json";
  spec["entry"] = array ? "export.json" : "export.ndjson";
  if (spec.contains("file_name")) spec["entry"] = spec.at("file_name");
  spec["layout"] = array ? "json" : "ndjson";
  spec["input"] = input.string();
  if (spec.contains("normalize")) spec["normalize"] = spec.at("normalize") == "v3";
  std::string out = convert_and_run_checker(kXport, "aaf", input, config, kChecker,
                                            quote(boost::json::serialize(spec)), dir);
  if (out.empty()) return {};
  return boost::json::parse(out).as_object();
}

std::uint64_t num(const boost::json::object& o, const char* key) {
  return o.at(key).to_number<std::uint64_t>();
}

RunResult checker(const std::string& mode, const std::string& a, const std::string& b) {
  return run(kSystemPython + " " + quote(kChecker) + " " + mode + " " + quote(a) + " " + quote(b));
}

RunResult xport(const std::string& config, const fs::path& in, const fs::path& out) {
  return run(quote(kXport) + " convert -q -f aaf -c " + quote(config) + " " + quote(in.string()) +
             " " + quote(out.string()));
}

const char* const kConfigs[] = {
    "{}",
    R"({"layout":"json"})",
    R"({"normalize":"v3"})",
    R"({"normalize":"v3","layout":"json","classes":["Car","Vehicle","LOC"]})",
    R"({"stages":["Complete"]})",
    R"({"stages":["Completed","Review"]})",
    R"({"batches":["Batch A","Batch B"]})",
    R"({"classes":["Car","Road","Vehicle","PER"]})",
    R"({"key_frames_only":true})",
    R"({"key_frames_only":true,"classes":["Vehicle"],"file_name":"out/x.jsonl"})",
};

TEST(aaf_format_cli, SharedSamplesThroughEveryOption) {
  REQUIRE_PYTHON();
  for (const char* name : {"sample_v2.json", "sample_v3.json", "sample_v3.ndjson"}) {
    for (const char* config : kConfigs) {
      TempDir dir;
      auto r = convert_and_check(kShared + "/samples/" + name, config, dir);
      ASSERT_FALSE(r.empty()) << name << " " << config;
      if (std::string_view(config) == "{}") {
        EXPECT_GT(num(r, "objects"), 10u) << name;
      }
    }
  }
}

TEST(aaf_format_cli, HandWrittenExportWithStagesRelationsAndKeyFrames) {
  REQUIRE_PYTHON();
  TempDir dir;
  const std::string input =
      R"({"asset":"a","externalId":"\"é\"\\ 🚀","batches":["x",null],"task":{"stage":"Review",)"
      R"("tools":[{"title":"Car","objectId":"c","point":[1e300,0.1]},{"title":"Tree",)"
      R"("objectId":"t","point":[12345678901234567890123,-0.0]}],"relations":[{"from":"c",)"
      R"("to":"t"}],"stageHistory":[{"stage":"Label","tools":[{"title":"Tree"}]}]}})"
      "\n"
      R"({"asset":"v","metadata":{"frameTotal":3},"batches":["y"],"task":{"stage":"Complete",)"
      R"("tools":[{"title":"Car","objectId":"c","page":0,"isKeyFrame":true,"point":[1,2]},)"
      R"({"title":"Car","objectId":"c","page":1,"isKeyFrame":false,"point":[1.5,2]},)"
      R"({"title":"Car","objectId":"c","page":2,"metadata":{"interpolated":true},"point":[2,2]},)"
      R"({"title":"Tree","objectId":"t","page":2,"interpolated":true,"point":[0,0]}],)"
      R"("relations":[{"group":["c","t"]}]}})"
      "\n"
      R"({"asset":"old","batches":["x"],"tasks":[{"status":"Review","objects":[)"
      R"({"title":"Car","polygon":[[0,0],[1,1],[2,0.25]]}]},{"objects":[{"title":"Tree"}]}]})"
      "\n";
  write_file(dir / "in.ndjson", input);
  for (const char* config :
       {"{}", R"({"stages":["Review"]})", R"({"batches":["x"],"normalize":"v3"})",
        R"({"classes":["Car"]})", R"({"key_frames_only":true,"layout":"json"})",
        R"({"classes":["Tree"],"key_frames_only":true,"normalize":"v3"})"}) {
    auto r = convert_and_check(dir / "in.ndjson", config, dir);
    ASSERT_FALSE(r.empty()) << config;
  }
  // The filters did drop something (the checker compared the exact result).
  auto r = convert_and_check(dir / "in.ndjson", R"({"classes":["Car"]})", dir);
  EXPECT_EQ(num(r, "dropped"), 6u);  // 2 Tree tools, 2 relations, 1 history, 1 consensus
  r = convert_and_check(dir / "in.ndjson", R"({"key_frames_only":true})", dir);
  EXPECT_EQ(num(r, "objects"), 4u);
}

TEST(aaf_format_cli, GeneratedExports) {
  REQUIRE_PYTHON();
  TempDir gen;
  for (const char* shape : {"--shape v3", "--shape v2 --array"}) {
    fs::path input =
        gen / (std::string(shape).find("v2") != std::string::npos ? "v2.json" : "v3.ndjson");
    RunResult g = run(kSystemPython + " " + quote(kShared + "/bench/gen_aaf.py") +
                      " --assets 1500 --seed 7 " + shape + " --out " + quote(input.string()));
    ASSERT_EQ(g.exit_code, 0) << g.err;
    for (const char* config :
         {"{}", R"({"batches":["batch-a"],"classes":["car","sign \"stop\"","bus/van"]})",
          R"({"normalize":"v3","layout":"json"})"}) {
      TempDir dir;
      auto r = convert_and_check(input, config, dir);
      ASSERT_FALSE(r.empty()) << shape << " " << config;
      EXPECT_GT(num(r, "assets"), 500u);
    }
  }
}

TEST(aaf_format_cli, RoundTripsBetweenJsonAndNdjson) {
  REQUIRE_PYTHON();
  for (const char* name : {"sample_v2.json", "sample_v3.json", "sample_v3.ndjson"}) {
    TempDir dir;
    const std::string original = kShared + "/samples/" + name;
    // The result zip is itself an input xport reads (its first entry).
    RunResult a = xport(R"({"layout":"ndjson"})", original, dir / "a.zip");
    ASSERT_EQ(a.exit_code, 0) << a.err;
    RunResult b = xport(R"({"layout":"json"})", dir / "a.zip", dir / "b.zip");
    ASSERT_EQ(b.exit_code, 0) << b.err;
    RunResult c = xport("{}", dir / "b.zip", dir / "c.zip");
    ASSERT_EQ(c.exit_code, 0) << c.err;
    for (const std::string& copy :
         {(dir / "a.zip").string() + ":export.ndjson", (dir / "b.zip").string() + ":export.json"}) {
      RunResult same = checker("--same", original, copy);
      EXPECT_EQ(same.exit_code, 0) << name << " " << copy << "\n" << same.err;
    }
    // NDJSON -> JSON -> NDJSON gives back the same bytes.
    RunResult identical = checker("--identical", (dir / "a.zip").string() + ":export.ndjson",
                                  (dir / "c.zip").string() + ":export.ndjson");
    EXPECT_EQ(identical.exit_code, 0) << name << "\n" << identical.err;
  }
  RunResult identical = checker("--identical", kShared + "/samples/sample_v3.ndjson",
                                "/dev/null");  // sanity: the checker can fail
  EXPECT_NE(identical.exit_code, 0);
}

TEST(aaf_format_cli, FormatsCommandDescribesEveryOption) {
  RunResult x = run(quote(kXport) + " formats aaf");
  EXPECT_EQ(x.exit_code, 0) << x.err;
  for (const char* option :
       {"layout", "normalize", "stages", "batches", "key_frames_only", "classes", "file_name"})
    EXPECT_NE(x.out.find(std::string("\"") + option + "\""), std::string::npos) << option;
  RunResult bad = run(quote(kXport) + " convert -q -f aaf -c '{\"stage\":[\"x\"]}' " +
                      quote(kShared + "/samples/sample_v3.json") + " /dev/null");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

}  // namespace
}  // namespace xport::test
