// formats::write_key_frames_only: the aaf format's key-frame filter as a typed call (what the
// hub's export writer uses), checked on its own: layouts, entry name, counts, report.json.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <memory>
#include <string>

#include "formats/aaf/key_frames.hpp"
#include "xport/errors.hpp"
#include "xport/zip.hpp"

namespace xport::formats {
namespace {

// A v3 asset; `video` gives it metadata.frameRate, which makes its pages frames.
std::string asset(std::string_view id, std::string_view tools, bool video) {
  return std::string(R"({"asset":"https://x/)") + std::string(id) + R"(.mp4","externalId":")" +
         std::string(id) + R"(")" + (video ? R"(,"metadata":{"frameRate":25})" : "") +
         R"(,"task":{"taskId":"t)" + std::string(id) + R"(","stage":"S","tools":[)" +
         std::string(tools) + "]}}";
}

std::string frame(int page, bool key) {
  return R"({"title":"Car","objectId":"o","point":[1,2],"page":)" + std::to_string(page) +
         R"(,"isKeyFrame":)" + (key ? "true" : "false") + "}";
}

struct Thinned {
  KeyFrameOutcome outcome;
  std::vector<std::string> names;  // in zip order
  std::map<std::string, std::string> entries;
};

Thinned thin(const std::string& input, KeyFrameExport spec) {
  Thinned out;
  StringSink sink;
  out.outcome = write_key_frames_only(std::make_unique<MemorySource>(input), sink, spec);
  MemorySource zipped(sink.data());
  zip::Reader reader(zipped);
  while (reader.next_entry()) {
    std::string content;
    char buffer[65536];
    while (std::size_t n = reader.read(buffer, sizeof buffer))
      content.append(buffer, n);
    out.names.push_back(reader.name());
    out.entries.emplace(reader.name(), std::move(content));
  }
  return out;
}

const std::string kClip = asset(
    "clip", frame(0, true) + "," + frame(1, false) + "," + frame(2, false) + "," + frame(3, true),
    true);
const std::string kDoc = asset("doc", frame(1, false), false);  // pages, not frames

TEST(aaf_key_frames, DropsInterpolatedFramesOfVideosAndKeepsEveryAsset) {
  KeyFrameExport spec;
  spec.project_id = "p9";
  spec.entry_name = "p9.ndjson";
  Thinned out = thin(kClip + "\n" + kDoc + "\n", spec);
  EXPECT_EQ(out.outcome.assets, 2u);
  EXPECT_EQ(out.outcome.dropped_entries, 2u);
  ASSERT_EQ(out.names, (std::vector<std::string>{"p9.ndjson", "report.json"}));
  EXPECT_EQ(out.entries["p9.ndjson"],
            asset("clip", frame(0, true) + "," + frame(3, true), true) + "\n" + kDoc + "\n");
  boost::json::object report = boost::json::parse(out.entries["report.json"]).as_object();
  EXPECT_EQ(report.at("format"), "aaf");
  EXPECT_NE(out.entries["report.json"].find("interpolated frame"), std::string::npos)
      << out.entries["report.json"];
}

TEST(aaf_key_frames, JsonArrayLayoutUnderItsOwnName) {
  KeyFrameExport spec;
  spec.entry_name = "clip.json";
  spec.json_array = true;
  spec.threads = 1;
  Thinned out = thin(kClip + "\n", spec);
  EXPECT_EQ(out.names.front(), "clip.json");
  boost::json::array assets = boost::json::parse(out.entries["clip.json"]).as_array();
  ASSERT_EQ(assets.size(), 1u);
  EXPECT_EQ(assets[0].at("task").at("tools").as_array().size(), 2u);
  EXPECT_EQ(out.outcome.dropped_entries, 2u);
}

TEST(aaf_key_frames, NothingToDropIsAPassThrough) {
  KeyFrameExport spec;
  spec.entry_name = "e.ndjson";
  Thinned out = thin(kDoc + "\n", spec);
  EXPECT_EQ(out.entries["e.ndjson"], kDoc + "\n");
  EXPECT_EQ(out.outcome.assets, 1u);
  EXPECT_EQ(out.outcome.dropped_entries, 0u);
}

TEST(aaf_key_frames, ABadEntryNameIsAConfigError) {
  KeyFrameExport spec;
  spec.entry_name = "report.json";
  EXPECT_THROW(thin(kDoc + "\n", spec), ConfigError);
  spec.entry_name = "../escape.ndjson";
  EXPECT_THROW(thin(kDoc + "\n", spec), ConfigError);
}

TEST(aaf_key_frames, AMalformedAssetIsReportedAndLeftOut) {
  KeyFrameExport spec;
  spec.entry_name = "e.ndjson";
  Thinned out = thin(kDoc + "\n{\"asset\": nope}\n" + kClip + "\n", spec);
  EXPECT_EQ(out.entries["e.ndjson"],
            kDoc + "\n" + asset("clip", frame(0, true) + "," + frame(3, true), true) + "\n");
  boost::json::object report = boost::json::parse(out.entries["report.json"]).as_object();
  ASSERT_TRUE(report.contains("problems")) << out.entries["report.json"];
  EXPECT_EQ(report.at("problems").at("count"), 1) << out.entries["report.json"];
}

}  // namespace
}  // namespace xport::formats
