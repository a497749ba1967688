// The platform client's reading of replies (sdk/platform_records.hpp): the platform's JSON
// into xport/platform.hpp's structs, tolerant where the Python plugins are, and the errors.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "sdk/platform_records.hpp"
#include "sdk/platform_session.hpp"

namespace xport::sdk {
namespace {

boost::json::object parse(std::string_view text) {
  return boost::json::parse(text).as_object();
}

TEST(PlatformRecords, ProjectStagesComeInWorkflowOrder) {
  Project p = project_from(parse(R"({"_id":"p1","name":"Cars","type":"image",
      "batches":[{"_id":"b1","name":"Batch A"}],
      "stages":[{"id":"Complete","name":"Complete","type":"Complete","position":{"x":900,"y":0}},
                {"id":"r2","name":"Review","type":"Review","position":{"x":500.5,"y":10}},
                {"id":"c1","name":"Vote","type":"Consensus","position":{"x":300,"y":0}},
                {"id":"l2","name":"B label","type":"Label","consensusId":"c1"},
                {"id":"Start","name":"Start","type":"Start","position":{"x":0,"y":0}}],
      "categorySchema":{"tools":[{"schemaId":"s1","title":"Car"}],"classifications":[]}})"));
  EXPECT_EQ(p.id, "p1");
  EXPECT_EQ(p.type, "image");
  ASSERT_EQ(p.batches.size(), 1u);
  EXPECT_EQ(p.batches[0].id, "b1");
  EXPECT_EQ(p.batches[0].name, "Batch A");
  EXPECT_EQ(p.stage("r2")->position.x, 500.5);
  EXPECT_EQ(p.stage("Review")->id, "r2");  // by name too
  EXPECT_EQ(p.stage("nope"), nullptr);
  std::vector<std::string> order;
  for (const Stage& s : p.stages_in_order())
    order.push_back(s.id);
  // l2 has no position: it sits where its consensus stage does, before it by name.
  EXPECT_EQ(order, (std::vector<std::string>{"Start", "l2", "c1", "r2", "Complete"}));
  EXPECT_EQ(
      boost::json::parse(p.categorySchema),
      boost::json::parse(R"({"tools":[{"schemaId":"s1","title":"Car"}],"classifications":[]})"));
  EXPECT_EQ(project_from(parse(R"({"_id":"p"})")).categorySchema, "{}");
}

TEST(PlatformRecords, AssetsReadIdsHistoriesAndOpenFields) {
  Asset a = asset_from(parse(R"({"_id":"a1","externalId":42,"data":"https://x/1.jpg",
      "batches":["b1",{"_id":"b2","name":"B"},null],
      "labelTasks":[{"_id":"t1","stage":"Review","stageId":"r2","stageHistory":[
          {"stageId":"Start","completedAt":"2024-01-01T00:00:00Z"},
          {"stageId":"l1","stage":"Label","completedBy":"ana","duration":1500.6,
           "reviewStatus":"Accepted"}]}]})"));
  EXPECT_EQ(a.id, "a1");
  EXPECT_EQ(a.externalId, "42");  // a number, as its text
  EXPECT_EQ(a.batches, (std::vector<std::string>{"b1", "b2"}));
  EXPECT_EQ(a.metadata, "{}");
  ASSERT_EQ(a.labelTasks.size(), 1u);
  const auto& h = a.labelTasks[0].stageHistory;
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].completedAt, "2024-01-01T00:00:00Z");
  EXPECT_EQ(h[0].duration, 0);
  EXPECT_EQ(h[1].stage, "Label");
  EXPECT_EQ(h[1].completedBy, "ana");
  EXPECT_EQ(h[1].duration, 1501);
  EXPECT_EQ(h[1].reviewStatus, "Accepted");
}

TEST(PlatformRecords, IssuesKeepThePositionAsText) {
  Issue text = issue_from(parse(R"({"_id":"i1","asset":{"externalId":"a.jpg"},"position":"[1, 2]",
      "comments":[{"createdBy":"ana","content":"ok"}]})"));
  EXPECT_EQ(text.externalId, "a.jpg");
  EXPECT_EQ(text.position, "[1, 2]");
  ASSERT_EQ(text.comments.size(), 1u);
  EXPECT_EQ(text.comments[0].content, "ok");
  EXPECT_EQ(issue_from(parse(R"({"position":[3.5,4]})")).position, "[3.5, 4]");
}

TEST(PlatformRecords, MissingListsAndTotalsAreNamed) {
  auto data = parse(R"({"assets":{},"total":"3"})");
  try {
    list_field(data, "assets", "GET /v2/project/p/assets");
    ADD_FAILURE();
  } catch (const PlatformError& e) {
    EXPECT_STREQ(e.what(),
                 "GET /v2/project/p/assets answered 200: the reply has no list data.assets");
  }
  EXPECT_THROW(total_field(data, "GET /x"), PlatformError);
  EXPECT_EQ(total_field(parse(R"({"total":12})"), "GET /x"), 12);
}

TEST(PlatformRecords, ServerMessagesAreThePlatformsOwnWords) {
  EXPECT_EQ(server_message(R"({"message":"project p2 not found"})"), "project p2 not found");
  EXPECT_EQ(server_message(R"({"error":"denied"})"), "denied");
  EXPECT_EQ(server_message("<html>\nBad Gateway</html>"), "<html> Bad Gateway</html>");
  EXPECT_EQ(server_message(""), "(empty body)");
}

TEST(PlatformRecords, AnUnboundPlatformSaysSo) {
  try {
    Platform().assets();
    ADD_FAILURE();
  } catch (const PlatformError& e) {
    EXPECT_STREQ(e.what(), "this xport::Platform is not bound to a platform (no host, no apiKey)");
  }
}

}  // namespace
}  // namespace xport::sdk
