// Integration tests of `xport convert/formats/validate` as a user runs them: real
// processes, real files, and the Python reference script as the judge of `sample`.
#include <gtest/gtest.h>

#include <filesystem>

#include "support/process.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;

const std::string kXport = XPORT_BINARY;
const std::string kShared = XPORT_SHARED_DIR;
const std::string kPython = "/usr/bin/python3";

std::string xport(const std::string& args) {
  return quote(kXport) + " " + args;
}

bool have_python_reference() {
  return exists(kPython) && fs::exists(kShared + "/bench/ref_python.py");
}

#define REQUIRE_PYTHON_REFERENCE()                          \
  if (!have_python_reference())                             \
  GTEST_SKIP() << "needs " << kPython << " and " << kShared \
               << "/bench/ref_python.py (the Python anchor) to compare against"

// The content of a zip's only entry, read by Python's zipfile (not by our reader).
std::string python_unzip(const fs::path& zip, const std::string& entry) {
  RunResult r =
      run(kPython + " -c " +
          quote("import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None; "
                "sys.stdout.buffer.write(z.read(sys.argv[2]))") +
          " " + quote(zip.string()) + " " + quote(entry));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  return r.out;
}

// Runs the Python reference `sample` and xport `sample` on one input; returns both JSONs.
std::pair<std::string, std::string> both_samples(const fs::path& input, const TempDir& dir) {
  RunResult py = run(kPython + " " + quote(kShared + "/bench/ref_python.py") + " sample " +
                     quote(input.string()) + " " + quote((dir / "ref.zip").string()));
  EXPECT_EQ(py.exit_code, 0) << py.err;
  RunResult x = run(xport("convert -q -f sample " + quote(input.string()) + " " +
                          quote((dir / "xport.zip").string())));
  EXPECT_EQ(x.exit_code, 0) << x.err;
  return {python_unzip(dir / "ref.zip", "project.json"),
          python_unzip(dir / "xport.zip", "project.json")};
}

TEST(CliConvert, SampleMatchesPythonOnSharedSamples) {
  REQUIRE_PYTHON_REFERENCE();
  for (const char* name : {"sample_v2.json", "sample_v3.json", "sample_v3.ndjson"}) {
    TempDir dir;
    auto [ref, ours] = both_samples(kShared + "/samples/" + name, dir);
    EXPECT_FALSE(ref.empty());
    EXPECT_EQ(ours, ref) << name;
  }
}

TEST(CliConvert, SampleMatchesPythonOnGeneratedExports) {
  REQUIRE_PYTHON_REFERENCE();
  for (const char* shape : {"--shape v3", "--shape v2", "--shape v3 --array"}) {
    TempDir dir;
    RunResult gen = run(kPython + " " + quote(kShared + "/bench/gen_aaf.py") + " --assets 3000 " +
                        shape + " --seed 7 --out " + quote((dir / "in.json").string()));
    ASSERT_EQ(gen.exit_code, 0) << gen.err;
    auto [ref, ours] = both_samples(dir / "in.json", dir);
    EXPECT_GT(ref.size(), 100000u);
    EXPECT_EQ(ours, ref) << shape;
  }
}

