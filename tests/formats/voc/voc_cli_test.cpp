// `xport convert -f voc` as a user runs it, judged by an independent Python reader
// (check_voc.py: zipfile and xml.etree, its own box arithmetic).
#include <gtest/gtest.h>

#include <filesystem>

#include "support/format_cli.hpp"
#include "support/process.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;

const std::string kXport = XPORT_BINARY;
const std::string kShared = XPORT_SHARED_DIR;
const std::string kChecker = VOC_CHECKER;
const std::string kPython = kSystemPython;

#define REQUIRE_PYTHON() XPORT_REQUIRE_PYTHON_CHECKER("check_voc.py", "voc_unit_test")

std::string convert_and_check(const fs::path& input, const std::string& config,
                              const std::string& checker_args, const TempDir& dir) {
  return convert_and_run_checker(kXport, "voc", input, config, kChecker,
                                 checker_args + " --input " + quote(input.string()), dir);
}

TEST(VocCli, SharedSamplesPassTheIndependentReader) {
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

TEST(VocCli, GeneratedExportsPassTheIndependentReader) {
  REQUIRE_PYTHON();
  TempDir gen;
  for (const char* shape : {"--shape v3", "--shape v2 --array"}) {
    fs::path input =
        gen / (std::string(shape).find("v2") != std::string::npos ? "v2.json" : "v3.ndjson");
    RunResult g = run(kPython + " " + quote(kShared + "/bench/gen_aaf.py") +
                      " --assets 2000 --seed 9 " + shape + " --out " + quote(input.string()));
    ASSERT_EQ(g.exit_code, 0) << g.err;
    struct Case {
      const char* config;
      const char* args;
    };
    for (const Case& c :
         {Case{R"({})", ""},
          Case{R"({"one_based":false,"split":{"train":0.8,"val":0.2}})", "--zero-based"},
          Case{R"({"boxes_from_polygons":true,"sort_classes":true})", "--boxes-from-polygons"}}) {
      TempDir dir;
      std::string summary = convert_and_check(input, c.config, c.args, dir);
      EXPECT_EQ(summary_count(summary, "compared_files"), 2000) << c.config << summary;
    }
  }
}

TEST(VocCli, FormatsCommandDescribesEveryOption) {
  RunResult x = run(quote(kXport) + " formats voc");
  EXPECT_EQ(x.exit_code, 0) << x.err;
  for (const char* option : {"one_based", "boxes_from_polygons", "classes", "sort_classes", "split",
                             "split_by", "seed", "skip_empty"})
    EXPECT_NE(x.out.find(std::string("\"") + option + "\""), std::string::npos) << option;
}

}  // namespace
}  // namespace xport::test
