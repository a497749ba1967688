// `xport convert -f yolo` as a user runs it, judged by an independent Python reader
// (check_yolo.py: zipfile, a tiny YAML reader plus PyYAML when present, its own geometry).
#include <gtest/gtest.h>

#include <filesystem>

#include "support/format_cli.hpp"
#include "support/process.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;

const std::string kXport = XPORT_BINARY;
const std::string kShared = XPORT_SHARED_DIR;
const std::string kChecker = YOLO_CHECKER;
const std::string kPython = kSystemPython;

#define REQUIRE_PYTHON() XPORT_REQUIRE_PYTHON_CHECKER("check_yolo.py", "yolo_unit_test")

std::string convert_and_check(const fs::path& input, const std::string& config,
                              const std::string& checker_args, const TempDir& dir) {
  return convert_and_run_checker(kXport, "yolo", input, config, kChecker, checker_args, dir);
}

TEST(YoloCli, SharedSamplesPassTheIndependentReader) {
  REQUIRE_PYTHON();
  for (const char* name : {"sample_v2.json", "sample_v3.json", "sample_v3.ndjson"}) {
    for (const char* task : {"detect", "segment", "obb"}) {
      TempDir dir;
      fs::path input = kShared + "/samples/" + name;
      std::string config = std::string(R"({"boxes_from_polygons":true,"task":")") + task + "\"}";
      std::string summary = convert_and_check(
          input, config,
          std::string("--boxes-from-polygons --task ") + task + " --input " + quote(input.string()),
          dir);
      EXPECT_EQ(summary_count(summary, "label_files"), 1) << name << " " << summary;
    }
  }
}

TEST(YoloCli, GeneratedExportsPassTheIndependentReader) {
  REQUIRE_PYTHON();
  TempDir gen;
  for (const char* shape : {"--shape v3", "--shape v2 --array"}) {
    fs::path input =
        gen / (std::string(shape).find("v2") != std::string::npos ? "v2.json" : "v3.ndjson");
    RunResult g = run(kPython + " " + quote(kShared + "/bench/gen_aaf.py") +
                      " --assets 2000 --seed 5 " + shape + " --out " + quote(input.string()));
    ASSERT_EQ(g.exit_code, 0) << g.err;
    struct Case {
      const char* config;
      const char* args;
    };
    for (const Case& c :
         {Case{R"({})", "--task detect"},
          Case{R"({"task":"segment","split":{"train":0.7,"val":0.3}})", "--task segment"},
          Case{R"({"task":"obb","sort_classes":true})", "--task obb"},
          Case{R"({"layout":"darknet","boxes_from_polygons":true})",
               "--task detect --boxes-from-polygons"}}) {
      TempDir dir;
      std::string summary = convert_and_check(
          input, c.config, std::string(c.args) + " --input " + quote(input.string()), dir);
      EXPECT_EQ(summary_count(summary, "label_files"), 2000) << c.config << summary;
      EXPECT_EQ(summary_count(summary, "compared_files"), 2000) << c.config << summary;
    }
  }
}

TEST(YoloCli, MissingImageSizeIsReportedPerAsset) {
  TempDir dir;
  write_file(dir / "in.ndjson",
             R"({"asset":"u1","externalId":"a.jpg","metadata":{},"task":{"tools":[)"
             R"({"title":"c","bounding-box":{"x":1,"y":1,"width":2,"height":2}}]}})"
             "\n");
  RunResult x = run(quote(kXport) + " convert -f yolo " + quote((dir / "in.ndjson").string()) +
                    " " + quote((dir / "out.zip").string()));
  EXPECT_EQ(x.exit_code, 0) << x.err;
  EXPECT_NE(x.err.find("no image size"), std::string::npos) << x.err;
  EXPECT_NE(x.err.find("\"a.jpg\""), std::string::npos) << x.err;
}

TEST(YoloCli, FormatsCommandDescribesEveryOption) {
  RunResult x = run(quote(kXport) + " formats yolo");
  EXPECT_EQ(x.exit_code, 0) << x.err;
  for (const char* option : {"task", "boxes_from_polygons", "classes", "sort_classes", "split",
                             "split_by", "seed", "layout", "skip_empty"})
    EXPECT_NE(x.out.find(std::string("\"") + option + "\""), std::string::npos) << option;
  RunResult bad = run(quote(kXport) + " convert -f yolo -c '{\"tsk\":1}' /dev/null /dev/null");
  EXPECT_EQ(bad.exit_code, 2) << bad.err;
}

}  // namespace
}  // namespace xport::test
