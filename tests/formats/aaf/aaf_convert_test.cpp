// The aaf format through xport::convert(): byte-for-byte pass-through (numbers, escapes,
// unicode untouched), NDJSON <-> JSON array, asset filters (stages, batches), object
// filters (classes, key frames) with their relations, v2 -> v3 normalisation, the report,
// and the Config JSON checks. Suites are named aaf_format* (ctest -R aaf_format).
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <iterator>
#include <random>

#include "formats/csv/table_test_support.hpp"
#include "xport/errors.hpp"

namespace xport::test {
namespace {

namespace json = boost::json;

// Values a careless re-serialiser would change: huge/precise numbers, escapes, raw unicode.
const std::string kTricky =
    R"({"asset":"https://x/a b.jpg","externalId":"q\"\\\/\u00e9 é 🚀\n\t","n":[1e300,0.1,)"
    R"(1.0,-0,12345678901234567890123,1E-7,2.50],"metadata":{"width":10,"height":20},)"
    R"("task":{"taskId":"T","stage":"Review","tools":[{"title":"Car","objectId":"o1",)"
    R"("bounding-box":{"x":0.30000000000000004,"y":1e-320,"width":1,"height":2}}]}})";

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    EXPECT_NE(end, std::string::npos) << "last line without \\n";
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string v3(std::string_view stage, std::string_view batches, std::string_view tools,
               std::string_view relations = "", std::string_view extra = "") {
  return std::string(R"({"asset":"https://x/a.jpg","externalId":"e",)") + std::string(extra) +
         R"("batches":[)" + std::string(batches) + R"(],"task":{"taskId":"T","stage":")" +
         std::string(stage) + R"(","tools":[)" + std::string(tools) +
         R"(],"classifications":[{"title":"Q","tool":"text","answer":"x"}],"relations":[)" +
         std::string(relations) + "]}}";
}

std::string tool(std::string_view title, std::string_view id, std::string_view more = "") {
  return std::string(R"({"title":")") + std::string(title) + R"(","objectId":")" + std::string(id) +
         R"(","point":[1.50,2e2])" + std::string(more) + "}";
}

TEST(aaf_format, PassThroughIsByteForByte) {
  std::string input = kTricky + "\n" + v3("Complete", R"("b1",null)", tool("Dog", "d")) + "\n";
  for (std::string config : {"{}", R"({"classes":["Car","Dog"]})", R"({"normalize":"v3"})"}) {
    auto out = convert_table("aaf", input, config);
    EXPECT_EQ(out.at("export.ndjson"), input) << config;
    EXPECT_EQ(out.count("assets"), 2u);
    EXPECT_EQ(out.count("objects"), 2u);
    EXPECT_EQ(out.report.at("output").at("objects_per_kind").at("bounding-box"), 1);
  }
}

TEST(aaf_format, CrlfAndBlankLinesBecomePlainLines) {
  std::string input = kTricky + "\r\n\r\n" + v3("S", "", "") + "\r\n";
  auto out = convert_table("aaf", input);
  EXPECT_EQ(out.at("export.ndjson"), kTricky + "\n" + v3("S", "", "") + "\n");
}

TEST(aaf_format, PrettyJsonArrayBecomesOneLinePerAssetWithTokensUnchanged) {
  std::string input =
      "[\n  {\n    \"asset\" : \"a  b\\\" c\",\n    \"n\": [ 1e300 ,\t0.10, "
      "12345678901234567890123 "
      "],\n    \"s\": \"  spaced  \\u0041 é\"\n  },\n  {\"asset\":\"x\"}\n]\n";
  auto out = convert_table("aaf", input);
  EXPECT_EQ(out.at("export.ndjson"),
            "{\"asset\":\"a  b\\\" c\",\"n\":[1e300,0.10,12345678901234567890123],"
            "\"s\":\"  spaced  \\u0041 é\"}\n{\"asset\":\"x\"}\n");
  // As a JSON array the assets keep their own bytes (indentation included).
  auto array = convert_table("aaf", input, R"({"layout":"json"})");
  EXPECT_EQ(array.at("export.json"),
            "[\n{\n    \"asset\" : \"a  b\\\" c\",\n    \"n\": [ 1e300 ,\t0.10, "
            "12345678901234567890123 ],\n    \"s\": \"  spaced  \\u0041 é\"\n  },\n"
            "{\"asset\":\"x\"}\n]\n");
  EXPECT_NO_THROW(json::parse(array.at("export.json")));
}