// Titles and ids with escapes, unicode, controls; exact halves; integer coordinates.
TEST(CliConvert, SampleMatchesPythonOnTrickyValues) {
  REQUIRE_PYTHON_REFERENCE();
  TempDir dir;
  // (No BOM here: Python's json.loads rejects one; the reader's BOM handling has unit tests.)
  std::string in =
      R"({"asset":"https://x/\u00e7a\u011f.jpg","externalId":"quote \" back \\ tab \t nl \n ctl \u0001 del \u007f","task":{"tools":[)"
      R"({"title":"emoji \ud83d\ude97 cjk \u65e5\u672c","bounding-box":{"x":0.5,"y":1.5,"width":2.5,"height":-0.5}},)"
      R"({"title":"ints","bounding-box":{"x":10,"y":-3,"width":1e2,"height":3.4999999999999996}},)"
      R"({"title":"slash / and <&>","bounding-box":{"x":-1.5,"y":-2.5,"width":1e300,"height":123456789.5}}]}})"
      "\r\n\r\n"
      R"({"asset":"b","externalId":"no tools","task":{}})"
      "\n"
      R"({"asset":"c","externalId":"v2","tasks":[{"objects":[{"title":"T","bounding-box":{"x":1,"y":2,"width":3,"height":4}},{"title":"P","polygon":[[1,2],[3,4],[5,6]]}]}]})"
      "\n";
  write_file(dir / "in.ndjson", in);
  auto [ref, ours] = both_samples(dir / "in.ndjson", dir);
  EXPECT_NE(ref.find("\\ud83d\\ude97"), std::string::npos);
  EXPECT_EQ(ours, ref);
}

TEST(CliConvert, SeparatorCharacterFollowsTheSeed) {
  TempDir dir;
  std::string input = kShared + "/samples/sample_v3.ndjson";
  if (!fs::exists(input)) GTEST_SKIP() << "shared samples not found at " << kShared;
  auto out = dir / "out.zip";
  RunResult r =
      run(xport("convert -q -f sample -p proj42 -c '{\"separator-character\": \" | \"}' " +
                quote(input) + " " + quote(out.string())));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult list = run("unzip -Z1 " + quote(out.string()));
  EXPECT_EQ(list.out, "proj42.json\n");
  RunResult content = run("unzip -p " + quote(out.string()));
  EXPECT_NE(content.out.find("Vehicle 200 300 120 80 | Vehicle 212 300 120 80"), std::string::npos);
  // Not a string: falls back to "-" like the seed's script.
  r = run(xport("convert -q -f sample -c '{\"separator-character\": 5}' " + quote(input) + " " +
                quote(out.string())));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  content = run("unzip -p " + quote(out.string()));
  EXPECT_NE(content.out.find("Vehicle 200 300 120 80-Vehicle 212 300 120 80"), std::string::npos);
}

TEST(CliConvert, OutputPassesUnzipTest) {
  TempDir dir;
  write_file(dir / "in.ndjson", R"({"asset":"a","externalId":"e","task":{"tools":[]}})"
                                "\n");
  RunResult r = run(xport("convert -q -f sample " + quote((dir / "in.ndjson").string()) + " " +
                          quote((dir / "o.zip").string())));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult t = run("unzip -t " + quote((dir / "o.zip").string()));
  EXPECT_EQ(t.exit_code, 0) << t.out;
}

TEST(CliConvert, ReadsStdinAndWritesStdout) {
  TempDir dir;
  write_file(dir / "in.ndjson", R"({"asset":"a","externalId":"e1","task":{"tools":[]}})"
                                "\n");
  RunResult r = run("cat " + quote((dir / "in.ndjson").string()) + " | " +
                    xport("convert -q -f sample - -") + " > " + quote((dir / "o.zip").string()));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult content = run("unzip -p " + quote((dir / "o.zip").string()) + " project.json");
  EXPECT_NE(content.out.find("\"externalId\": \"e1\""), std::string::npos);
}

TEST(CliConvert, ReadsTheZipTransportForm) {
  TempDir dir;
  write_file(dir / "export.ndjson", R"({"asset":"a","externalId":"zipped","task":{"tools":[]}})"
                                    "\n");
  RunResult z = run("cd " + quote(dir.path().string()) + " && " + kPython +
                    " -c \"import zipfile; "
                    "zipfile.ZipFile('in.zip','w',zipfile.ZIP_DEFLATED).write('export.ndjson')\"");
  ASSERT_EQ(z.exit_code, 0) << z.err;
  RunResult r = run(xport("convert -q -f sample " + quote((dir / "in.zip").string()) + " " +
                          quote((dir / "o.zip").string())));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RunResult content = run("unzip -p " + quote((dir / "o.zip").string()));
  EXPECT_NE(content.out.find("zipped"), std::string::npos);
}

