// `xport convert -f cvat` as a user runs it, judged by an independent Python reader
// (check_cvat.py: zipfile and xml.etree).
#include <gtest/gtest.h>

#include <filesystem>

#include "support/format_cli.hpp"
#include "support/process.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;

const std::string kXport = XPORT_BINARY;
const std::string kShared = XPORT_SHARED_DIR;
const std::string kChecker = CVAT_CHECKER;
const std::string kPython = kSystemPython;

#define REQUIRE_PYTHON() XPORT_REQUIRE_PYTHON_CHECKER("check_cvat.py", "cvat_unit_test")

std::string convert_and_check(const fs::path& input, const std::string& config,
                              const TempDir& dir) {
  return convert_and_run_checker(kXport, "cvat", input, config, kChecker,
                                 "--input " + quote(input.string()), dir);
}

TEST(CvatCli, SharedSamplesPassTheIndependentReader) {
  REQUIRE_PYTHON();
  struct Sample {
    const char* name;
    std::int64_t images;
  };
  for (const Sample& s :
       {Sample{"sample_v2.json", 4}, Sample{"sample_v3.json", 5}, Sample{"sample_v3.ndjson", 5}}) {
    TempDir dir;
    std::string summary = convert_and_check(kShared + "/samples/" + s.name, "{}", dir);
    EXPECT_EQ(summary_count(summary, "images"), s.images) << s.name << summary;
    // Box, polygon, point, rotated box, polyline, two segmentation zones, the video's box.
    EXPECT_EQ(summary_count(summary, "shapes"), 8) << s.name << summary;
  }
}

TEST(CvatCli, GeneratedExportsPassTheIndependentReader) {
  REQUIRE_PYTHON();
  TempDir gen;
  for (const char* shape : {"--shape v3", "--shape v2 --array"}) {
    fs::path input =
        gen / (std::string(shape).find("v2") != std::string::npos ? "v2.json" : "v3.ndjson");
    RunResult g = run(kPython + " " + quote(kShared + "/bench/gen_aaf.py") +
                      " --assets 1000 --seed 5 " + shape + " --out " + quote(input.string()));
    ASSERT_EQ(g.exit_code, 0) << g.err;
    for (const char* config : {R"({})", R"({"include_tags":false,"labels":["car","dog"]})"}) {
      TempDir dir;
      std::string summary = convert_and_check(input, config, dir);
      EXPECT_EQ(summary_count(summary, "images"), 1000) << config << summary;
    }
  }
}

TEST(CvatCli, FormatsCommandDescribesEveryOption) {
  RunResult x = run(quote(kXport) + " formats cvat");
  EXPECT_EQ(x.exit_code, 0) << x.err;
  for (const char* option : {"labels", "include_tags"})
    EXPECT_NE(x.out.find(std::string("\"") + option + "\""), std::string::npos) << option;
}

}  // namespace
}  // namespace xport::test
