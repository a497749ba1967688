// The ner format through xport::convert(): CoNLL BIO/BIOES lines and JSONL spans from texts
// given in the asset, in a directory or in a JSONL file; UTF-16 offsets on accented and
// emoji text; and everything that cannot be written as it was (no text, mismatching
// selections, overlaps, boundaries inside tokens, audio, other tools) reported.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <filesystem>
#include <fstream>

#include "formats/csv/table_test_support.hpp"
#include "support/process.hpp"
#include "xport/errors.hpp"

namespace xport::test {
namespace {

std::string json(std::string_view s) {
  return boost::json::serialize(boost::json::value(boost::json::string(s)));
}

std::string ner(double start, double end, std::string_view title,
                std::optional<std::string_view> selection = std::nullopt) {
  std::string s = R"({"ner":{"start":)" + boost::json::serialize(boost::json::value(start)) +
                  R"(,"end":)" + boost::json::serialize(boost::json::value(end));
  if (selection) s += R"(,"selection":)" + json(*selection);
  return s + R"(},"objectId":"o","title":)" + json(title) + R"(,"classifications":[]})";
}

// A v3 text asset; `text` (when given) is in contextData.text.
std::string text_asset(std::string_view external_id, std::string_view tools,
                       std::optional<std::string_view> text = std::nullopt,
                       std::string_view asset_id = "A1") {
  std::string s = R"({"asset":"https://x/t.txt","externalId":)" + json(external_id) +
                  R"(,"assetId":)" + json(asset_id);
  if (text) s += R"(,"contextData":{"text":)" + json(*text) + "}";
  return s + R"(,"task":{"taskId":"T1","tools":[)" + std::string(tools) + "]}}\n";
}

const char* kField = R"({"text_field":"contextData.text")";

std::string config(std::string_view extra = "") {
  return std::string(kField) + std::string(extra) + "}";
}

std::vector<boost::json::object> jsonl(const std::string& data) {
  std::vector<boost::json::object> out;
  std::size_t pos = 0;
  while (pos < data.size()) {
    std::size_t end = data.find('\n', pos);
    out.push_back(boost::json::parse(data.substr(pos, end - pos)).as_object());
    pos = end + 1;
  }
  return out;
}

TEST(NerConvert, BioLinesAndSpansFromTheAssetText) {
  const std::string text = "EU rejects German call to boycott British lamb .";
  auto out =
      convert_table("ner",
                    text_asset("doc1",
                               ner(0, 2, "ORG", "EU") + "," + ner(34, 41, "MISC", "British") + "," +
                                   ner(11, 17, "MISC", "German"),
                               text),
                    config());
  EXPECT_EQ(out.at("ner.conll"),
            "-DOCSTART- -X- -X- O\n\n"
            "EU B-ORG\nrejects O\nGerman B-MISC\ncall O\nto O\nboycott O\nBritish B-MISC\n"
            "lamb O\n. O\n\n");
  auto lines = jsonl(out.at("ner.jsonl"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0].at("text").as_string(), text);
  EXPECT_EQ(boost::json::serialize(lines[0].at("spans")),
            R"([{"start":0,"end":2,"label":"ORG"},{"start":11,"end":17,"label":"MISC"},)"
            R"({"start":34,"end":41,"label":"MISC"}])");
  EXPECT_EQ(lines[0].at("externalId").as_string(), "doc1");
  EXPECT_EQ(lines[0].at("assetId").as_string(), "A1");
  EXPECT_EQ(lines[0].at("source").as_string(), "text");
  EXPECT_EQ(out.count("objects"), 3u);
  EXPECT_EQ(out.report.at("output").at("notes").as_array().size(), 0u);
}

TEST(NerConvert, MultiTokenEntitiesBioAndBioes) {
  const std::string text = "New York City is big";
  const std::string input =
      text_asset("d", ner(0, 13, "LOC", "New York City") + "," + ner(17, 20, "ADJ", "big"), text);
  auto bio = convert_table("ner", input, config(R"(,"output":"conll")"));
  EXPECT_EQ(bio.at("ner.conll"),
            "-DOCSTART- -X- -X- O\n\nNew B-LOC\nYork I-LOC\nCity I-LOC\nis O\nbig B-ADJ\n\n");
  EXPECT_FALSE(bio.has("ner.jsonl"));
  auto bioes = convert_table("ner", input, config(R"(,"scheme":"BIOES","output":"conll")"));
  EXPECT_EQ(bioes.at("ner.conll"),
            "-DOCSTART- -X- -X- O\n\nNew B-LOC\nYork I-LOC\nCity E-LOC\nis O\nbig S-ADJ\n\n");
  auto only_jsonl = convert_table("ner", input, config(R"(,"output":"jsonl")"));
  EXPECT_FALSE(only_jsonl.has("ner.conll"));
  EXPECT_EQ(jsonl(only_jsonl.at("ner.jsonl")).size(), 1u);
}

TEST(NerConvert, Utf16OffsetsOnAccentsAndEmoji) {
  // The platform counts UTF-16 code units: the rocket is two, so Łódź starts at 27, which
  // is code point 26 (what ner.jsonl and Python's str indices use).
  const std::string text = "Zoë visitou São Paulo 🚀 e Łódź.";
  const std::string tools = ner(0, 3, "PER", "Zoë") + "," + ner(12, 21, "LOC", "São Paulo") + "," +
                            ner(27, 31, "LOC", "Łódź");
  auto out = convert_table("ner", text_asset("d", tools, text), config());
  EXPECT_EQ(out.at("ner.conll"),
            "-DOCSTART- -X- -X- O\n\nZoë B-PER\nvisitou O\nSão B-LOC\nPaulo I-LOC\n🚀 O\ne O\n"
            "Łódź. B-LOC\n\n");
  auto lines = jsonl(out.at("ner.jsonl"));
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(boost::json::serialize(lines[0].at("spans")),
            R"([{"start":0,"end":3,"label":"PER"},{"start":12,"end":21,"label":"LOC"},)"
            R"({"start":26,"end":30,"label":"LOC"}])");
  // "Łódź." is one token: the entity ends inside it.
  EXPECT_EQ(out.note("altered", "boundary inside a whitespace token"), 1u);
  EXPECT_EQ(out.count("objects"), 3u);

  // The same offsets read as code points point elsewhere: Łódź is then reported, not used.
  auto cps =
      convert_table("ner", text_asset("d", tools, text), config(R"(,"offsets":"codepoints")"));
  EXPECT_EQ(cps.note("dropped", "selection does not match"), 1u);
  EXPECT_NE(cps.detail("selection does not match").find("Łódź"), std::string::npos);
  // An offset between the two halves of the rocket splits a character.
  auto split = convert_table("ner", text_asset("d", ner(23, 25, "X"), text), config());
  EXPECT_EQ(split.note("dropped", "surrogate pair"), 1u);
}

TEST(NerConvert, WithoutTextEachSelectionStandsAlone) {
  std::string input =
      text_asset("r17", ner(21, 27, "LOC", "Lisbon") + "," + ner(40, 52, "PER", "Maria Santos") +
                            "," + ner(60, 64, "PER"));
  auto out = convert_table("ner", input);
  EXPECT_EQ(out.at("ner.conll"),
            "-DOCSTART- -X- -X- O\n\nLisbon B-LOC\n\nMaria B-PER\nSantos I-PER\n\n");
  auto lines = jsonl(out.at("ner.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[1].at("text").as_string(), "Maria Santos");
  EXPECT_EQ(boost::json::serialize(lines[1].at("spans")),
            R"([{"start":0,"end":12,"label":"PER"}])");
  EXPECT_EQ(lines[1].at("source").as_string(), "selection");
  EXPECT_EQ(out.note("altered", "no text for the asset"), 1u);
  EXPECT_NE(out.detail("no text for the asset").find("text_field"), std::string::npos);
  EXPECT_EQ(out.note("dropped", "no text and no selection"), 1u);
  EXPECT_EQ(out.count("objects"), 2u);
}

TEST(NerConvert, MismatchingSelectionIsReportedNotUsed) {
  const std::string text = "Meet Ana in Porto.";
  auto out = convert_table(
      "ner", text_asset("d", ner(5, 8, "PER", "Ana") + "," + ner(12, 17, "LOC", "Lisbo"), text),
      config());
  EXPECT_EQ(out.at("ner.conll"), "-DOCSTART- -X- -X- O\n\nMeet O\nAna B-PER\nin O\nPorto. O\n\n");
  EXPECT_EQ(jsonl(out.at("ner.jsonl"))[0].at("spans").as_array().size(), 1u);
  EXPECT_EQ(out.note("dropped", "selection does not match text[start:end]"), 1u);
  EXPECT_EQ(out.detail("selection does not match"),
            "[12, 17): text \"Porto\", selection \"Lisbo\"");
}

TEST(NerConvert, OverlapsKeepTheLongestInConllAndAllInJsonl) {
  const std::string text = "Bank of America Tower";
  auto out = convert_table("ner",
                           text_asset("d",
                                      ner(0, 4, "ORG") + "," + ner(8, 15, "LOC") + "," +
                                          ner(0, 15, "ORG") + "," + ner(0, 21, "FAC"),
                                      text),
                           config());
  EXPECT_EQ(out.at("ner.conll"),
            "-DOCSTART- -X- -X- O\n\nBank B-FAC\nof I-FAC\nAmerica I-FAC\nTower I-FAC\n\n");
  EXPECT_EQ(jsonl(out.at("ner.jsonl"))[0].at("spans").as_array().size(), 4u);
  EXPECT_EQ(out.note("altered", "overlapping entity left out of ner.conll"), 3u);
  EXPECT_EQ(out.count("objects"), 4u);
}

TEST(NerConvert, EntitiesTouchingOneTokenAndWhitespaceOnly) {
  // "New" and "York" do not overlap as characters but share the token "New-York": the
  // longer one is kept.
  const std::string text = "New-York  and";
  auto out = convert_table(
      "ner", text_asset("d", ner(0, 3, "A") + "," + ner(4, 8, "B") + "," + ner(8, 10, "C"), text),
      config());
  EXPECT_EQ(out.at("ner.conll"), "-DOCSTART- -X- -X- O\n\nNew-York B-B\nand O\n\n");
  EXPECT_EQ(out.note("altered", "overlapping entity"), 1u);
  EXPECT_EQ(out.note("altered", "boundary inside a whitespace token"), 1u);
  EXPECT_EQ(out.note("altered", "only white space"), 1u);
}

TEST(NerConvert, OffsetProblemsAudioAndOtherToolsAreReported) {
  const std::string text = "short text";
  std::string input =
      text_asset("d",
                 ner(0, 5, "OK", "short") + "," + ner(6, 99, "FAR") + "," + ner(3, 3, "EMPTY") +
                     "," + ner(4, 2, "BACK") + "," + ner(0.5, 2.25, "SECONDS") + "," +
                     ner(0, 5, "") + R"(,{"bounding-box":{"x":1,"y":2,"width":3,"height":4},)" +
                     R"("title":"Car"},{"ner":{"start":"x"},"title":"BAD"})",
                 text) +
      R"({"asset":"https://x/a.mp3","externalId":"talk.MP3","task":{"tools":[)" +
      ner(1, 2, "SPEAKER") + "]}}\n";
  auto out = convert_table("ner", input, config());
  EXPECT_EQ(out.at("ner.conll"), "-DOCSTART- -X- -X- O\n\nshort B-OK\ntext O\n\n");
  EXPECT_EQ(out.note("dropped", "beyond the end of the text"), 1u);
  EXPECT_EQ(out.detail("beyond the end"), "[6, 99), text length 10");
  EXPECT_EQ(out.note("dropped", "empty ner span"), 1u);
  EXPECT_EQ(out.note("dropped", "end before start"), 1u);
  EXPECT_EQ(out.note("dropped", "not whole numbers"), 1u);
  EXPECT_EQ(out.note("dropped", "without a title"), 1u);
  EXPECT_EQ(out.note("ignored", "not a ner object (bounding-box)"), 1u);
  EXPECT_EQ(out.note("dropped", "malformed geometry"), 1u);
  EXPECT_EQ(out.note("dropped", "audio asset"), 1u);
  EXPECT_EQ(out.note("ignored", "without ner objects and without text"), 1u);
  EXPECT_EQ(out.count("objects"), 1u);
  EXPECT_EQ(out.count("assets"), 2u);
}

TEST(NerConvert, AssetsWithoutEntitiesButWithTextAreAllO) {
  auto out = convert_table("ner", text_asset("d", "", std::string("nothing here")), config());
  EXPECT_EQ(out.at("ner.conll"), "-DOCSTART- -X- -X- O\n\nnothing O\nhere O\n\n");
  EXPECT_EQ(jsonl(out.at("ner.jsonl"))[0].at("spans").as_array().size(), 0u);
}

TEST(NerConvert, SentencesAtLineBreaksButNeverInsideAnEntity) {
  const std::string text = "Hello Ana\n\nSee New\nYork\nnow";
  auto out =
      convert_table("ner", text_asset("d", ner(6, 9, "PER") + "," + ner(15, 23, "LOC"), text),
                    config(R"(,"sentences":"lines","output":"conll")"));
  EXPECT_EQ(out.at("ner.conll"),
            "-DOCSTART- -X- -X- O\n\nHello O\nAna B-PER\n\nSee O\nNew B-LOC\nYork I-LOC\n\n"
            "now O\n\n");
}

TEST(NerConvert, LabelsWithSpacesAndUserTextStayValid) {
  const std::string text = "a \"quoted\"\ttab\\slash \u2028line";
  auto out = convert_table(
      "ner", text_asset("e\"x", ner(2, 10, "Quoted Thing", "\"quoted\""), text), config());
  EXPECT_EQ(out.at("ner.conll"),
            "-DOCSTART- -X- -X- O\n\na O\n\"quoted\" B-Quoted_Thing\ntab\\slash O\nline O\n\n");
  EXPECT_EQ(out.note("altered", "label with white space"), 1u);
  auto lines = jsonl(out.at("ner.jsonl"));
  EXPECT_EQ(lines[0].at("text").as_string(), text);
  EXPECT_EQ(lines[0].at("externalId").as_string(), "e\"x");
  EXPECT_EQ(lines[0].at("spans").at(0).at("label").as_string(), "Quoted Thing");
}

TEST(NerConvert, TextsFromADirectoryNeverLeaveIt) {
  TempDir dir;
  std::filesystem::create_directories(dir / "texts");
  write_file(dir / "texts/doc1.txt", "\xEF\xBB\xBFHi Ana");  // BOM stripped
  write_file(dir / "texts/A2", "Hi Rui");                    // by assetId
  write_file(dir / "secret.txt", "Hi Eve");
  write_file(dir / "texts/bad.txt", "Hi \xFF");
  std::string input = text_asset("doc1", ner(3, 6, "PER", "Ana")) +
                      text_asset("other", ner(3, 6, "PER", "Rui"), std::nullopt, "A2") +
                      text_asset("../secret", ner(3, 6, "PER", "Eve"), std::nullopt, "A3") +
                      text_asset("bad", ner(3, 4, "X", "x"));
  const std::string cfg = R"({"texts":)" + json((dir / "texts").string()) + "}";
  auto out = convert_table("ner", input, cfg);
  auto lines = jsonl(out.at("ner.jsonl"));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].at("text").as_string(), "Hi Ana");
  EXPECT_EQ(lines[1].at("text").as_string(), "Hi Rui");
  EXPECT_EQ(lines[2].at("source").as_string(), "selection");  // not ../secret.txt
  EXPECT_EQ(lines[3].at("source").as_string(), "selection");
  EXPECT_EQ(out.note("altered", "no text for the asset"), 1u);
  EXPECT_EQ(out.note("altered", "not valid UTF-8"), 1u);
}

TEST(NerConvert, TextsFromAJsonlFile) {
  TempDir dir;
  write_file(dir / "t.jsonl",
             "{\"externalId\":\"d\",\"text\":\"by externalId\"}\n\n"
             "{\"assetId\":\"A9\",\"text\":\"by assetId\"}\n");
  std::string input = text_asset("d", ner(3, 13, "X", "externalId"), std::nullopt, "A1") +
                      text_asset("d", ner(3, 10, "X", "assetId"), std::nullopt, "A9");
  auto out = convert_table("ner", input, R"({"texts":)" + json((dir / "t.jsonl").string()) + "}");
  auto lines = jsonl(out.at("ner.jsonl"));
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("text").as_string(), "by externalId");
  EXPECT_EQ(lines[1].at("text").as_string(), "by assetId");
  EXPECT_EQ(out.report.at("output").at("notes").as_array().size(), 0u);
}

TEST(NerConvert, BadOptionsAreConfigErrors) {
  const std::string input = text_asset("d", ner(0, 1, "X", "x"));
  for (const char* cfg :
       {R"({"output":"xml"})", R"({"scheme":"IOB1"})", R"({"offsets":"bytes"})",
        R"({"sentences":"words"})", R"({"texts":"/nonexistent/dir"})", R"({"text_field":"a..b"})",
        R"({"tokenizer":"spacy"})", R"({"output":1})"})
    EXPECT_THROW(convert_table("ner", input, cfg), ConfigError) << cfg;
  TempDir dir;
  write_file(dir / "t.txt", "x");
  EXPECT_THROW(convert_table("ner", input, R"({"texts":)" + json((dir / "t.txt").string()) + "}"),
               ConfigError);
  write_file(dir / "t.jsonl", "{\"text\":\"no id\"}\n");
  EXPECT_THROW(convert_table("ner", input, R"({"texts":)" + json((dir / "t.jsonl").string()) + "}"),
               ConfigError);
}

TEST(NerConvert, ManyAssetsAcrossChunksKeepInputOrder) {
  // About 10 MB of input: several of the reader's chunks, converted on 4 threads.
  const std::string pad = R"({"pad":")" + std::string(3000, 'x') + "\",";
  std::string input;
  for (int i = 0; i < 3000; ++i) {
    const std::string id = std::to_string(i);
    input += pad;
    input +=
        text_asset(id, ner(5, static_cast<double>(5 + id.size()), "NUM", id), "item " + id + " end")
            .substr(1);
  }
  auto out = convert_table("ner", input, config(), 4);
  auto lines = jsonl(out.at("ner.jsonl"));
  ASSERT_EQ(lines.size(), 3000u);
  std::string expected;
  for (int i = 0; i < 3000; ++i) {
    ASSERT_EQ(lines[i].at("externalId").as_string(), std::to_string(i));
    expected += "-DOCSTART- -X- -X- O\n\nitem O\n" + std::to_string(i) + " B-NUM\nend O\n\n";
  }
  EXPECT_EQ(out.at("ner.conll"), expected);
  EXPECT_EQ(out.count("objects"), 3000u);
}

}  // namespace
}  // namespace xport::test