TEST(aaf_format, NdjsonToJsonArrayAndEmptyExports) {
  std::string a = v3("S", "", tool("Car", "1"));
  std::string b = v3("S", "", "");
  auto out = convert_table("aaf", a + "\n" + b + "\n", R"({"layout":"json"})");
  EXPECT_EQ(out.at("export.json"), "[\n" + a + ",\n" + b + "\n]\n");
  EXPECT_EQ(convert_table("aaf", "", R"({"layout":"json"})").at("export.json"), "[]\n");
  EXPECT_EQ(convert_table("aaf", "").at("export.ndjson"), "");
  // Everything filtered out: still a valid (empty) array.
  EXPECT_EQ(convert_table("aaf", a + "\n", R"({"layout":"json","stages":["X"]})").at("export.json"),
            "[]\n");
}

TEST(aaf_format, ManyAssetsAcrossChunksKeepTheirOrder) {
  std::string input;
  for (int i = 0; i < 5000; ++i)
    input += R"({"asset":"a","externalId":)" + std::to_string(i) + R"(,"batches":[")" +
             (i % 3 ? "keep" : "drop") + R"("],"task":{"stage":"S","tools":[]}})" + "\n";
  auto out = convert_table("aaf", input, R"({"layout":"json","batches":["keep","other"]})", 4);
  json::array assets = json::parse(out.at("export.json")).as_array();
  ASSERT_EQ(assets.size(), 3333u);
  std::size_t k = 0;
  for (int i = 0; i < 5000; ++i)
    if (i % 3) {
      ASSERT_EQ(assets[k++].at("externalId").as_int64(), i);
    }
  EXPECT_EQ(out.note("dropped", "no batch in \"batches\""), 1667u);
  EXPECT_EQ(out.count("assets"), 3333u);
}

TEST(aaf_format, StagesUseV3StageAndV2Status) {
  std::string input = v3("Review", "", "") + "\n" + v3("Complete", "", "") + "\n" +
                      R"({"asset":"v2","tasks":[{"status":"Complete","objects":[]}]})" + "\n" +
                      R"({"asset":"v2b","tasks":[{"status":"Todo","objects":[]}]})" + "\n" +
                      R"({"asset":"none"})" + "\n";
  auto out = convert_table("aaf", input, R"({"stages":["Complete"]})");
  auto kept = lines(out.at("export.ndjson"));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0], v3("Complete", "", ""));
  EXPECT_EQ(kept[1], R"({"asset":"v2","tasks":[{"status":"Complete","objects":[]}]})");
  EXPECT_EQ(out.note("dropped", "stage not in \"stages\""), 3u);
}

TEST(aaf_format, BatchesMatchAnyListedBatch) {
  std::string input = v3("S", R"("a",null,"b")", "") + "\n" + v3("S", R"(null)", "") + "\n" +
                      R"({"asset":"no batches","task":{}})" + "\n" + v3("S", R"("c")", "") + "\n";
  auto out = convert_table("aaf", input, R"({"batches":["b","c"]})");
  auto kept = lines(out.at("export.ndjson"));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0], v3("S", R"("a",null,"b")", ""));
  EXPECT_EQ(kept[1], v3("S", R"("c")", ""));
  EXPECT_EQ(out.note("dropped", "no batch"), 2u);
}

