// `xport convert -f csv|tsv` as a user runs it, read back by Python's csv module
// (check_table.py): rectangular tables, row counts that match report.json, user text that
// round-trips exactly.
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
               << "the unit tests (csv_unit_test) still cover the format"

// Converts and reads the table back: {"header", "rows", "report"}.
boost::json::object convert_and_read(const fs::path& input, const std::string& format,
                                     const std::string& config, const TempDir& dir) {
  fs::path out = dir / "out.zip";
  RunResult x = run(quote(kXport) + " convert -q -f " + format + " -c " + quote(config) +
                    " --project-id p " + quote(input.string()) + " " + quote(out.string()));
  EXPECT_EQ(x.exit_code, 0) << x.err;
  RunResult c = run(kPython + " " + quote(kChecker) + " " + quote(out.string()) + " p." + format +
                    (format == "tsv" ? " --tsv" : ""));
  EXPECT_EQ(c.exit_code, 0) << input << " " << config << "\n" << c.err;
  if (c.exit_code != 0) return {};
  return boost::json::parse(c.out).as_object();
}

std::uint64_t output_count(const boost::json::object& doc, const char* key) {
  return doc.at("report").at("output").at(key).to_number<std::uint64_t>();
}

TEST(CsvCli, SharedSamplesAreRectangularAndMatchTheReport) {
  REQUIRE_PYTHON();
  for (const char* name : {"sample_v2.json", "sample_v3.json", "sample_v3.ndjson"}) {
    for (const char* format : {"csv", "tsv"}) {
      TempDir dir;
      auto doc = convert_and_read(kShared + "/samples/" + name, format, "{}", dir);
      ASSERT_FALSE(doc.empty()) << name << " " << format;
      EXPECT_EQ(doc.at("header").as_array().size(), 11u);
      EXPECT_EQ(doc.at("rows").as_array().size(), output_count(doc, "objects")) << name;
      EXPECT_GT(output_count(doc, "objects"), 0u) << name;
      // Every geometry cell is JSON.
      for (const auto& row : doc.at("rows").as_array()) {
        std::string_view geometry = row.as_array().at(9).as_string();
        if (!geometry.empty()) {
          EXPECT_NO_THROW(boost::json::parse(geometry)) << geometry;
        }
      }

      doc = convert_and_read(kShared + "/samples/" + name, format, R"({"one_row_per_asset":true})",
                             dir);
      ASSERT_FALSE(doc.empty()) << name << " " << format;
      EXPECT_EQ(doc.at("rows").as_array().size(), output_count(doc, "assets")) << name;
    }
  }
}

TEST(CsvCli, GeneratedExportsMatchTheReport) {
  REQUIRE_PYTHON();
  TempDir gen;
  for (const char* shape : {"--shape v3", "--shape v2 --array"}) {
    fs::path input =
        gen / (std::string(shape).find("v2") != std::string::npos ? "v2.json" : "v3.ndjson");
    RunResult g = run(kPython + " " + quote(kShared + "/bench/gen_aaf.py") +
                      " --assets 2000 --seed 5 " + shape + " --out " + quote(input.string()));
    ASSERT_EQ(g.exit_code, 0) << g.err;
    for (const char* format : {"csv", "tsv"}) {
      TempDir dir;
      auto doc = convert_and_read(input, format, "{}", dir);
      ASSERT_FALSE(doc.empty()) << shape << " " << format;
      EXPECT_EQ(doc.at("rows").as_array().size(), output_count(doc, "objects"));
      EXPECT_GT(output_count(doc, "objects"), 2000u);
      doc = convert_and_read(input, format, R"({"one_row_per_asset":true})", dir);
      ASSERT_FALSE(doc.empty()) << shape << " " << format;
      EXPECT_EQ(doc.at("rows").as_array().size(), 2000u);
      EXPECT_EQ(output_count(doc, "assets"), 2000u);
    }
  }
}

TEST(CsvCli, UserTextRoundTripsThroughPythonsCsvModule) {
  REQUIRE_PYTHON();
  const std::string nasty = "Title, with \"quotes\"\nand a newline\tand tab \\ é 漢字 🚀";
  const std::string nasty_json = boost::json::serialize(boost::json::value(nasty));
  TempDir dir;
  std::string input;
  for (int i = 0; i < 3; ++i)
    input +=
        R"({"asset":"https://x/a.jpg","externalId":)" + nasty_json +
        R"(,"task":{"tools":[{"title":)" + nasty_json +
        R"(,"point":[1,2],"classifications":[{"tool":"checkbox","title":"T","answer":["a,b","c\"d"]}]}]}})"
        "\n";
  write_file(dir / "in.ndjson", input);
  for (const char* format : {"csv", "tsv"}) {
    auto doc = convert_and_read(dir / "in.ndjson", format, "{}", dir);
    ASSERT_FALSE(doc.empty()) << format;
    const auto& rows = doc.at("rows").as_array();
    ASSERT_EQ(rows.size(), 3u) << format;
    for (const auto& row : rows) {
      EXPECT_EQ(row.as_array().at(1).as_string(), nasty) << format;
      EXPECT_EQ(row.as_array().at(6).as_string(), nasty) << format;
      EXPECT_EQ(row.as_array().at(10).as_string(), "T=a,b|c\"d") << format;
    }
  }
}

TEST(CsvCli, FormatsCommandDescribesEveryOption) {
  for (const char* format : {"csv", "tsv"}) {
    RunResult x = run(quote(kXport) + " formats " + format);
    EXPECT_EQ(x.exit_code, 0) << x.err;
    for (const char* option : {"one_row_per_asset", "include_classifications", "empty_rows"})
      EXPECT_NE(x.out.find(std::string("\"") + option + "\""), std::string::npos) << option;
  }
}

}  // namespace
}  // namespace xport::test
