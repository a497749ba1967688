// `xport convert -f classification` as a user runs it, read back by Python's csv module
// (../csv/check_table.py): a rectangular table with one row per asset, matching
// report.json, and user text that round-trips exactly.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>

#include "support/process.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;

const std::string kXport = XPORT_BINARY;
const std::string kShared = XPORT_SHARED_DIR;
const std::string kChecker = TABLE_CHECKER;
const std::string kPython = "/usr/bin/python3";

#define REQUIRE_PYTHON()                                                                   \
  if (!exists(kPython))                                                                    \
  GTEST_SKIP() << "needs " << kPython << " to run the independent reader check_table.py; " \
               << "the unit tests (classification_unit_test) still cover the format"

boost::json::object convert_and_read(const fs::path& input, const std::string& config,
                                     const TempDir& dir) {
  fs::path out = dir / "out.zip";
  RunResult x = run(quote(kXport) + " convert -q -f classification -p p -c " + quote(config) + " " +
                    quote(input.string()) + " " + quote(out.string()));
  EXPECT_EQ(x.exit_code, 0) << x.err;
  RunResult c = run(kPython + " " + quote(kChecker) + " " + quote(out.string()) + " p.csv");
  EXPECT_EQ(c.exit_code, 0) << input << " " << config << "\n" << c.err;
  if (c.exit_code != 0) return {};
  return boost::json::parse(c.out).as_object();
}

TEST(ClassificationCli, SharedSamplesHaveOneRowPerAsset) {
  REQUIRE_PYTHON();
  for (const char* name : {"sample_v2.json", "sample_v3.json", "sample_v3.ndjson"}) {
    TempDir dir;
    auto doc = convert_and_read(kShared + "/samples/" + name, "{}", dir);
    ASSERT_FALSE(doc.empty()) << name;
    const auto& rows = doc.at("rows").as_array();
    EXPECT_EQ(rows.size(), doc.at("report").at("output").at("assets").to_number<std::uint64_t>());
    EXPECT_EQ(rows.size(), doc.at("report").at("input").at("assets").to_number<std::uint64_t>());
    EXPECT_GT(doc.at("header").as_array().size(), 4u) << name;
  }
}

TEST(ClassificationCli, GeneratedExportHasOneRowPerAsset) {
  REQUIRE_PYTHON();
  TempDir dir;
  fs::path input = dir / "gen.ndjson";
  RunResult g = run(kPython + " " + quote(kShared + "/bench/gen_aaf.py") +
                    " --assets 3000 --seed 3 --shape v3 --out " + quote(input.string()));
  ASSERT_EQ(g.exit_code, 0) << g.err;
  auto doc = convert_and_read(input, "{}", dir);
  ASSERT_FALSE(doc.empty());
  EXPECT_EQ(doc.at("rows").as_array().size(), 3000u);
  EXPECT_EQ(doc.at("report").at("output").at("assets").to_number<std::uint64_t>(), 3000u);
}

TEST(ClassificationCli, UserTextRoundTripsAndLabelsAreWritten) {
  REQUIRE_PYTHON();
  const std::string nasty = "Q, \"quoted\"\nnew line\ttab \\ é 漢字 🚀";
  const std::string nasty_json = boost::json::serialize(boost::json::value(nasty));
  TempDir dir;
  std::string input;
  for (int i = 0; i < 4; ++i)
    input += R"({"asset":"u","externalId":"e)" + std::to_string(i) +
             R"(","task":{"classifications":[{"tool":"radio","title":)" + nasty_json +
             R"(,"answer":)" + (i == 3 ? std::string("\"\"") : nasty_json) + "}]}}\n";
  write_file(dir / "in.ndjson", input);
  auto doc = convert_and_read(dir / "in.ndjson", R"({"question":)" + nasty_json + "}", dir);
  ASSERT_FALSE(doc.empty());
  EXPECT_EQ(doc.at("header").as_array().at(4).as_string(), nasty);
  const auto& rows = doc.at("rows").as_array();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0].as_array().at(4).as_string(), nasty);
  RunResult labels = run("unzip -p " + quote((dir / "out.zip").string()) + " labels.txt");
  if (labels.exit_code == 0) {
    std::size_t lines = 0;
    for (char ch : labels.out)
      lines += ch == '\n';
    EXPECT_EQ(lines, 3u) << labels.out;
  }
}

}  // namespace
}  // namespace xport::test