TEST(CliConvert, BadAssetIsReportedSkippedAndExitIsOne) {
  TempDir dir;
  write_file(dir / "in.ndjson", R"({"asset":"a","externalId":"good1","task":{"tools":[]}})"
                                "\n"
                                R"({"asset":"b","externalId":"bad" "task":{}})"
                                "\n"
                                R"({"asset":"c","externalId":"good2","task":{"tools":[]}})"
                                "\n");
  auto out = dir / "o.zip";
  RunResult r = run(xport("convert -f sample " + quote((dir / "in.ndjson").string()) + " " +
                          quote(out.string())));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("in.ndjson:2: asset 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 skipped"), std::string::npos) << r.err;
  RunResult content = run("unzip -p " + quote(out.string()));
  EXPECT_NE(content.out.find("good1"), std::string::npos);
  EXPECT_NE(content.out.find("good2"), std::string::npos);

  fs::remove(out);
  r = run(xport("convert --stop-on-error -f sample " + quote((dir / "in.ndjson").string()) + " " +
                quote(out.string())));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("in.ndjson:2: asset 2"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out)) << "a failed run must not leave a result behind";
}

TEST(CliConvert, BadConfigJsonQuotesThePositionAndExitsTwo) {
  TempDir dir;
  write_file(dir / "in.ndjson", "");
  RunResult r =
      run(xport("convert -f sample -c '{\"separator-character\" \"x\"}' " +
                quote((dir / "in.ndjson").string()) + " " + quote((dir / "o.zip").string())));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("line 1, column 24"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("^"), std::string::npos) << r.err;
  r = run(xport("convert -f sample -c '{\"sepparator\": 1}' " +
                quote((dir / "in.ndjson").string()) + " " + quote((dir / "o.zip").string())));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("no option \"sepparator\""), std::string::npos) << r.err;
}

TEST(CliConvert, UsageAndIoErrorsHaveTheirExitCodes) {
  TempDir dir;
  RunResult r = run(xport("convert -f nosuchformat in out"));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("unknown format 'nosuchformat'"), std::string::npos) << r.err;
  r = run(xport("convert -f sample " + quote((dir / "missing.ndjson").string()) + " " +
                quote((dir / "o.zip").string())));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("missing.ndjson"), std::string::npos) << r.err;
  r = run(xport("convert"));
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliFormats, ListsFormatsWithTheirOptions) {
  RunResult r = run(xport("formats"));
  ASSERT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("sample"), std::string::npos);
  EXPECT_NE(r.out.find("\"separator-character\""), std::string::npos);
  r = run(xport("formats sample"));
  EXPECT_EQ(r.exit_code, 0);
  r = run(xport("formats nope"));
  EXPECT_EQ(r.exit_code, 2);
}

TEST(CliValidate, ReportsEveryProblemWithItsLocation) {
  TempDir dir;
  write_file(
      dir / "in.ndjson",
      R"({"asset":"a","task":{"tools":[{"title":"t","bounding-box":{"x":"1","y":2,"width":3,"height":4}}]}})"
      "\n"
      "\n"
      R"({"asset":"b","task":{"tools":[]},})"
      "\n"
      R"({"asset":"c","task":{"tools":[]}})"
      "\n");
  RunResult r = run(xport("validate " + quote((dir / "in.ndjson").string())));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("in.ndjson:1: asset 1 (byte 0): task.tools[0]: bounding-box.x: expected a "
                       "number, got a string"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("in.ndjson:3: asset 2"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 problems"), std::string::npos) << r.err;

  if (fs::exists(kShared + "/samples/sample_v2.json")) {
    r = run(xport("validate " + quote(kShared + "/samples/sample_v2.json")));
    EXPECT_EQ(r.exit_code, 0) << r.err;
  }
}

}  // namespace
}  // namespace xport::test