TEST(aaf_format, ClassWhitelistDropsObjectsAndTheirRelations) {
  std::string input =
      v3("S", "",
         tool("Car", "c1") + "," + tool("Tree", "t1") + "," + tool("Car", "c2") + "," +
             R"({"objectId":"u","polygon":[[0,0],[1,0],[1,1]]})",
         R"({"from":"c1","to":"t1","direction":"straight"},{"from":"c1","to":"c2"},)"
         R"({"group":["c2","u"]},{"group":["c1"]})") +
      "\n";
  auto out = convert_table("aaf", input, R"({"classes":["Car"]})");
  std::string expected = v3("S", "", tool("Car", "c1") + "," + tool("Car", "c2"),
                            R"({"from":"c1","to":"c2"},{"group":["c1"]})");
  EXPECT_EQ(out.at("export.ndjson"), expected + "\n");
  EXPECT_EQ(out.note("dropped", "object not in \"classes\""), 2u);
  EXPECT_EQ(out.note("dropped", "relation to a dropped object"), 2u);
  EXPECT_EQ(out.count("objects"), 2u);
  EXPECT_EQ(out.report.at("output").at("objects_per_class").at("Car"), 2);
  EXPECT_NE(out.detail("object not in").find("task.tools[1] \"Tree\""), std::string::npos)
      << out.detail("object not in");
}

TEST(aaf_format, ClassWhitelistReachesConsensusTasksAndStageHistory) {
  std::string input =
      R"({"asset":"v2","tasks":[{"objects":[{"title":"A","x":1},{"title":"B"}]},)"
      R"({"objects":[{"title":"B"},{"title":"A","y":1e300}]}]})"
      "\n"
      R"({"asset":"v3","task":{"tools":[{"title":"B"}],"stageHistory":[{"stage":"L",)"
      R"("tools":[{"title":"A"},{"title":"B"}],"relations":[]},null]}})"
      "\n";
  auto out = convert_table("aaf", input, R"({"classes":["A"]})");
  auto kept = lines(out.at("export.ndjson"));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0], R"({"asset":"v2","tasks":[{"objects":[{"title":"A","x":1}]},)"
                     R"({"objects":[{"title":"A","y":1e300}]}]})");
  EXPECT_EQ(kept[1], R"({"asset":"v3","task":{"tools":[],"stageHistory":[{"stage":"L",)"
                     R"("tools":[{"title":"A"}],"relations":[]},null]}})");
  EXPECT_EQ(out.note("dropped", "consensus-task object not in"), 1u);
  EXPECT_EQ(out.note("dropped", "stageHistory object not in"), 1u);
  // Only the asset's own task counts as output objects.
  EXPECT_EQ(out.count("objects"), 1u);
}

TEST(aaf_format, KeyFramesOnlyDropsMarkedInterpolatedFramesOnVideos) {
  const std::string video = R"("metadata":{"frameTotal":300,"frameRate":30},)";
  std::string input =
      v3("S", "",
         tool("Car", "c", R"(,"page":0,"isKeyFrame":true)") + "," +
             tool("Car", "c", R"(,"page":1,"isKeyFrame":false)") + "," +
             tool("Car", "c", R"(,"page":2,"metadata":{"interpolated":true})") + "," +
             tool("Car", "c", R"(,"page":3,"interpolated":true,"interpolationStopped":true)") +
             "," + tool("Car", "c", R"(,"page":4)"),
         R"({"from":"c","to":"c"})", video) +
      "\n" +
      // Not a video: pages are pages, nothing is a frame.
      v3("S", "", tool("Car", "p", R"(,"page":1,"isKeyFrame":false)")) + "\n";
  auto out = convert_table("aaf", input, R"({"key_frames_only":true})");
  auto kept = lines(out.at("export.ndjson"));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0], v3("S", "",
                        tool("Car", "c", R"(,"page":0,"isKeyFrame":true)") + "," +
                            tool("Car", "c",
                                 R"(,"page":3,"interpolated":true,"interpolationStopped":true)") +
                            "," + tool("Car", "c", R"(,"page":4)"),
                        R"({"from":"c","to":"c"})", video));
  EXPECT_EQ(kept[1], v3("S", "", tool("Car", "p", R"(,"page":1,"isKeyFrame":false)")));
  EXPECT_EQ(out.note("dropped", "interpolated frame"), 2u);
  EXPECT_EQ(out.note("ignored", "without a key-frame marker"), 1u);
  EXPECT_EQ(out.detail("without a key-frame marker"), "1 entries");
  EXPECT_EQ(out.note("dropped", "relation"), 0u);  // "c" lives on in its key frames
}

