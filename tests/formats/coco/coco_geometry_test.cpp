// The coco format's building blocks: geometry (areas, clipping, RLE), the section spool
// and the split hash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <numeric>

#include "formats/coco/coco_options.hpp"
#include "formats/coco/geometry.hpp"
#include "formats/coco/section_spool.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::formats::coco {
namespace {

using ::testing::ElementsAre;
using P = aaf::Point;

TEST(CocoGeometry, ShoelaceAreaIgnoresOrientationAndOffset) {
  std::vector<P> square{{0, 0}, {2, 0}, {2, 2}, {0, 2}};
  EXPECT_EQ(shoelace_area(square), 4);
  std::vector<P> reversed(square.rbegin(), square.rend());
  EXPECT_EQ(shoelace_area(reversed), 4);
  std::vector<P> far{{1e9, 1e9}, {1e9 + 2, 1e9}, {1e9 + 2, 1e9 + 2}, {1e9, 1e9 + 2}};
  EXPECT_EQ(shoelace_area(far), 4);
  EXPECT_EQ(shoelace_area(std::vector<P>{{0, 0}, {1, 1}}), 0);
}

TEST(CocoGeometry, ClipKeepsInsideRingsAndCutsOutsideParts) {
  std::vector<P> out;
  std::vector<P> inside{{1, 1}, {5, 1}, {5, 4}};
  clip_to_image(inside, 10, 10, out);
  EXPECT_EQ(out.size(), 3u);
  EXPECT_EQ(out[1].x, 5);
  std::vector<P> across{{-5, 2}, {5, 2}, {5, 8}, {-5, 8}};
  clip_to_image(across, 10, 10, out);
  EXPECT_EQ(shoelace_area(out), 30);
  for (const P& p : out)
    EXPECT_GE(p.x, 0);
  std::vector<P> outside{{20, 20}, {30, 20}, {30, 30}};
  clip_to_image(outside, 10, 10, out);
  EXPECT_LT(out.size(), 3u);
}

// Decodes counts into the set of column-major pixel indices.
std::vector<std::uint64_t> ones(const Rle& rle) {
  std::vector<std::uint64_t> out;
  std::uint64_t pos = 0;
  for (std::size_t i = 0; i < rle.counts.size(); ++i) {
    if (i % 2 == 1)
      for (std::uint64_t k = 0; k < rle.counts[i]; ++k)
        out.push_back(pos + k);
    pos += rle.counts[i];
  }
  return out;
}

TEST(CocoGeometry, RleOfASquareIsColumnMajor) {
  std::vector<P> square{{1, 1}, {3, 1}, {3, 3}, {1, 3}};
  std::vector<ZoneRings> zones{{square}};
  Rle rle = encode_rle(zones, 4, 4);
  // Columns 1 and 2, rows 1 and 2: indices x*4+y.
  EXPECT_THAT(ones(rle), ElementsAre(5, 6, 9, 10));
  EXPECT_THAT(rle.counts, ElementsAre(5, 2, 2, 2, 5));
  EXPECT_EQ(rle.area, 4u);
  EXPECT_EQ(rle.min_x, 1u);
  EXPECT_EQ(rle.max_y, 2u);
}

TEST(CocoGeometry, RleStartsWithZeroRunWhenTheFirstPixelIsSet) {
  std::vector<P> all{{0, 0}, {2, 0}, {2, 2}, {0, 2}};
  std::vector<ZoneRings> zones{{all}};
  Rle rle = encode_rle(zones, 2, 2);
  EXPECT_THAT(rle.counts, ElementsAre(0, 4));  // runs continue across columns
}

TEST(CocoGeometry, RleCutsHolesAndUnitesZones) {
  std::vector<P> outer{{0, 0}, {6, 0}, {6, 6}, {0, 6}};
  std::vector<P> hole{{2, 2}, {4, 2}, {4, 4}, {2, 4}};
  std::vector<P> overlapping{{3, 3}, {5, 3}, {5, 5}, {3, 5}};  // half over the hole
  std::vector<ZoneRings> zones{{outer, hole}};
  EXPECT_EQ(encode_rle(zones, 6, 6).area, 36u - 4u);
  zones.push_back({overlapping});
  Rle rle = encode_rle(zones, 6, 6);
  EXPECT_EQ(rle.area, 36u - 3u);  // the second zone fills the hole's pixel (3,3)
  EXPECT_EQ(std::accumulate(rle.counts.begin(), rle.counts.end(), std::uint64_t{0}), 36u);
}

TEST(CocoGeometry, RleClipsToTheImageAndHandlesEmptyMasks) {
  std::vector<P> big{{-10, -10}, {100, -10}, {100, 100}, {-10, 100}};
  std::vector<ZoneRings> zones{{big}};
  Rle rle = encode_rle(zones, 3, 2);
  EXPECT_THAT(rle.counts, ElementsAre(0, 6));
  std::vector<P> tiny{{0.1, 0.1}, {0.2, 0.1}, {0.2, 0.2}};
  std::vector<ZoneRings> none{{tiny}};
  Rle empty = encode_rle(none, 3, 2);
  EXPECT_EQ(empty.area, 0u);
  EXPECT_THAT(empty.counts, ElementsAre(6));
}

TEST(CocoGeometry, RleOfAWideImageSkipsColumnsOutsideTheZone) {
  std::vector<P> sliver{{1000000, 0}, {1000001, 0}, {1000001, 1}, {1000000, 1}};
  std::vector<ZoneRings> zones{{sliver}};
  Rle rle = encode_rle(zones, 2000000, 1);
  EXPECT_THAT(rle.counts, ElementsAre(1000000, 1, 999999));
}

TEST(CocoSectionSpool, CopiesEachSplitsPiecesInOrder) {
  SectionSpool spool;
  spool.append(1, "b1 ");
  spool.append(0, "a1 ");
  spool.append(0, "a2 ");  // touches a1: merged
  spool.append(1, std::string(3 << 20, 'x'));
  spool.append(1, " b3");
  StringSink sink;
  {
    zip::Writer writer(sink);
    writer.begin_entry("a", {.method = zip::Method::store});
    spool.copy_to(writer, 0);
    writer.end_entry();
    writer.begin_entry("b");
    spool.copy_to(writer, 1);
    writer.end_entry();
    writer.begin_entry("c");
    spool.copy_to(writer, 7);  // a split that never had data
    writer.end_entry();
    writer.close();
  }
  MemorySource source(sink.data());
  zip::Reader reader(source);
  std::vector<std::string> contents;
  while (reader.next_entry()) {
    std::string s;
    char buf[65536];
    while (std::size_t n = reader.read(buf, sizeof buf))
      s.append(buf, n);
    contents.push_back(s);
  }
  ASSERT_EQ(contents.size(), 3u);
  EXPECT_EQ(contents[0], "a1 a2 ");
  EXPECT_EQ(contents[1], "b1 " + std::string(3 << 20, 'x') + " b3");
  EXPECT_EQ(contents[2], "");
}

TEST(CocoSplit, PickSplitFollowsTheRatiosAndNeverPicksZero) {
  std::vector<Split> splits{{"train", 0.7}, {"none", 0}, {"val", 0.2}, {"test", 0.1}};
  std::vector<int> count(4, 0);
  for (int i = 0; i < 20000; ++i)
    ++count[pick_split(splits, "img_" + std::to_string(i) + ".jpg", i + 1, 0)];
  EXPECT_EQ(count[1], 0);
  EXPECT_NEAR(count[0], 14000, 400);
  EXPECT_NEAR(count[2], 4000, 300);
  EXPECT_NEAR(count[3], 2000, 250);
}

TEST(CocoSplit, PickSplitDependsOnIdLineAndSeedOnly) {
  std::vector<Split> splits{{"a", 1}, {"b", 1}};
  auto pick = [&](std::string_view id, std::uint64_t line, std::uint64_t seed) {
    return pick_split(splits, id, line, seed);
  };
  EXPECT_EQ(pick("x", 1, 0), pick("x", 1, 0));
  int differs_by_line = 0, differs_by_seed = 0;
  for (int i = 0; i < 100; ++i) {
    std::string id = "id" + std::to_string(i);
    differs_by_line += pick(id, 1, 0) != pick(id, 2, 0);
    differs_by_seed += pick(id, 1, 0) != pick(id, 1, 1);
  }
  EXPECT_GT(differs_by_line, 20);
  EXPECT_GT(differs_by_seed, 20);
  // Pinned values (computed independently in Python from the documented hash, which the
  // dataset formats share): it must not change between versions, or users' splits would
  // silently change.
  std::vector<std::size_t> pinned;
  for (int i = 0; i < 16; ++i)
    pinned.push_back(pick("img_" + std::to_string(i), i + 1, 0));
  EXPECT_THAT(pinned, ElementsAre(1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1));
}

}  // namespace
}  // namespace xport::formats::coco
