// `xport convert -f kitti` as a user runs it, judged by an independent Python reader
// (check_kitti.py: 15 fields, numeric parsing, its own box arithmetic).
#include <gtest/gtest.h>

#include <filesystem>

#include "support/format_cli.hpp"
#include "support/process.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;

const std::string kXport = XPORT_BINARY;
const std::string kShared = XPORT_SHARED_DIR;
const std::string kChecker = KITTI_CHECKER;
const std::string kPython = kSystemPython;

#define REQUIRE_PYTHON() XPORT_REQUIRE_PYTHON_CHECKER("check_kitti.py", "kitti_unit_test")

std::string convert_and_check(const fs::path& input, const std::string& config,
                              const std::string& checker_args, const TempDir& dir) {
  return convert_and_run_checker(kXport, "kitti", input, config, kChecker,
                                 checker_args + " --input " + quote(input.string()), dir);
}

TEST(KittiCli, SharedSamplesPassTheIndependentReader) {
  REQUIRE_PYTHON();
  for (const char* name : {"sample_v2.json", "sample_v3.json", "sample_v3.ndjson"}) {
    TempDir dir;
    std::string summary =
        convert_and_check(kShared + "/samples/" + name, R"({"boxes_from_polygons":true})",
                          "--boxes-from-polygons", dir);
    EXPECT_EQ(summary_count(summary, "compared_files"), 1) << name << summary;
    EXPECT_EQ(summary_count(summary, "objects"), 4) << name << summary;
  }
}

TEST(KittiCli, GeneratedExportsPassTheIndependentReader) {
  REQUIRE_PYTHON();
  TempDir gen;
  for (const char* shape : {"--shape v3", "--shape v2 --array"}) {
    fs::path input =
        gen / (std::string(shape).find("v2") != std::string::npos ? "v2.json" : "v3.ndjson");
    RunResult g = run(kPython + " " + quote(kShared + "/bench/gen_aaf.py") +
                      " --assets 2000 --seed 11 " + shape + " --out " + quote(input.string()));
    ASSERT_EQ(g.exit_code, 0) << g.err;
    struct Case {
      const char* config;
      const char* args;
    };
    for (const Case& c :
         {Case{R"({})", ""}, Case{R"({"boxes_from_polygons":true,"class_map":{"dog":"Dog"}})",
                                  R"(--boxes-from-polygons --class-map '{"dog":"Dog"}')"}}) {
      TempDir dir;
      std::string summary = convert_and_check(input, c.config, c.args, dir);
      EXPECT_EQ(summary_count(summary, "compared_files"), 2000) << c.config << summary;
    }
  }
}

TEST(KittiCli, FormatsCommandDescribesEveryOption) {
  RunResult x = run(quote(kXport) + " formats kitti");
  EXPECT_EQ(x.exit_code, 0) << x.err;
  for (const char* option : {"class_map", "boxes_from_polygons", "skip_empty"})
    EXPECT_NE(x.out.find(std::string("\"") + option + "\""), std::string::npos) << option;
}

}  // namespace
}  // namespace xport::test