TEST(aaf_format, NormalizeRewritesV2AsV3) {
  std::string v2 =
      R"({"asset":"a","externalId":"e","status":"Labeled","metadata":{"width":1.0},"tasks":[)"
      R"x({"taskId":"T","status":"Completed","duration(ms)":5,"objects":[{"title":"Car",)x"
      R"("bounding-box":{"x":1e300,"y":0.1,"width":12345678901234567890123,"height":-0.0}}],)"
      R"("classifications":[{"title":"Q\u00e9","columnField":false}],"relations":[]},)"
      R"({"taskId":"T2","objects":[]}],"batches":["b"]})";
  std::string v3_line = v3("S", "", tool("Car", "1"));
  auto out = convert_table("aaf", v2 + "\n" + v3_line + "\n", R"({"normalize":"v3"})");
  auto kept = lines(out.at("export.ndjson"));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0],
            R"({"asset":"a","externalId":"e","status":"Labeled","metadata":{"width":1.0},"task":)"
            R"x({"taskId":"T","status":"Completed","stage":"Completed","duration(ms)":5,"tools":)x"
            R"([{"title":"Car","bounding-box":{"x":1e300,"y":0.1,)"
            R"("width":12345678901234567890123,"height":-0.0}}],)"
            R"("classifications":[{"title":"Q\u00e9","columnField":false}],"relations":[]},)"
            R"("batches":["b"]})");
  EXPECT_EQ(kept[1], v3_line);  // already v3: untouched
  EXPECT_EQ(out.note("altered", "consensus tasks beyond tasks[0] left out"), 1u);
  EXPECT_EQ(out.note("altered", "v2 asset rewritten as v3"), 1u);
  EXPECT_EQ(out.count("objects"), 2u);

  // The result reads as v3: the stage filter sees the copied status.
  auto again = convert_table("aaf", kept[0] + "\n", R"({"stages":["Completed"]})");
  EXPECT_EQ(again.at("export.ndjson"), kept[0] + "\n");
}

TEST(aaf_format, NormalizeV2WithoutTasksAndWithFilters) {
  std::string input = R"({"asset":"a","tasks":[]})"
                      "\n"
                      R"({"asset":"b","tasks":[{"objects":[{"title":"A"},{"title":"B"}],)"
                      R"("stage":"kept"}]})"
                      "\n";
  auto out = convert_table("aaf", input, R"({"normalize":"v3","classes":["B"]})");
  auto kept = lines(out.at("export.ndjson"));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[0], R"({"asset":"a"})");
  EXPECT_EQ(kept[1], R"({"asset":"b","task":{"tools":[{"title":"B"}],"stage":"kept"}})");
  EXPECT_EQ(out.note("altered", "without a task"), 1u);
}

TEST(aaf_format, InvalidAssetsAreReportedAndSkipped) {
  // The reader skips "metadata.x" undecoded; the full parse still catches it.
  std::string input = v3("S", "", "") + "\n" + R"({"asset":"bad","x":[tru],"task":{}})" + "\n" +
                      v3("T", "", "") + "\n";
  auto out = convert_table("aaf", input);
  auto kept = lines(out.at("export.ndjson"));
  ASSERT_EQ(kept.size(), 2u);
  EXPECT_EQ(kept[1], v3("T", "", ""));
  EXPECT_EQ(out.report.at("problems").at("count"), 1);
}

TEST(aaf_format, FileNameAndLayoutDefaults) {
  std::string input = v3("S", "", "") + "\n";
  auto out = convert_table("aaf", input, R"({"file_name":"dir/mine.jsonl"})");
  EXPECT_EQ(out.at("dir/mine.jsonl"), input);
  EXPECT_EQ(out.entries.size(), 1u);
  EXPECT_TRUE(convert_table("aaf", input, R"({"layout":"json"})").has("export.json"));
}

