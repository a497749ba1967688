// The coco format as a user runs it: the real binary on the shared samples and on generated
// exports, its output judged by an independent Python reader (check_coco.py) and compared
// with the Python reference converter.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/process.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;

const std::string kXport = XPORT_BINARY;
const std::string kShared = XPORT_SHARED_DIR;
const std::string kChecker = COCO_CHECKER;
const std::string kPython = "/usr/bin/python3";

#define REQUIRE_PYTHON()                                              \
  if (!exists(kPython) || !fs::exists(kShared + "/bench/gen_aaf.py")) \
  GTEST_SKIP() << "needs " << kPython << " and " << kShared           \
               << "/bench (gen_aaf.py, ref_python.py) to generate and check exports"

RunResult convert(const fs::path& input, const fs::path& output, const std::string& config = "") {
  std::string cmd = quote(kXport) + " convert -q -f coco ";
  if (!config.empty()) cmd += "-c " + quote(config) + " ";
  return run(cmd + quote(input.string()) + " " + quote(output.string()));
}

RunResult check(const fs::path& result, const std::string& args = "") {
  return run(kPython + " " + quote(kChecker) + " " + quote(result.string()) + " " + args);
}

fs::path generate(const TempDir& dir, const std::string& args) {
  fs::path out = dir / "in.json";
  RunResult gen = run(kPython + " " + quote(kShared + "/bench/gen_aaf.py") + " " + args +
                      " --out " + quote(out.string()));
  EXPECT_EQ(gen.exit_code, 0) << gen.err;
  return out;
}

TEST(CocoCli, SharedSamplesPassTheChecker) {
  REQUIRE_PYTHON();
  for (const char* name : {"sample_v2.json", "sample_v3.json", "sample_v3.ndjson"}) {
    TempDir dir;
    fs::path input = kShared + "/samples/" + name;
    RunResult r = convert(input, dir / "out.zip");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    RunResult c = check(dir / "out.zip", "--input " + quote(input.string()));
    EXPECT_EQ(c.exit_code, 0) << name << "\n" << c.out << c.err;
  }
}

// The judge must be able to fail: broken variants of a good result are all rejected.
TEST(CocoCli, CheckerRejectsBrokenResults) {
  REQUIRE_PYTHON();
  TempDir dir;
  fs::path input = kShared + "/samples/sample_v3.ndjson";
  RunResult r = convert(input, dir / "out.zip");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult c = check(dir / "out.zip", "--self-test");
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  EXPECT_NE(c.out.find("rejected all"), std::string::npos) << c.out;
}

TEST(CocoCli, GeneratedExportsPassTheCheckerAndMatchThePythonReference) {
  REQUIRE_PYTHON();
  for (const char* shape : {"--shape v3", "--shape v2", "--shape v3 --array"}) {
    TempDir dir;
    fs::path input = generate(dir, std::string("--assets 2000 --seed 11 ") + shape);
    RunResult r = convert(input, dir / "out.zip");
    ASSERT_EQ(r.exit_code, 0) << r.err;
    RunResult ref = run(kPython + " " + quote(kShared + "/bench/ref_python.py") + " coco " +
                        quote(input.string()) + " " + quote((dir / "ref.zip").string()));
    ASSERT_EQ(ref.exit_code, 0) << ref.err;
    RunResult c = check(dir / "out.zip", "--input " + quote(input.string()) + " --ref " +
                                             quote((dir / "ref.zip").string()));
    EXPECT_EQ(c.exit_code, 0) << shape << "\n" << c.out << c.err;
    EXPECT_NE(c.out.find("matched the reference"), std::string::npos) << c.out;
  }
}

TEST(CocoCli, SplitsPassTheCheckerAndListEveryAssetOnce) {
  REQUIRE_PYTHON();
  TempDir dir;
  fs::path input = generate(dir, "--assets 2000 --seed 5");
  for (const char* config :
       {R"({"split": {"train": 0.8, "val": 0.2}, "seed": 3})", R"({"split_by": "batch"})"}) {
    RunResult r = convert(input, dir / "out.zip", config);
    ASSERT_EQ(r.exit_code, 0) << r.err;
    RunResult c = check(dir / "out.zip", "--input " + quote(input.string()));
    EXPECT_EQ(c.exit_code, 0) << config << "\n" << c.out << c.err;
    EXPECT_NE(c.out.find("OK: 2 documents, 2000 images"), std::string::npos) << c.out;
  }
}

TEST(CocoCli, KeypointsExplicitCategoriesAndSkipEmptyPassTheChecker) {
  REQUIRE_PYTHON();
  TempDir dir;
  fs::path input = generate(dir, "--assets 2000 --objects 2 --seed 9 --shape v2");
  RunResult r = convert(input, dir / "out.zip",
                        R"({"categories": ["car", "scene", "dog"], "skip_empty": true,
                            "keypoint_classes": {"scene": {"keypoints": ["truck", "bus/van"],
                                                           "skeleton": [[1, 2]]}}})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult c = check(dir / "out.zip");
  EXPECT_EQ(c.exit_code, 0) << c.out << c.err;
  RunResult kp = run("unzip -p " + quote((dir / "out.zip").string()) +
                     " annotations/instances.json | grep -c '\"num_keypoints\"'");
  EXPECT_GT(std::stoi(kp.out.empty() ? "0" : kp.out), 10) << kp.err;
}

TEST(CocoCli, FormatsCommandListsTheOptions) {
  RunResult r = run(quote(kXport) + " formats coco");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  for (const char* option : {"categories", "category_id_start", "image_id_start", "skip_empty",
                             "clip_to_image", "keypoint_classes", "split", "split_by", "seed"})
    EXPECT_NE(r.out.find(std::string("\"") + option + "\""), std::string::npos) << option;
}

TEST(CocoCli, BadOptionsExitWithTwoAndWriteNothing) {
  TempDir dir;
  write_file(dir / "in.ndjson", R"({"asset":"a","externalId":"e","task":{"tools":[]}})"
                                "\n");
  RunResult r = convert(dir / "in.ndjson", dir / "out.zip", R"({"split": {"train": -1}})");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("ratio"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out.zip"));
  r = convert(dir / "in.ndjson", dir / "out.zip", R"({"splitt": {}})");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no option \"splitt\""), std::string::npos) << r.err;
}

TEST(CocoCli, OutputPassesUnzipTest) {
  TempDir dir;
  std::string input = kShared + "/samples/sample_v3.ndjson";
  if (!fs::exists(input)) GTEST_SKIP() << "shared samples not found at " << kShared;
  RunResult r = convert(input, dir / "out.zip", R"({"split_by": "batch"})");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult t = run("unzip -t " + quote((dir / "out.zip").string()));
  EXPECT_EQ(t.exit_code, 0) << t.out;
  RunResult list = run("unzip -Z1 " + quote((dir / "out.zip").string()));
  EXPECT_EQ(list.out,
            "annotations/instances_Batch A.json\nannotations/instances_no_batch.json\n"
            "annotations/instances_Batch B.json\nreport.json\n");
}

}  // namespace
}  // namespace xport::test
