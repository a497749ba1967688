// The shared dataset tables (class table, chunk classes, split rule) and the deferred
// label rewrite that sorted class tables need.
#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "formats/common/class_table.hpp"
#include "formats/yolo/deferred_labels.hpp"
#include "xport/errors.hpp"

namespace xport::formats {
namespace {

boost::json::object config(std::string_view text) {
  return boost::json::parse(text).as_object();
}

TEST(ClassTable, FirstAppearanceAcrossChunksInCommitOrder) {
  auto table = dataset::ClassTable::from_config(config("{}"));
  EXPECT_FALSE(table.fixed());
  dataset::ChunkClasses chunk;
  std::uint32_t b = chunk.id("b"), a = chunk.id("a"), unused = chunk.id("unused");
  (void)unused;
  // Resolved in the order labels are committed, not the order workers met them.
  EXPECT_EQ(chunk.resolve(a, table), 0u);
  EXPECT_EQ(chunk.resolve(b, table), 1u);
  EXPECT_EQ(chunk.resolve(a, table), 0u);
  chunk.clear();
  EXPECT_EQ(chunk.resolve(chunk.id("c"), table), 2u);
  EXPECT_EQ(table.final_names(), (std::vector<std::string>{"a", "b", "c"}));
}

TEST(ClassTable, SortedTablesMapProvisionalIndices) {
  auto table = dataset::ClassTable::from_config(config(R"({"sort_classes":true})"));
  EXPECT_TRUE(table.reorders());
  for (const char* name : {"zeta", "alpha", "Mid"})
    table.intern(name);
  EXPECT_EQ(table.final_names(), (std::vector<std::string>{"Mid", "alpha", "zeta"}));
  EXPECT_EQ(table.final_indices(), (std::vector<std::uint32_t>{2, 1, 0}));
  EXPECT_EQ(yolo::remap_classes("0 0.5 0.5\n2 1 1\n1 0 0\n", table.final_indices()),
            "2 0.5 0.5\n0 1 1\n1 0 0\n");
  EXPECT_EQ(yolo::remap_classes("", table.final_indices()), "");
}

TEST(ClassTable, ConfiguredClassesAreFixed) {
  auto table = dataset::ClassTable::from_config(config(R"({"classes":["b","a"]})"));
  EXPECT_TRUE(table.fixed());
  EXPECT_FALSE(table.reorders());
  EXPECT_TRUE(table.contains("a"));
  EXPECT_FALSE(table.contains("c"));
  EXPECT_EQ(table.intern("a"), 1u);
  EXPECT_THROW(table.intern("c"), std::logic_error);
  auto empty = dataset::ClassTable::from_config(config(R"({"classes":[]})"));
  EXPECT_FALSE(empty.fixed());
}

TEST(DeferredLabels, ReplaysFilesInOrderWithFinalIndices) {
  yolo::DeferredLabels deferred;
  deferred.add("labels/train/a.txt", "0 0.1 0.2 0.3 0.4\n1 0.5 0.5 0.5 0.5\n");
  deferred.add("labels/train/empty.txt", "");
  deferred.add("labels/val/b.txt", "1 1 1 1 1\n");
  std::vector<std::pair<std::string, std::string>> files;
  deferred.replay({1, 0}, [&](std::string_view path, std::string_view labels) {
    files.emplace_back(path, labels);
  });
  ASSERT_EQ(files.size(), 3u);
  EXPECT_EQ(files[0].first, "labels/train/a.txt");
  EXPECT_EQ(files[0].second, "1 0.1 0.2 0.3 0.4\n0 0.5 0.5 0.5 0.5\n");
  EXPECT_EQ(files[1].second, "");
  EXPECT_EQ(files[2].second, "0 1 1 1 1\n");
}

TEST(SplitRule, RejectsBadSplits) {
  for (const char* text :
       {R"({"split":{"a/b":1}})", R"({"split":{".hidden":1}})", R"({"split":{}})",
        R"({"split":{"train":"0.5"}})", R"({"seed":1.5,"split":{"train":1}})"}) {
    EXPECT_THROW(dataset::SplitRule::from_config(config(text), "train"), ConfigError) << text;
  }
  auto rule = dataset::SplitRule::from_config(config(R"({"split":{"train":3,"val":1}})"), "x");
  EXPECT_EQ(rule.declared(), (std::vector<std::string>{"train", "val"}));
  EXPECT_EQ(dataset::SplitRule::from_config(config("{}"), "trainval").declared(),
            std::vector<std::string>{"trainval"});
}

}  // namespace
}  // namespace xport::formats