TEST(aaf_format, BadConfigIsRejected) {
  for (std::string config :
       {R"({"layout":"xml"})", R"({"normalize":true})", R"({"normalize":"v4"})", R"({"stages":[]})",
        R"({"classes":["a",1]})", R"({"batches":"b"})", R"({"file_name":"../x"})",
        R"({"file_name":"report.json"})", R"({"file_name":""})", R"({"key_frames_only":"yes"})",
        R"({"keyframes":true})"}) {
    EXPECT_THROW(convert_table("aaf", "", config), ConfigError) << config;
  }
  EXPECT_NO_THROW(convert_table("aaf", "", R"({"normalize":false,"key_frames_only":false})"));
}

// Random assets built from AAF's keys in every shape and odd place, with white space
// between tokens: whatever the filters do, every line written is one valid JSON value and
// every asset is either written or rejected by the reader.
std::string random_value(std::mt19937& rng, int depth) {
  static const char* const kKeys[] = {
      "task",     "tasks",      "tools",      "objects",      "relations", "stageHistory", "title",
      "page",     "objectId",   "from",       "to",           "group",     "status",       "stage",
      "metadata", "frameTotal", "isKeyFrame", "interpolated", "x\"y"};
  static const char* const kScalars[] = {
      "null",    "true",         "false",   "0", "-0.0", "1e300", "12345678901234567890123",
      "\"Car\"", "\"T\\u00e9\"", "\"a b\"", "3", "\"c\""};
  const char* ws = rng() % 4 ? "" : " \n\t";
  auto pick = [&](auto& list) { return list[rng() % std::size(list)]; };
  auto kind = depth > 4 ? 2 : rng() % 3;
  std::string s;
  if (kind == 0) {
    s += '{';
    auto n = rng() % 5;
    for (decltype(n) i = 0; i < n; ++i) {
      if (i) s += ',';
      s += ws;
      s += '"';
      std::string_view key = pick(kKeys);
      s += key == "x\"y" ? "x\\\"y" : key;
      s += "\"";
      s += ws;
      s += ':';
      s += random_value(rng, depth + 1);
    }
    s += ws;
    s += '}';
  } else if (kind == 1) {
    s += '[';
    auto n = rng() % 4;
    for (decltype(n) i = 0; i < n; ++i) {
      if (i) s += ',';
      s += random_value(rng, depth + 1);
      s += ws;
    }
    s += ']';
  } else {
    s += pick(kScalars);
  }
  return s;
}

TEST(aaf_format, RandomShapesStayValidJsonUnderEveryOption) {
  std::mt19937 rng(12345);
  for (int round = 0; round < 40; ++round) {
    std::string input;
    std::size_t assets = 0;
    for (int i = 0; i < 50; ++i) {
      std::string v = random_value(rng, 0);
      if (v[0] != '{') continue;
      // Assets must be objects on one line (NDJSON): the random white space has newlines.
      for (char& c : v)
        if (c == '\n') c = ' ';
      input += v + "\n";
      ++assets;
    }
    for (std::string config :
         {R"({"classes":["Car","T\u00e9"],"key_frames_only":true})",
          R"({"normalize":"v3","classes":["Car"]})", R"({"normalize":"v3","layout":"json"})"}) {
      auto out = convert_table("aaf", input, config);
      const std::string& text =
          out.has("export.json") ? out.at("export.json") : out.at("export.ndjson");
      std::size_t written = 0;
      if (out.has("export.json")) {
        written = json::parse(text).as_array().size();
      } else {
        for (const std::string& line : lines(text)) {
          EXPECT_NO_THROW(json::parse(line)) << line;
          ++written;
        }
      }
      // The reader rejects some shapes (a "task" that is not an object): reported problems.
      // None may come from this format (its own failures say "internal error").
      const auto& problems = out.report.at("problems");
      for (const auto& p : problems.at("first").as_array())
        EXPECT_EQ(std::string_view(p.at("message").as_string()).find("internal"),
                  std::string_view::npos)
            << p;
      ASSERT_EQ(written + problems.at("count").to_number<std::size_t>(), assets) << config << "\n"
                                                                                 << input;
    }
  }
}

}  // namespace
}  // namespace xport::test
