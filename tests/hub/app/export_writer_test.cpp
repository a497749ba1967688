// The hub's export writer on a real SQLite store: the zip's first entry is the export as
// stored (NDJSON or JSON array), and key frames only thins video assets through the `aaf`
// format while streaming (the rows cross a BytePipe from a producer thread).
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "hub/app/export_writer.hpp"
#include "hub/app/janitor.hpp"
#include "hub/local_object_store.hpp"
#include "hub/pg_store.hpp"
#include "hub/sqlite_store.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"
#include "zip_entries.hpp"

namespace xport::hub {
namespace {

using test::TempDir;

std::string tool(std::string_view id, std::string_view more) {
  return R"({"title":"Car","objectId":")" + std::string(id) +
         R"(","schemaId":"s1","bounding-box":{"x":1,"y":2,"width":3,"height":4})" +
         std::string(more) + "}";
}

std::string asset(std::string_view id, std::string_view stage, std::string_view tools, bool video) {
  return R"({"externalId":")" + std::string(id) + R"(","asset":"https://a/)" + std::string(id) +
         R"(",)" + (video ? R"("metadata":{"frameTotal":30,"frameRate":30},)" : "") +
         R"("task":{"taskId":"t)" + std::string(id) + R"(","stage":")" + std::string(stage) +
         R"(","tools":[)" + std::string(tools) + R"(],"classifications":[],"relations":[]}})";
}

class ExportWriter : public ::testing::Test {
 protected:
  void SetUp() override {
    // The pg copy (XPORT_TEST_DATABASE): the same exports out of PostgreSQL.
    if (test::test_database_server())
      store_ = std::make_unique<PgStore>(test::hub_database(dir_.path()));
    else
      store_ = std::make_unique<SqliteStore>(dir_.path() / "hub.db");
    store_->create_organization({"org1", "Org", 1});
    Project clips;
    clips.id = "p1";
    clips.org_id = "org1";
    clips.name = "Clips";
    clips.created_at = 1;
    store_->create_project(clips);
  }

  void import(const std::vector<std::pair<std::string, std::string>>& assets) {
    std::size_t i = 0;
    store_->import_assets("p1", false, [&](AssetRow& row) {
      if (i == assets.size()) return false;
      row.external_id = "a" + std::to_string(i);
      row.asset_id = row.external_id;
      row.stage = assets[i].first;
      row.batches_json = "[]";
      row.json_text = assets[i].second;
      ++i;
      return true;
    });
  }

