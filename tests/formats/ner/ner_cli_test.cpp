// `xport convert -f ner` as a user runs it, read back by the independent reader check_ner.py
// (Python's own str.split() and str indices): valid BIO/BIOES sequences, JSONL spans inside
// their texts, CoNLL tokens equal to text.split(), and, on generated exports with accents,
// CJK, emoji and UTF-16 offsets, exactly the spans the generator computed in Python.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>

#include "support/format_cli.hpp"
#include "support/process.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;

const std::string kXport = XPORT_BINARY;
const std::string kShared = XPORT_SHARED_DIR;
const std::string kChecker = NER_CHECKER;
const std::string kGenerator = fs::path(NER_CHECKER).parent_path() / "gen_ner.py";

#define REQUIRE_PYTHON() XPORT_REQUIRE_PYTHON_CHECKER(kChecker, "ner_unit_test")

boost::json::object check(const fs::path& input, const std::string& config, const TempDir& dir,
                          const std::string& checker_args = "") {
  std::string out =
      convert_and_run_checker(kXport, "ner", input, config, kChecker, checker_args, dir);
  if (out.empty()) return {};
  return boost::json::parse(out).as_object();
}

std::uint64_t note(const boost::json::object& doc, std::string_view action,
                   std::string_view reason) {
  std::uint64_t n = 0;
  for (const auto& v : doc.at("report").at("output").at("notes").as_array()) {
    const auto& o = v.as_object();
    if (o.at("action").as_string() == action &&
        std::string_view(o.at("reason").as_string()).find(reason) != std::string_view::npos)
      n += o.at("count").to_number<std::uint64_t>();
  }
  return n;
}

std::uint64_t number(const boost::json::value& v) {
  return v.to_number<std::uint64_t>();
}

TEST(NerCli, SharedSamplesWithoutTextsUseSelectionsAndSayWhy) {
  REQUIRE_PYTHON();
  for (const char* name : {"sample_v3.json", "sample_v3.ndjson"}) {
    TempDir dir;
    auto doc = check(kShared + "/samples/" + name, "{}", dir);
    ASSERT_FALSE(doc.empty()) << name;
    // review_17.txt: "Lisbon" and "Maria" as sentences of their own.
    EXPECT_EQ(number(doc.at("jsonl_documents")), 2u) << name;
    EXPECT_EQ(doc.at("texts").as_array().at(0).as_string(), "Lisbon");
    EXPECT_EQ(number(doc.at("conll_documents")), 1u);
    EXPECT_EQ(note(doc, "altered", "no text for the asset"), 1u);
    EXPECT_GT(note(doc, "ignored", "not a ner object"), 0u);
    EXPECT_GT(note(doc, "ignored", "without ner objects and without text"), 0u);
  }
  // v2 exports carry no selection: without the text nothing can be written, and it says so.
  TempDir dir;
  auto doc = check(kShared + "/samples/sample_v2.json", "{}", dir);
  ASSERT_FALSE(doc.empty());
  EXPECT_EQ(number(doc.at("jsonl_documents")), 0u);
  EXPECT_EQ(note(doc, "dropped", "no text and no selection"), 2u);
}

TEST(NerCli, SharedSamplesWithATextsDirectory) {
  REQUIRE_PYTHON();
  for (const char* name : {"sample_v2.json", "sample_v3.ndjson"}) {
    TempDir dir;
    fs::create_directories(dir / "texts");
    const std::string text = "Stayed two nights in Lisbon and my host Maria was kind.";
    write_file(dir / "texts/review_17.txt", text);
    auto doc = check(kShared + "/samples/" + name,
                     R"({"texts":)" +
                         boost::json::serialize(
                             boost::json::value(boost::json::string((dir / "texts").string()))) +
                         "}",
                     dir);
    ASSERT_FALSE(doc.empty()) << name;
    ASSERT_EQ(number(doc.at("jsonl_documents")), 1u) << name;
    EXPECT_EQ(doc.at("texts").as_array().at(0).as_string(), text);
    EXPECT_EQ(number(doc.at("spans")), 2u);
    EXPECT_EQ(number(doc.at("conll_entities").at("LOC")), 1u);
    EXPECT_EQ(number(doc.at("conll_entities").at("PER")), 1u);
    EXPECT_EQ(note(doc, "dropped", ""), 0u) << name;
  }
}

TEST(NerCli, GeneratedUnicodeExportMatchesPythonOffsets) {
  REQUIRE_PYTHON();
  struct Case {
    const char* config;
    const char* args;
  } cases[] = {
      {R"({"text_field":"contextData.text"})", ""},
      {R"({"text_field":"contextData.text","scheme":"BIOES","sentences":"lines"})",
       "--scheme BIOES"},
  };
  for (const Case& c : cases) {
    TempDir dir;
    RunResult g =
        run(kSystemPython + " " + quote(kGenerator) + " " + quote((dir / "gen.ndjson").string()) +
            " " + quote((dir / "expected.jsonl").string()) + " --assets 4000 --seed 7");
    ASSERT_EQ(g.exit_code, 0) << g.err;
    auto doc = check(dir / "gen.ndjson", c.config, dir,
                     c.args + std::string(" --expect ") + quote((dir / "expected.jsonl").string()));
    ASSERT_FALSE(doc.empty()) << c.config;
    EXPECT_EQ(number(doc.at("jsonl_documents")), 4000u);
    EXPECT_EQ(number(doc.at("conll_documents")), 4000u);
    EXPECT_EQ(number(doc.at("report").at("output").at("objects")), number(doc.at("spans")));
    // The generator makes overlaps and entities ending inside tokens: reported, not hidden.
    EXPECT_GT(note(doc, "altered", "overlapping entity"), 0u);
    EXPECT_GT(note(doc, "altered", "boundary inside a whitespace token"), 0u);
    EXPECT_EQ(note(doc, "dropped", ""), 0u);
  }
}

TEST(NerCli, FormatsListsTheOptionsAndBadConfigIsAUsageError) {
  RunResult f = run(quote(kXport) + " formats ner");
  EXPECT_EQ(f.exit_code, 0) << f.err;
  for (const char* option : {"output", "scheme", "texts", "text_field", "offsets", "sentences"})
    EXPECT_NE(f.out.find(option), std::string::npos) << option << "\n" << f.out;
  TempDir dir;
  for (const char* config :
       {R"({"scheme":"IOB1"})", R"({"texts":"/no/such/dir"})", R"({"unknown":1})"}) {
    RunResult x =
        run(quote(kXport) + " convert -q -f ner -c " + quote(config) + " " +
            quote(kShared + "/samples/sample_v3.ndjson") + " " + quote((dir / "out.zip").string()));
    EXPECT_EQ(x.exit_code, 2) << config << "\n" << x.err;
    EXPECT_FALSE(x.err.empty());
  }
}

}  // namespace
}  // namespace xport::test