  std::map<std::string, std::string> write(ExportSpec spec, ExportOutcome* outcome = nullptr) {
    spec.project_id = "p1";
    if (spec.entry_name.empty()) spec.entry_name = "p1.ndjson";
    StringSink sink;
    ExportOutcome o = write_export(*store_, spec, sink);
    if (outcome) *outcome = o;
    MemorySource source(sink.data());
    std::map<std::string, std::string> entries;
    for (auto& [name, data] : xport::test::zip_entries_in_order(source)) {
      if (entries.empty()) first_entry_ = name;
      entries[name] = std::move(data);
    }
    return entries;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  std::string first_entry_;
};

TEST_F(ExportWriter, NdjsonAndJsonArrayCarryTheStoredTextUnchanged) {
  const std::string a = asset("1", "Start", tool("o1", ""), false);
  const std::string b = asset("2", "Complete", tool("o2", ""), false);
  import({{"Start", a}, { "Complete", b }});
  ExportOutcome outcome;
  auto ndjson = write({}, &outcome);
  EXPECT_EQ(outcome.assets, 2);
  EXPECT_EQ(first_entry_, "p1.ndjson");
  EXPECT_EQ(ndjson.size(), 1u);
  EXPECT_EQ(ndjson["p1.ndjson"], a + "\n" + b + "\n");

  ExportSpec json;
  json.entry_name = "p1.json";
  json.json_array = true;
  auto array = write(json);
  EXPECT_EQ(array["p1.json"], "[" + a + ",\n" + b + "]\n");
  EXPECT_EQ(boost::json::parse(array["p1.json"]).as_array().size(), 2u);

  ExportSpec stage;
  stage.filter.stage_names = {"Complete"};
  EXPECT_EQ(write(stage)["p1.ndjson"], b + "\n");
}

TEST_F(ExportWriter, KeyFramesOnlyDropsInterpolatedFramesOfVideosOnly) {
  const std::string clip = asset("1", "Start",
                                 tool("o1", R"(,"page":0,"isKeyFrame":true)") + "," +
                                     tool("o1", R"(,"page":1,"isKeyFrame":false)") + "," +
                                     tool("o1", R"(,"page":2,"isKeyFrame":true)"),
                                 true);
  // Not a video: its "frames" are pages and stay.
  const std::string doc = asset("2", "Start", tool("o2", R"(,"page":1,"isKeyFrame":false)"), false);
  import({{"Start", clip}, { "Start", doc }});
  ExportSpec spec;
  spec.filter.key_frames_only = true;
  ExportOutcome outcome;
  auto entries = write(spec, &outcome);
  EXPECT_EQ(first_entry_, "p1.ndjson");  // the export stays the first entry
  EXPECT_EQ(outcome.assets, 2);
  EXPECT_EQ(outcome.dropped_entries, 1u);
  ASSERT_TRUE(entries.count("report.json"));
  const std::string expected_clip = asset("1", "Start",
                                          tool("o1", R"(,"page":0,"isKeyFrame":true)") + "," +
                                              tool("o1", R"(,"page":2,"isKeyFrame":true)"),
                                          true);
  EXPECT_EQ(entries["p1.ndjson"], expected_clip + "\n" + doc + "\n");

  spec.json_array = true;
  spec.entry_name = "p1.json";
  auto array = write(spec);
  EXPECT_EQ(first_entry_, "p1.json");
  EXPECT_EQ(boost::json::parse(array["p1.json"]).as_array().size(), 2u);
}

TEST_F(ExportWriter, KeyFramesOnlyStreamsALargeProject) {
  // More than the pipe's 4 MiB ring, so producer and converter must take turns.
  std::vector<std::pair<std::string, std::string>> assets;
  std::string frames;
  for (int f = 0; f < 40; ++f)
    frames += (f ? "," : "") + tool("o" + std::to_string(f % 4),
                                    ",\"page\":" + std::to_string(f) +
                                        ",\"isKeyFrame\":" + (f % 2 ? "false" : "true"));
  for (int i = 0; i < 3000; ++i)
    assets.emplace_back("Start", asset(std::to_string(i), "Start", frames, true));
  import(assets);
  ExportSpec spec;
  spec.filter.key_frames_only = true;
  ExportOutcome outcome;
  auto entries = write(spec, &outcome);
  EXPECT_EQ(outcome.assets, 3000);
  EXPECT_EQ(outcome.dropped_entries, 3000u * 20u);
  const std::string& text = entries["p1.ndjson"];
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3000);
  EXPECT_EQ(text.find("\"isKeyFrame\":false"), std::string::npos);
}

TEST(Janitor, RemovesExportsWhoseLinksExpiredAndNothingElse) {
  TempDir dir;
  LocalObjectStore objects(dir.path());
  for (const char* key : {"exports/p1/old.zip", "exports/p1/fresh.zip", "uploads/p1/s/r.zip"}) {
    MemorySource source("zip");
    objects.put(key, source, 100);
  }
  const auto old = std::filesystem::file_time_type::clock::now() - std::chrono::hours(26);
  std::filesystem::last_write_time(objects.path_of("exports/p1/old.zip"), old);
  std::filesystem::last_write_time(objects.path_of("uploads/p1/s/r.zip"), old);
  Janitor janitor(objects, {});
  janitor.start();  // sweeps at start, on its thread
  janitor.stop();   // and stops promptly although the next sweep is an hour away
  EXPECT_FALSE(objects.exists("exports/p1/old.zip"));
  EXPECT_TRUE(objects.exists("exports/p1/fresh.zip"));
  EXPECT_TRUE(objects.exists("uploads/p1/s/r.zip"));  // run results are history: kept
  EXPECT_EQ(janitor.sweep(), 0u);
}

}  // namespace
}  // namespace xport::hub
