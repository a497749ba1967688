// Tests for the sequential AAF reader (aaf::Reader): the shared samples of both generations,
// every input form (NDJSON, JSON array, zip, BOM, CRLF, blank lines...), errors with their
// exact positions, chunk boundaries (tiny chunks and short reads), limits and ReadStats.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "aaf_test_support.hpp"
#include "xport/aaf/model.hpp"
#include "xport/aaf/reader.hpp"
#include "xport/errors.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::aaf {
namespace {

// ---------------------------------------------------------------------------------------
// Helpers

using namespace xport::aaf::test;  // shared test helpers

std::vector<std::string> texts_of(std::span<const std::string_view> views) {
  return {views.begin(), views.end()};
}

ReadOptions chunked(std::size_t chunk_bytes) {
  ReadOptions o;
  o.chunk_bytes = chunk_bytes;
  return o;
}

// Collects the raw URL of each asset.
std::vector<std::string> urls(std::string_view text, ReadOptions options = {}) {
  std::vector<std::string> out;
  Reader reader(std::make_unique<MemorySource>(text), std::move(options));
  for (const Asset& a : reader)
    out.emplace_back(a.url());
  return out;
}

std::string json_text(const RawJson& e) {
  return e.json();
}

// ---------------------------------------------------------------------------------------
// The shared samples

class SampleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    v2_ = new std::string(read_file(sample_path("sample_v2.json")));
    v3_ = new std::string(read_file(sample_path("sample_v3.json")));
    nd_ = new std::string(read_file(sample_path("sample_v3.ndjson")));
  }
  static void TearDownTestSuite() {
    delete v2_;
    delete v3_;
    delete nd_;
  }
  static const std::string& v2() { return *v2_; }
  static const std::string& v3() { return *v3_; }
  static const std::string& nd() { return *nd_; }

 private:
  static inline std::string* v2_ = nullptr;
  static inline std::string* v3_ = nullptr;
  static inline std::string* nd_ = nullptr;
};

TEST_F(SampleTest, AllThreeSamplesAreReadCompletely) {
  Result r2 = read_text(v2());
  Result r3 = read_text(v3());
  Result rn = read_text(nd());
  EXPECT_EQ(r2.assets.size(), 4u);
  EXPECT_EQ(r3.assets.size(), 5u);
  EXPECT_EQ(rn.assets.size(), 5u);
  EXPECT_EQ(r2.problem_text() + r3.problem_text() + rn.problem_text(), "");
  EXPECT_EQ(r2.stats.kind, InputKind::json_array);
  EXPECT_EQ(r3.stats.kind, InputKind::json_array);
  EXPECT_EQ(rn.stats.kind, InputKind::ndjson);
  EXPECT_EQ(r2.stats.assets, 4u);
  EXPECT_EQ(r3.stats.assets, 5u);
  EXPECT_EQ(rn.stats.assets, 5u);
  EXPECT_EQ(r2.stats.bytes, v2().size());
  EXPECT_EQ(r3.stats.bytes, v3().size());
  EXPECT_EQ(rn.stats.bytes, nd().size());
  for (const Result* r : {&r2, &r3, &rn}) {
    EXPECT_EQ(r->stats.skipped, 0u);
    EXPECT_FALSE(r->stats.truncated);
  }
}

TEST_F(SampleTest, V3JsonArrayAndNdjsonGiveTheSameAssets) {
  std::vector<std::string> a, b;
  {
    Reader reader(std::make_unique<MemorySource>(v3()));
    for (const Asset& x : reader)
      a.push_back(describe(x, false));
  }
  {
    Reader reader(std::make_unique<MemorySource>(nd()));
    for (const Asset& x : reader)
      b.push_back(describe(x, false));
  }
  ASSERT_EQ(a.size(), 5u);
  EXPECT_EQ(a, b);
}

// Collects the parts of an asset both generations carry alike.
struct Comparable {
  std::string ext, url, size, task_id;
  std::vector<std::string> objects, classes, relations;
};

Comparable comparable(const Asset& a) {
  Comparable c;
  c.ext = a.external_id();
  c.url = a.url();
  c.size = opt(a.width()) + "x" + opt(a.height());
  c.task_id = a.task_id();
  for (Object ob : a.objects()) {
    std::ostringstream o;
    o.precision(17);
    o << to_string(ob.kind()) << '|' << ob.title() << '|' << ob.object_id() << '|' << ob.schema_id()
      << '|' << (ob.page() ? *ob.page() : -1) << '|' << ob.interpolation_stopped();
    if (ob.kind() == ObjectKind::ner) {
      o << " ner " << ob.ner()->start << ',' << ob.ner()->end;  // v2 has no selection
    } else {
      describe_geometry(o, ob);
    }
    for (Classification cl : ob.classifications())
      o << " class " << cl.title() << '=' << cl.answer();
    c.objects.push_back(o.str());
  }
  for (Classification cl : a.classifications()) {
    std::string s =
        std::string(cl.title()) + "|" + std::string(cl.tool()) + "|" + std::string(cl.answer());
    for (auto x : cl.answers())
      s += "[" + std::string(x) + "]";
    s += cl.page() ? "@" + std::to_string(*cl.page()) : "";
    c.classes.push_back(s);
  }
  for (Relation r : a.relations()) {
    std::string s = std::string(r.title()) + "|" + std::string(r.from()) + ">" +
                    std::string(r.to()) + "|" + std::string(r.direction());
    for (auto g : r.group())
      s += "[" + std::string(g) + "]";
    c.relations.push_back(s);
  }
  return c;
}

TEST_F(SampleTest, V2AndV3AgreeOnCorrespondingAssets) {
  std::vector<Comparable> a, b;
  std::vector<Generation> ga, gb;
  {
    Reader reader(std::make_unique<MemorySource>(v2()));
    for (const Asset& x : reader) {
      a.push_back(comparable(x));
      ga.push_back(x.generation());
    }
  }
  {
    Reader reader(std::make_unique<MemorySource>(v3()));
    for (const Asset& x : reader) {
      b.push_back(comparable(x));
      gb.push_back(x.generation());
    }
  }
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(b.size(), 5u);
  EXPECT_EQ(ga, std::vector<Generation>(4, Generation::v2));
  EXPECT_EQ(gb, std::vector<Generation>(5, Generation::v3));
  const std::vector<std::string> ext{"street_0001.jpg", "invoice_42.pdf", "review_17.txt",
                                     "drive_clip_03.mp4"};
  for (std::size_t i = 0; i < 4; ++i) {
    SCOPED_TRACE(ext[i]);
    EXPECT_EQ(a[i].ext, ext[i]);
    EXPECT_EQ(a[i].ext, b[i].ext);
    EXPECT_EQ(a[i].url, b[i].url);
    EXPECT_EQ(a[i].size, b[i].size);
    EXPECT_EQ(a[i].task_id, b[i].task_id);
    EXPECT_EQ(a[i].objects, b[i].objects);
    EXPECT_EQ(a[i].classes, b[i].classes);
    EXPECT_EQ(a[i].relations, b[i].relations);
  }
  EXPECT_EQ(a[0].objects.size(), 6u);
  EXPECT_EQ(a[3].objects.size(), 3u);
  EXPECT_EQ(b[4].ext, "scan_set_7");
}

TEST_F(SampleTest, V3StreetAssetHasEveryImageTool) {
  Reader reader(std::make_unique<MemorySource>(v3()));
  const Asset* a = reader.next();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->url(), "https://example-bucket.s3.amazonaws.com/street/street_0001.jpg");
  EXPECT_EQ(a->width(), 1920u);
  EXPECT_EQ(a->height(), 1080u);
  EXPECT_EQ(texts_of(a->batches()), std::vector<std::string>{"Batch A"});
  EXPECT_EQ(a->task_id(), "65ef0b1c2d3e4f5a6b7c8d90");
  EXPECT_EQ(a->stage(), "Complete");
  auto objects = a->objects();
  ASSERT_EQ(objects.size(), 6u);
  std::vector<ObjectKind> kinds;
  for (Object o : objects)
    kinds.push_back(o.kind());
  EXPECT_EQ(kinds, (std::vector<ObjectKind>{ObjectKind::bounding_box, ObjectKind::polygon,
                                            ObjectKind::point, ObjectKind::rotated_bounding_box,
                                            ObjectKind::polyline, ObjectKind::segmentation}));
  // The car with its nested classification tree.
  Object car = objects[0];
  EXPECT_EQ(car.title(), "Car");
  EXPECT_EQ(car.object_id(), "5f1c2a9be03d4a7781c0a11");
  auto box = car.bounding_box();
  ASSERT_TRUE(box.has_value());
  EXPECT_EQ(box->x, 412.5);
  EXPECT_EQ(box->y, 388.0);
  EXPECT_EQ(box->width, 236.25);
  EXPECT_EQ(box->height, 141.75);
  ASSERT_EQ(car.classifications().size(), 1u);
  Classification type = *car.classifications().begin();
  EXPECT_EQ(type.title(), "Vehicle Type");
  EXPECT_EQ(type.tool(), "radio");
  EXPECT_EQ(type.answer_kind(), AnswerKind::text);
  EXPECT_EQ(type.answer(), "Sedan");
  EXPECT_EQ(type.object_id(), "9d2e41c7a0b54f66e1d2a31");
  ASSERT_EQ(type.children().size(), 1u);
  Classification damage = *type.children().begin();
  EXPECT_EQ(damage.title(), "Damage");
  EXPECT_EQ(damage.answer_kind(), AnswerKind::list);
  EXPECT_EQ(texts_of(damage.answers()), (std::vector<std::string>{"Dent", "Broken light"}));
  EXPECT_TRUE(damage.children().empty());
  // Polygon, point, rotated box with corners, polyline.
  auto building = objects[1].points();
  ASSERT_EQ(building.size(), 4u);
  EXPECT_EQ(building[1].x, 1390.25);
  EXPECT_EQ(building[3].y, 571.0);
  ASSERT_EQ(objects[2].points().size(), 1u);
  EXPECT_EQ(objects[2].points()[0].x, 1533.0);
  EXPECT_EQ(objects[2].points()[0].y, 301.25);
  auto bike = objects[3].rotated_box();
  ASSERT_TRUE(bike.has_value());
  EXPECT_EQ(bike->rotation, -30.0);
  EXPECT_TRUE(bike->has_corners);
  EXPECT_EQ(bike->corners[0].x, bike->x);
  EXPECT_EQ(bike->corners[0].y, bike->y);
  EXPECT_EQ(bike->corners[2].x, 914.641);
  EXPECT_EQ(bike->polygon()[1].y, 713.923);
  auto lane = objects[4].points();
  ASSERT_EQ(lane.size(), 3u);
  EXPECT_EQ(lane[1].x, 480.5);
  EXPECT_EQ(lane[1].y, 860.25);
  // Segmentation with a hole, and a zone without.
  auto zones = objects[5].zones();
  ASSERT_EQ(zones.size(), 2u);
  ASSERT_EQ(zones[0].region.size(), 4u);
  EXPECT_EQ(zones[0].region[2].x, 1300);
  EXPECT_EQ(zones[0].region[2].y, 1079);
  ASSERT_EQ(zones[0].holes.size(), 1u);
  ASSERT_EQ(zones[0].holes[0].size(), 4u);
  EXPECT_EQ(zones[0].holes[0][1].x, 960);
  EXPECT_EQ(zones[0].holes[0][2].y, 1000);
  EXPECT_EQ(zones[1].region.size(), 4u);
  EXPECT_TRUE(zones[1].holes.empty());
  // Task classifications: text and list answers.
  std::vector<std::string> cls;
  for (Classification c : a->classifications()) {
    std::string s = std::string(c.title()) + "=" + std::string(c.answer());
    for (auto x : c.answers())
      s += "[" + std::string(x) + "]";
    cls.push_back(s);
  }
  EXPECT_EQ(cls, (std::vector<std::string>{
                     "Weather=Sunny", "Road Users=[Car][Cyclist]", "Country=Portugal",
                     "Scene=[Urban][Urban / Street][Urban / Street / Intersection]",
                     "Notes=Glare on left side"}));
  // Relations.
  ASSERT_EQ(a->relations().size(), 2u);
  EXPECT_EQ(a->relations()[0].title(), "Approaching");
  EXPECT_EQ(a->relations()[0].from(), "5f1c2a9be03d4a7781c0a11");
  EXPECT_EQ(a->relations()[0].to(), "2b3c4d5e6f7a8b9c0d1e2f3");
  EXPECT_EQ(a->relations()[0].direction(), "straight");
  EXPECT_EQ(texts_of(a->relations()[1].group()),
            (std::vector<std::string>{"5f1c2a9be03d4a7781c0a11", "3c4d5e6f7a8b9c0d1e2f3a4"}));
  // Stage history.
  auto history = a->stage_history();
  ASSERT_EQ(history.size(), 3u);
  EXPECT_EQ(history[0].stage, "Start");
  EXPECT_EQ(history[0].duration, 0.0);
  EXPECT_EQ(history[0].completed_by, "");
  EXPECT_EQ(history[1].stage, "Label");
  EXPECT_EQ(history[1].duration, 388100.0);
  EXPECT_EQ(history[1].completed_at, "2024-03-11T09:21:30.210Z");
  EXPECT_EQ(history[1].completed_by, "ana@example.com");
  EXPECT_EQ(history[2].stage_id, "8e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b");
  EXPECT_EQ(history[2].review_status, "Accepted");
  EXPECT_EQ(history[2].duration, 24200.0);
}

TEST_F(SampleTest, V3PdfNerVideoAndMultiPageAssets) {
  Reader reader(std::make_unique<MemorySource>(nd()));
  const Asset* a = reader.next();
  ASSERT_NE(a, nullptr);
  // invoice: pdf regions, no image size.
  a = reader.next();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->external_id(), "invoice_42.pdf");
  EXPECT_FALSE(a->width().has_value());
  EXPECT_FALSE(a->height().has_value());
  EXPECT_TRUE(a->batches().empty());
  ASSERT_EQ(a->objects().size(), 2u);
  auto vendor = a->objects()[0].pdf();
  ASSERT_TRUE(vendor.has_value());
  EXPECT_EQ(vendor->page_number, 1);
  EXPECT_EQ(vendor->text, "ACME Corp");
  EXPECT_EQ(vendor->bounding.x2, 201.75);
  EXPECT_EQ(vendor->bounding.height, 792.0);
  ASSERT_EQ(vendor->rects.size(), 2u);
  EXPECT_EQ(vendor->rects[1].x1, 134.25);
  auto total = a->objects()[1].pdf();
  ASSERT_TRUE(total.has_value());
  EXPECT_EQ(total->page_number, 2);
  EXPECT_EQ(total->text, "EUR 1,250.00");
  EXPECT_EQ(total->rects.size(), 1u);
  // review: ner with selections and a nested classification.
  a = reader.next();
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->objects().size(), 2u);
  auto loc = a->objects()[0].ner();
  ASSERT_TRUE(loc.has_value());
  EXPECT_EQ(loc->start, 21);
  EXPECT_EQ(loc->end, 27);
  EXPECT_EQ(loc->selection, "Lisbon");
  EXPECT_EQ(a->objects()[1].ner()->selection, "Maria");
  EXPECT_EQ((*a->objects()[1].classifications().begin()).answer(), "Employee");
  EXPECT_EQ(a->relations()[0].title(), "Works At");
  // video: one box per frame, the last one stops the track; per-frame classifications.
  a = reader.next();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->width(), 1280u);
  ASSERT_EQ(a->objects().size(), 3u);
  for (int i = 0; i < 3; ++i) {
    Object o = a->objects()[static_cast<std::size_t>(i)];
    EXPECT_EQ(o.page(), i);
    EXPECT_EQ(o.object_id(), "f2a3b4c5d6e7f8a9b0c1d2e");
    EXPECT_EQ(o.interpolation_stopped(), i == 2);
    EXPECT_EQ(o.bounding_box()->x, 200.0 + 12.5 * i);
  }
  std::vector<int> pages;
  for (Classification c : a->classifications())
    pages.push_back(c.page().value_or(-1));
  EXPECT_EQ(pages, (std::vector<int>{0, 1}));
  // multi-image asset.
  a = reader.next();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->asset_id(), "65ef0a00aa11bb22cc33dd44");
  EXPECT_EQ(texts_of(a->dataset()),
            (std::vector<std::string>{"https://example-bucket.s3.amazonaws.com/scan/p0.png",
                                      "https://example-bucket.s3.amazonaws.com/scan/p1.png"}));
  EXPECT_EQ(a->objects()[0].page(), 1);
  EXPECT_EQ(reader.next(), nullptr);
}

TEST_F(SampleTest, V2SpecificsAreRead) {
  Reader reader(std::make_unique<MemorySource>(v2()));
  std::vector<std::string> stages;
  const Asset* review = nullptr;
  std::optional<NerSpan> ner;
  std::string class_object_id = "unset";
  for (const Asset* a = reader.next(); a; a = reader.next()) {
    stages.emplace_back(a->stage());
    if (a->external_id() == "review_17.txt") {
      review = a;
      ner = a->objects()[0].ner();
      class_object_id = std::string((*a->classifications().begin()).object_id());
    }
  }
  ASSERT_NE(review, nullptr);
  EXPECT_EQ(stages, std::vector<std::string>(4, "Completed"));
  ASSERT_TRUE(ner.has_value());
  EXPECT_EQ(ner->start, 21);
  EXPECT_FALSE(ner->selection.has_value());
  EXPECT_EQ(class_object_id, "");  // v2 classifications carry no objectId
}

TEST_F(SampleTest, RawGivesUnknownFieldsOfAssetsAndObjects) {
  {
    Reader reader(std::make_unique<MemorySource>(v3()));
    const Asset* a = reader.next();
    ASSERT_NE(a, nullptr);
    std::optional<std::string_view> updated_by = a->raw()["task"]["updatedBy"].string();
    ASSERT_TRUE(updated_by.has_value());
    EXPECT_EQ(*updated_by, "rev@example.com");
    std::optional<int64_t> total = a->raw()["task"]["totalDuration"].int64();
    ASSERT_TRUE(total.has_value());
    EXPECT_EQ(*total, 412300);
    std::optional<std::string_view> created_in =
        a->objects()[3].raw()["metadata"]["createdIn"].string();
    ASSERT_TRUE(created_in.has_value());
    EXPECT_EQ(*created_in, "Label");
    std::optional<std::string_view> id = a->objects()[3].raw()["objectId"].string();
    ASSERT_TRUE(id.has_value());
    EXPECT_EQ(*id, a->objects()[3].object_id());
    // Stage history snapshots keep their tools in raw().
    RawJson tools = a->raw()["task"]["stageHistory"].at(1)["tools"];
    ASSERT_TRUE(tools.is_array());
    ASSERT_EQ(tools.size(), 6u);
  }
  {
    Reader reader(std::make_unique<MemorySource>(v2()));
    const Asset* a = reader.next();
    ASSERT_NE(a, nullptr);
    std::optional<int64_t> consensus = a->raw()["consensus"].int64();
    ASSERT_TRUE(consensus.has_value());
    EXPECT_EQ(*consensus, 87);
    std::optional<std::string_view> review = a->raw()["tasks"].at(0)["review"]["status"].string();
    ASSERT_TRUE(review.has_value());
    EXPECT_EQ(*review, "Fixed");
    EXPECT_EQ(json_text(a->objects()[2].raw()["point"]), "[1533.0,301.25]");
  }
}

TEST_F(SampleTest, LocationsAreLineElementAndByteOfEachAsset) {
  // NDJSON: one asset per line.
  {
    Result r = read_text(nd());
    ASSERT_EQ(r.locations.size(), 5u);
    std::size_t offset = 0;
    for (std::size_t i = 0; i < 5; ++i) {
      EXPECT_EQ(r.locations[i].line, i + 1);
      EXPECT_EQ(r.locations[i].element, i + 1);
      EXPECT_EQ(r.locations[i].byte_offset, offset);
      offset = nd().find('\n', offset) + 1;
    }
  }
  // Pretty-printed array: each asset starts at a line "  {".
  for (const std::string* text : {&v2(), &v3()}) {
    Result r = read_text(*text);
    std::vector<Location> want;
    std::uint64_t line = 1;
    for (std::size_t pos = 0; pos < text->size(); ++pos) {
      if (text->compare(pos, 4, "\n  {") == 0)
        want.push_back(Location{line + 1, want.size() + 1, pos + 3});
      if ((*text)[pos] == '\n') ++line;
    }
    ASSERT_EQ(r.locations.size(), want.size());
    for (std::size_t i = 0; i < want.size(); ++i) {
      EXPECT_EQ(r.locations[i].line, want[i].line) << i;
      EXPECT_EQ(r.locations[i].element, want[i].element) << i;
      EXPECT_EQ(r.locations[i].byte_offset, want[i].byte_offset) << i;
    }
  }
}

TEST_F(SampleTest, ChunkSizeAndShortReadsDoNotChangeWhatIsRead) {
  for (const std::string* text : {&v2(), &v3(), &nd()}) {
    Result base = read_text(*text);
    ASSERT_FALSE(base.assets.empty());
    for (std::size_t chunk : {1u, 7u, 64u, 100u, 333u, 1024u, 4096u}) {
      for (std::size_t step : {1u, 5u, 64u, 100000u}) {
        SCOPED_TRACE("chunk " + std::to_string(chunk) + " step " + std::to_string(step));
        Result r = read_source(std::make_unique<ChoppySource>(*text, step), chunked(chunk));
        EXPECT_EQ(r.assets, base.assets);
        EXPECT_EQ(r.problem_text(), "");
        EXPECT_EQ(r.stats.bytes, text->size());
      }
    }
  }
}

// The first-entry-in-a-zip transport form of the samples.
TEST_F(SampleTest, ZippedSamplesReadLikeThePlainOnes) {
  for (const std::string* text : {&v2(), &nd()}) {
    Result plain = read_text(*text);
    for (auto method : {zip::Method::deflate, zip::Method::store}) {
      std::string archive = make_zip({{"export.json", *text}, {"other.txt", "not read"}}, method);
      Result r = read_source(std::make_unique<MemorySource>(archive, "export.zip"), chunked(256));
      EXPECT_EQ(r.assets, plain.assets);
      EXPECT_EQ(r.problem_text(), "");
      EXPECT_EQ(r.stats.bytes, text->size());  // bytes of the uncompressed entry
      EXPECT_EQ(r.stats.kind, plain.stats.kind);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Input forms

const std::string kA = R"({"asset":"a","externalId":"1"})";
const std::string kB = R"({"asset":"b","externalId":"2"})";
const std::string kC = R"({"asset":"c","externalId":"3"})";

TEST(AafInput, NdjsonWithAndWithoutFinalNewline) {
  EXPECT_EQ(urls(kA + "\n" + kB + "\n" + kC + "\n"), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(urls(kA + "\n" + kB + "\n" + kC), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(urls(kA), (std::vector<std::string>{"a"}));
  Result r = read_text(kA + "\n" + kB);
  EXPECT_EQ(r.stats.kind, InputKind::ndjson);
  EXPECT_EQ(r.stats.assets, 2u);
  EXPECT_EQ(r.stats.bytes, kA.size() + 1 + kB.size());
}

TEST(AafInput, CompactAndPrettyJsonArraysGiveTheSameAssets) {
  const std::string compact = "[" + kA + "," + kB + "," + kC + "]";
  const std::string pretty =
      "[\n  {\n    \"asset\": \"a\",\n    \"externalId\": \"1\"\n  },\n  {\n    \"asset\": "
      "\"b\",\n    \"externalId\": \"2\"\n  }\n  ,\n\n  {\"asset\" : \"c\" , "
      "\"externalId\":\"3\"}\n]\n";
  Result c = read_text(compact);
  Result p = read_text(pretty);
  EXPECT_EQ(c.stats.kind, InputKind::json_array);
  EXPECT_EQ(p.stats.kind, InputKind::json_array);
  ASSERT_EQ(c.assets.size(), 3u);
  ASSERT_EQ(p.assets.size(), 3u);
  EXPECT_EQ(urls(compact), urls(pretty));
  // Compact: all on line 1 at the elements' byte offsets.
  EXPECT_EQ(c.locations[0].line, 1u);
  EXPECT_EQ(c.locations[0].byte_offset, 1u);
  EXPECT_EQ(c.locations[1].byte_offset, 2 + kA.size());
  EXPECT_EQ(c.locations[2].byte_offset, 3 + kA.size() + kB.size());
  EXPECT_EQ(c.locations[2].element, 3u);
  // Pretty: the line of each element's opening brace.
  EXPECT_EQ(p.locations[0].line, 2u);
  EXPECT_EQ(p.locations[1].line, 6u);
  EXPECT_EQ(p.locations[2].line, 12u);
  EXPECT_EQ(p.locations[0].byte_offset, pretty.find('{'));
  EXPECT_EQ(p.locations[2].byte_offset, pretty.find("{\"asset\" :"));
}

TEST(AafInput, ArrayElementJsonIsTheElementText) {
  const std::string text = "[ " + kA + " ,\n\t" + kB + "\r\n]";
  Reader reader(std::make_unique<MemorySource>(text));
  std::vector<std::string> json;
  for (const Asset& a : reader)
    json.emplace_back(a.json());
  EXPECT_EQ(json, (std::vector<std::string>{kA, kB}));
}

TEST(AafInput, BracketsQuotesAndBackslashesInsideStringsDoNotEndAnElement) {
  const std::string tricky =
      R"({"asset":"x]}","externalId":"\"],[{\\","task":{"tools":[{"title":"\\\"}\\","point":[1,2]}]}})";
  const std::string text = "[" + tricky + ",\n" + kB + "]";
  for (std::size_t chunk : {1u, 2u, 3u, 16u, 64u, 4096u}) {
    Result r = read_source(std::make_unique<ChoppySource>(text, 3), chunked(chunk));
    ASSERT_EQ(r.assets.size(), 2u) << chunk << "\n" << r.problem_text();
    EXPECT_EQ(r.problem_text(), "");
  }
  Reader reader(std::make_unique<MemorySource>(text));
  const Asset* a = reader.next();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->url(), "x]}");
  EXPECT_EQ(a->external_id(), "\"],[{\\");
  EXPECT_EQ(a->objects()[0].title(), "\\\"}\\");
  a = reader.next();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->url(), "b");
  EXPECT_EQ(a->location().line, 2u);
}

TEST(AafInput, ZipWhoseFirstEntryIsNdjson) {
  const std::string ndjson = kA + "\n" + kB + "\n";
  std::string archive = make_zip({{"export.ndjson", ndjson}});
  Result r = read_source(std::make_unique<MemorySource>(archive, "upload.zip"));
  ASSERT_EQ(r.assets.size(), 2u);
  EXPECT_EQ(r.stats.kind, InputKind::ndjson);
  EXPECT_EQ(r.stats.bytes, ndjson.size());
  EXPECT_EQ(r.locations[1].byte_offset, kA.size() + 1);
  EXPECT_EQ(r.locations[1].line, 2u);
}

TEST(AafInput, ZipWhoseFirstEntryIsAJsonArray) {
  const std::string array = "[" + kA + ",\n" + kB + "]";
  std::string archive = make_zip({{"dir/export.json", array}, {"b.ndjson", kC}});
  Result r = read_source(std::make_unique<MemorySource>(archive, "upload.zip"));
  EXPECT_EQ(r.stats.kind, InputKind::json_array);
  ASSERT_EQ(r.assets.size(), 2u);
  EXPECT_NE(r.assets[1].find("url b "), std::string::npos) << r.assets[1];
  EXPECT_EQ(r.locations[1].line, 2u);
}

TEST(AafInput, ProblemsInAZipNameTheArchiveAndEntry) {
  std::string archive = make_zip({{"export.ndjson", kA + "\n{oops}\n" + kB + "\n"}});
  Result r = read_source(std::make_unique<MemorySource>(archive, "upload.zip"));
  EXPECT_EQ(r.assets.size(), 2u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].source, "upload.zip:export.ndjson");
  EXPECT_EQ(r.problems[0].where.line, 2u);
  EXPECT_EQ(r.problems[0].where.byte_offset, kA.size() + 1);
}

TEST(AafInput, ZipWithBomAndCrlfEntry) {
  std::string archive = make_zip({{"e.ndjson", "\xEF\xBB\xBF" + kA + "\r\n" + kB + "\r\n"}});
  EXPECT_EQ(urls(archive), (std::vector<std::string>{"a", "b"}));
}

TEST(AafInput, ZipWithoutFileEntriesIsAnInputError) {
  std::string archive = make_zip({});
  EXPECT_THROW(Reader(std::make_unique<MemorySource>(archive)), InputError);
}

TEST(AafInput, ZipWithEmptyFirstEntryIsAnEmptyExport) {
  std::string archive = make_zip({{"empty.ndjson", ""}, {"b.ndjson", kB}});
  Result r = read_text(archive);
  EXPECT_TRUE(r.assets.empty());
  EXPECT_TRUE(r.problems.empty());
  EXPECT_EQ(r.stats.kind, InputKind::empty);
}

TEST(AafInput, ZipIsRecognisedThroughShortReads) {
  const std::string ndjson = kA + "\n" + kB + "\n";
  std::string archive = make_zip({{"export.ndjson", ndjson}});
  for (std::size_t step : {1u, 2u, 3u, 7u}) {
    Result r = read_source(std::make_unique<ChoppySource>(archive, step, "pipe.zip"));
    EXPECT_EQ(r.assets.size(), 2u) << step << "\n" << r.problem_text();
    EXPECT_EQ(r.problem_text(), "") << step;
  }
}

TEST(AafInput, ByteOrderMarkIsSkipped) {
  const std::string bom = "\xEF\xBB\xBF";
  Result nd = read_text(bom + kA + "\n" + kB + "\n");
  ASSERT_EQ(nd.assets.size(), 2u);
  EXPECT_EQ(nd.problem_text(), "");
  EXPECT_EQ(nd.locations[0].byte_offset, 3u);  // offsets count the BOM
  EXPECT_EQ(nd.locations[0].line, 1u);
  EXPECT_EQ(nd.locations[1].byte_offset, 4 + kA.size());
  Result arr = read_text(bom + "\n[" + kA + "]");
  EXPECT_EQ(arr.stats.kind, InputKind::json_array);
  ASSERT_EQ(arr.assets.size(), 1u);
  EXPECT_EQ(arr.locations[0].line, 2u);
  EXPECT_EQ(arr.locations[0].byte_offset, 5u);
  Result only = read_text(bom);
  EXPECT_EQ(only.stats.kind, InputKind::empty);
  EXPECT_TRUE(only.problems.empty());
}

TEST(AafInput, ByteOrderMarkIsRecognisedThroughShortReads) {
  const std::string text = "\xEF\xBB\xBF" + kA + "\n" + kB + "\n";
  for (std::size_t step : {1u, 2u, 3u}) {
    Result r = read_source(std::make_unique<ChoppySource>(text, step));
    EXPECT_EQ(r.assets.size(), 2u) << step << "\n" << r.problem_text();
    EXPECT_EQ(r.problem_text(), "") << step;
  }
}

TEST(AafInput, CrlfLineEndsAreAccepted) {
  const std::string text = kA + "\r\n" + kB + "\r\n\r\n" + kC + "\r\n";
  Result r = read_text(text);
  ASSERT_EQ(r.assets.size(), 3u);
  EXPECT_EQ(r.problem_text(), "");
  EXPECT_EQ(r.locations[2].line, 4u);
  EXPECT_EQ(r.locations[2].byte_offset, text.find(kC));
  Reader reader(std::make_unique<MemorySource>(text));
  EXPECT_EQ(reader.next()->json(), kA);
}

TEST(AafInput, BlankAndWhitespaceOnlyLinesAreSkippedButCounted) {
  const std::string text = "\n  \n" + kA + "\n\t \r\n\n   " + kB + "  \t\n \n" + kC;
  Result r = read_text(text);
  ASSERT_EQ(r.assets.size(), 3u);
  EXPECT_EQ(r.problem_text(), "");
  EXPECT_EQ(r.locations[0].line, 3u);
  EXPECT_EQ(r.locations[1].line, 6u);
  EXPECT_EQ(r.locations[2].line, 8u);
  EXPECT_EQ(r.locations[1].element, 2u);
  EXPECT_EQ(r.locations[2].element, 3u);
  EXPECT_EQ(r.locations[0].byte_offset, 4u);
  EXPECT_EQ(r.locations[1].byte_offset, text.find(kB));
  for (std::size_t chunk : {1u, 3u, 16u}) {
    Result c = read_source(std::make_unique<ChoppySource>(text, 4), chunked(chunk));
    EXPECT_EQ(c.assets, r.assets) << chunk;
  }
}

TEST(AafInput, EmptyAndWhitespaceOnlyInputsHaveNoAssets) {
  for (std::string text : {std::string(""), std::string(" "), std::string("\n\n\n"),
                           std::string(" \t\r\n \r\n"), std::string(100000, '\n')}) {
    Result r = read_text(text);
    EXPECT_TRUE(r.assets.empty()) << text.size();
    EXPECT_TRUE(r.problems.empty()) << text.size();
    EXPECT_EQ(r.stats.kind, InputKind::empty) << text.size();
    EXPECT_EQ(r.stats.assets, 0u);
    EXPECT_EQ(r.stats.skipped, 0u);
    EXPECT_FALSE(r.stats.truncated);
    EXPECT_EQ(r.stats.bytes, text.size());
  }
}

TEST(AafInput, EmptyArraysHaveNoAssets) {
  for (const char* text : {"[]", "[ ]", "[\n]\n", "  [\r\n\t ]  \n", "\xEF\xBB\xBF[]"}) {
    Result r = read_text(text);
    EXPECT_TRUE(r.assets.empty()) << text;
    EXPECT_EQ(r.problem_text(), "") << text;
    EXPECT_EQ(r.stats.kind, InputKind::json_array) << text;
    EXPECT_FALSE(r.stats.truncated) << text;
  }
}

TEST(AafInput, LongRunOfLeadingWhitespaceIsSkipped) {
  // More white space than the reader looks at to detect the input's kind.
  const std::string pad(100000, '\n');
  Result nd = read_text(pad + kA + "\n" + kB + "\n");
  EXPECT_EQ(nd.stats.kind, InputKind::ndjson);
  ASSERT_EQ(nd.assets.size(), 2u) << nd.problem_text();
  EXPECT_EQ(nd.locations[0].line, 100001u);
  EXPECT_EQ(nd.locations[0].byte_offset, 100000u);
  Result arr = read_text(std::string(70000, ' ') + "[" + kA + "]");
  EXPECT_EQ(arr.stats.kind, InputKind::json_array);
  ASSERT_EQ(arr.assets.size(), 1u) << arr.problem_text();
  EXPECT_EQ(arr.locations[0].byte_offset, 70001u);
  Result bad = read_text(std::string(70000, ' ') + "hello");
  ASSERT_EQ(bad.problems.size(), 1u);
  EXPECT_TRUE(bad.problems[0].fatal);
  EXPECT_EQ(bad.problems[0].where.byte_offset, 70000u);
}

TEST(AafInput, IntegersWhereFloatsAreExpected) {
  Result r = read_text(
      R"({"asset":"u","task":{"tools":[{"bounding-box":{"x":1,"y":-2,"width":300,"height":0}},{"ner":{"start":3,"end":4}},{"rotated-bounding-box":{"x":1,"y":2,"width":3,"height":4,"rotation":90,"corners":[[1,2],[3,4],[5,6],[7,8]]}}],"stageHistory":[{"duration":5}]}})");
  ASSERT_EQ(r.assets.size(), 1u);
  EXPECT_NE(r.assets[0].find("box 1,-2,300,0"), std::string::npos) << r.assets[0];
  EXPECT_NE(r.assets[0].find("ner 3,4,<none>"), std::string::npos) << r.assets[0];
  EXPECT_NE(r.assets[0].find("rbox 1,2,3,4,90,1 1:2 3:4 5:6 7:8"), std::string::npos)
      << r.assets[0];
  EXPECT_NE(r.assets[0].find("stage |||||5\n"), std::string::npos) << r.assets[0];
}

// ---------------------------------------------------------------------------------------
// Errors and their positions

TEST(AafErrors, InvalidJsonLineIsReportedWithItsPositionAndReadingGoesOn) {
  const std::string bad = R"({"asset": , "x": 1})";
  const std::string text = kA + "\n\n" + bad + "\n" + kB + "\n" + kC + "\n";
  Result r = read_text(text);
  ASSERT_EQ(r.assets.size(), 3u);
  ASSERT_EQ(r.problems.size(), 1u);
  const Problem& p = r.problems[0];
  EXPECT_EQ(p.source, "<memory>");
  EXPECT_EQ(p.where.line, 3u);
  EXPECT_EQ(p.where.element, 2u);
  EXPECT_EQ(p.where.byte_offset, kA.size() + 2);
  EXPECT_FALSE(p.fatal);
  EXPECT_FALSE(p.warning);
  EXPECT_EQ(p.path, "asset");  // where the structure breaks
  EXPECT_FALSE(p.reason.empty());
  EXPECT_EQ(r.locations[1].line, 4u);
  EXPECT_EQ(r.locations[1].element, 3u);
  EXPECT_EQ(r.locations[2].element, 4u);
  EXPECT_EQ(r.stats.assets, 3u);
  EXPECT_EQ(r.stats.skipped, 1u);
  EXPECT_FALSE(r.stats.truncated);
}

TEST(AafErrors, ProblemsAndAssetsArriveInInputOrder) {
  const std::string text = kA + "\nnope\n" + kB + "\n[1]\n" + kC + "\n{\n";
  std::vector<std::string> events;
  ReadOptions o;
  o.on_problem = [&](const Problem& p) {
    events.push_back("problem@" + std::to_string(p.where.line));
  };
  o.chunk_bytes = 8;
  Reader reader(std::make_unique<ChoppySource>(text, 5), o);
  for (const Asset& a : reader)
    events.push_back("asset " + std::string(a.url()));
  EXPECT_EQ(events, (std::vector<std::string>{"asset a", "problem@2", "asset b", "problem@4",
                                              "asset c", "problem@6"}));
}

TEST(AafErrors, StopThrowsInputErrorNamingTheLocation) {
  const std::string text = kA + "\n" + kB + "\n{\"asset\":}\n" + kC + "\n";
  ReadOptions o;
  o.on_error = OnError::stop;
  std::vector<Problem> seen;
  o.on_problem = [&](const Problem& p) { seen.push_back(p); };
  Reader reader(std::make_unique<MemorySource>(text, "export.ndjson"), o);
  ASSERT_NE(reader.next(), nullptr);
  ASSERT_NE(reader.next(), nullptr);
  try {
    reader.next();
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    std::string msg = e.what();
    std::string where =
        "export.ndjson:3: asset 3 (byte " + std::to_string(2 * kA.size() + 2) + "): ";
    EXPECT_EQ(msg.rfind(where + "asset: ", 0), 0u) << msg;
  }
  ASSERT_EQ(seen.size(), 1u);  // reported before the throw
  EXPECT_EQ(seen[0].where.line, 3u);
  EXPECT_EQ(reader.stats().skipped, 1u);
}

TEST(AafErrors, StopThrowsForAMalformedFieldWithItsPath) {
  const std::string text = kA + "\n" + R"({"asset":"x","task":{"tools":[],"relations":{"a":1}}})";
  ReadOptions o;
  o.on_error = OnError::stop;
  Reader reader(std::make_unique<MemorySource>(text, "e.ndjson"), o);
  ASSERT_NE(reader.next(), nullptr);
  try {
    reader.next();
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "e.ndjson:2: asset 2 (byte " + std::to_string(kA.size() + 1) +
                                         "): task.relations: expected an array, got an object");
  }
}

TEST(AafErrors, TruncatedLastLineIsAnInvalidAsset) {
  const std::string text = kA + "\n" + kB + "\n" + R"({"asset":"c","task":{"tools":[{"poi)";
  Result r = read_text(text);
  ASSERT_EQ(r.assets.size(), 2u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].where.line, 3u);
  EXPECT_EQ(r.problems[0].where.element, 3u);
  EXPECT_EQ(r.problems[0].where.byte_offset, kA.size() + kB.size() + 2);
  EXPECT_EQ(r.problems[0].reason.rfind("invalid JSON", 0), 0u) << r.problems[0].reason;
  EXPECT_EQ(r.stats.skipped, 1u);
  for (std::size_t chunk : {1u, 5u, 40u}) {
    Result c = read_source(std::make_unique<ChoppySource>(text, 3, "<memory>"), chunked(chunk));
    EXPECT_EQ(c.assets, r.assets);
    EXPECT_EQ(c.problem_text(), r.problem_text());
  }
}

TEST(AafErrors, TruncatedJsonArrayIsFatal) {
  // Inside an element.
  const std::string text = "[\n" + kA + ",\n" + kB + ",\n" + R"({"asset":"c","task":{)";
  Result r = read_text(text);
  ASSERT_EQ(r.assets.size(), 2u);
  ASSERT_EQ(r.problems.size(), 1u);
  const Problem& p = r.problems[0];
  EXPECT_TRUE(p.fatal);
  EXPECT_EQ(p.where.line, 4u);
  EXPECT_EQ(p.where.element, 3u);
  EXPECT_EQ(p.where.byte_offset, text.find("{\"asset\":\"c\""));
  EXPECT_EQ(p.reason, "the export ends inside this asset: the file is truncated");
  EXPECT_TRUE(r.stats.truncated);
  EXPECT_EQ(r.stats.skipped, 0u);
  EXPECT_EQ(r.stats.assets, 2u);
  // Between elements.
  for (const std::string& cut : {"[" + kA + ",", "[" + kA, "[" + kA + ",\n  ", std::string("[")}) {
    Result c = read_text(cut);
    ASSERT_EQ(c.problems.size(), 1u) << cut;
    EXPECT_TRUE(c.problems[0].fatal);
    EXPECT_EQ(c.problems[0].reason,
              "the JSON array is not closed (missing ']'): the file is truncated");
    EXPECT_EQ(c.problems[0].where.byte_offset, cut.size());
    EXPECT_TRUE(c.stats.truncated);
    EXPECT_EQ(c.assets.size(), cut.size() > 1 ? 1u : 0u);
  }
}

TEST(AafErrors, TruncatedArrayUnderStopThrows) {
  ReadOptions o;
  o.on_error = OnError::stop;
  Reader reader(std::make_unique<MemorySource>("[" + kA + "," + kB.substr(0, 10), "cut.json"), o);
  ASSERT_NE(reader.next(), nullptr);
  try {
    reader.next();
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "cut.json:1: byte " + std::to_string(kA.size() + 2) +
                                         ": the export ends inside this asset: the file is "
                                         "truncated");
  }
}

TEST(AafErrors, MissingCommaBetweenArrayElementsIsFatal) {
  const std::string text = "[" + kA + "\n " + kB + "," + kC + "]";
  Result r = read_text(text);
  ASSERT_EQ(r.assets.size(), 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_TRUE(r.problems[0].fatal);
  EXPECT_EQ(r.problems[0].reason, "expected ',' or ']' after asset 1, found '{'");
  EXPECT_EQ(r.problems[0].where.line, 2u);
  EXPECT_EQ(r.problems[0].where.element, 2u);
  EXPECT_EQ(r.problems[0].where.byte_offset, kA.size() + 3);
  EXPECT_TRUE(r.stats.truncated);
}

TEST(AafErrors, DoubleCommaIsFatal) {
  Result r = read_text("[" + kA + ",," + kB + "]");
  ASSERT_EQ(r.assets.size(), 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_TRUE(r.problems[0].fatal);
  EXPECT_EQ(r.problems[0].reason, "expected an asset after ',', found ','");
  EXPECT_EQ(r.problems[0].where.byte_offset, kA.size() + 2);
}

TEST(AafErrors, GarbageAfterTheArrayIsFatalAfterItsAssets) {
  const std::string text = "[" + kA + "," + kB + "]\n\n  xyz";
  Result r = read_text(text);
  EXPECT_EQ(r.assets.size(), 2u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_TRUE(r.problems[0].fatal);
  EXPECT_EQ(r.problems[0].reason, "unexpected 'x' after the end of the JSON array");
  EXPECT_EQ(r.problems[0].where.line, 3u);
  EXPECT_EQ(r.problems[0].where.byte_offset, text.find("xyz"));
  EXPECT_TRUE(r.stats.truncated);
  Result second = read_text("[" + kA + "][" + kB + "]");
  ASSERT_EQ(second.problems.size(), 1u);
  EXPECT_EQ(second.problems[0].reason, "unexpected '[' after the end of the JSON array");
  Result nul = read_text("[" + kA + "]" + std::string(1, '\0'));
  ASSERT_EQ(nul.problems.size(), 1u);
  EXPECT_EQ(nul.problems[0].reason, "unexpected byte 0x00 after the end of the JSON array");
}

TEST(AafErrors, TrailingCommaIsAWarning) {
  const std::string text = "[" + kA + ",\n" + kB + ",\n]";
  ReadOptions stop;
  stop.on_error = OnError::stop;  // a warning does not stop
  Result r = read_text(text, stop);
  ASSERT_EQ(r.assets.size(), 2u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_TRUE(r.problems[0].warning);
  EXPECT_FALSE(r.problems[0].fatal);
  EXPECT_EQ(r.problems[0].reason, "trailing comma before ']' (ignored)");
  EXPECT_EQ(r.problems[0].where.line, 3u);
  EXPECT_EQ(r.problems[0].where.byte_offset, text.size() - 1);
  EXPECT_EQ(r.stats.skipped, 0u);
  EXPECT_FALSE(r.stats.truncated);
}

TEST(AafErrors, NonObjectElementsAreSkipped) {
  const std::string text = "[1, \"text\", null, [" + kA + "], true, -2.5e3, " + kB + "]";
  Result r = read_text(text);
  ASSERT_EQ(r.assets.size(), 1u) << r.problem_text();
  EXPECT_EQ(r.locations[0].element, 7u);
  ASSERT_EQ(r.problems.size(), 6u) << r.problem_text();
  const char* got[] = {"a number", "a string", "null", "an array", "a boolean", "a number"};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(r.problems[i].where.element, i + 1);
    EXPECT_FALSE(r.problems[i].fatal);
    EXPECT_EQ(r.problems[i].reason, std::string("expected an asset (a JSON object), got ") + got[i])
        << i;
  }
  EXPECT_EQ(r.problems[1].where.byte_offset, 4u);
  EXPECT_EQ(r.stats.skipped, 6u);
}

TEST(AafErrors, NonObjectLinesAreSkipped) {
  Result r = read_text(kA + "\n[1,2]\n\"str\"\n42\n" + kB + "\n");
  EXPECT_EQ(r.assets.size(), 2u);
  ASSERT_EQ(r.problems.size(), 3u) << r.problem_text();
  EXPECT_EQ(r.problems[0].reason, "expected an asset (a JSON object), got an array");
  EXPECT_EQ(r.problems[2].where.line, 4u);
}

TEST(AafErrors, NonExportInputIsFatal) {
  Result r = read_text("hello");
  EXPECT_TRUE(r.assets.empty());
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_TRUE(r.problems[0].fatal);
  EXPECT_EQ(r.problems[0].reason,
            "not an AAF export: expected '[' (a JSON array), '{' (NDJSON) or a zip archive, found "
            "'h'");
  EXPECT_EQ(r.problems[0].where.line, 1u);
  EXPECT_EQ(r.problems[0].where.byte_offset, 0u);
  EXPECT_TRUE(r.stats.truncated);
  Result later = read_text("\n\n  <html>");
  ASSERT_EQ(later.problems.size(), 1u);
  EXPECT_EQ(later.problems[0].where.line, 3u);
  EXPECT_EQ(later.problems[0].where.byte_offset, 4u);
  EXPECT_NE(later.problems[0].reason.find("found '<'"), std::string::npos);
  Result binary = read_text(std::string("\x01\x02\x03\x04", 4));
  ASSERT_EQ(binary.problems.size(), 1u);
  EXPECT_NE(binary.problems[0].reason.find("found byte 0x01"), std::string::npos);
  ReadOptions stop;
  stop.on_error = OnError::stop;
  Reader reader(std::make_unique<MemorySource>("hello", "h.txt"), stop);
  try {
    reader.next();
    ADD_FAILURE() << "no InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()).rfind("h.txt:1: byte 0: not an AAF export", 0), 0u) << e.what();
  }
}

TEST(AafErrors, TwoAssetsOnOneLineAreOneBadAsset) {
  Result r = read_text(kA + " " + kB + "\n" + kC + "\n");
  ASSERT_EQ(r.assets.size(), 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].reason, "invalid JSON: unexpected content after the asset");
  EXPECT_EQ(r.problems[0].where.line, 1u);
}

TEST(AafErrors, MalformedGeometryKeepsTheAssetWithoutAProblem) {
  const std::string bad =
      R"({"asset":"g","task":{"tools":[{"bounding-box":{"x":"1","y":2,"width":3,"height":4}}]}})";
  Result r = read_text(kA + "\n" + bad + "\n" + kB);
  ASSERT_EQ(r.assets.size(), 3u);
  EXPECT_TRUE(r.problems.empty());
  EXPECT_NE(r.assets[1].find("invalid|0||||-|0|bounding-box.x: expected a number, got a string"),
            std::string::npos)
      << r.assets[1];
}

TEST(AafErrors, InvalidUtf8SkipsTheAsset) {
  const std::string bad = "{\"asset\":\"u\",\"externalId\":\"\xff\xfe\"}";
  Result r = read_text(kA + "\n" + bad + "\n" + kB + "\n");
  ASSERT_EQ(r.assets.size(), 2u);
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_EQ(r.problems[0].where.line, 2u);
  EXPECT_EQ(r.problems[0].reason.rfind("invalid JSON", 0), 0u) << r.problems[0].reason;
}

TEST(AafErrors, TruncatedZipIsAnInputError) {
  std::string ndjson;
  for (int i = 0; i < 5000; ++i)
    ndjson +=
        R"({"asset":"u)" + std::to_string(i) + R"(","pad":")" + std::string(i % 97, 'x') + "\"}\n";
  for (auto method : {zip::Method::deflate, zip::Method::store}) {
    std::string archive = make_zip({{"export.ndjson", ndjson}}, method);
    std::string cut = archive.substr(0, archive.size() / 2);
    Reader reader(std::make_unique<MemorySource>(cut, "cut.zip"), chunked(4096));
    std::size_t assets = 0;
    try {
      while (reader.next())
        ++assets;
      ADD_FAILURE() << "a truncated zip read as complete: " << assets << " assets";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("cut.zip"), std::string::npos) << e.what();
    }
    EXPECT_LT(assets, 5000u);
  }
}

TEST(AafErrors, HugeSingleLineIsRead) {
  // One 8 MiB asset between two small ones, read with 64 KiB chunks.
  std::string huge = R"({"asset":"huge","padding":")" + std::string(8u << 20, 'x') +
                     R"(","task":{"tools":[{"point":[1,2],"title":"end"}]}})";
  ReadOptions o = chunked(64 << 10);
  for (bool array : {false, true}) {
    std::string text =
        array ? "[" + kA + ",\n" + huge + ",\n" + kB + "]" : kA + "\n" + huge + "\n" + kB + "\n";
    Result r = read_text(text, o);
    ASSERT_EQ(r.assets.size(), 3u) << r.problem_text();
    EXPECT_EQ(r.problem_text(), "");
    EXPECT_NE(r.assets[1].find("url huge"), std::string::npos);
    EXPECT_NE(r.assets[1].find("point|1|end"), std::string::npos);
    EXPECT_EQ(r.locations[2].line, 3u);
    EXPECT_EQ(r.stats.bytes, text.size());
  }
}

TEST(AafErrors, NdjsonAssetOverTheSizeLimitIsSkipped) {
  const std::string big = R"({"asset":"big","padding":")" + std::string(5000, 'x') + "\"}";
  const std::string text = kA + "\n" + big + "\n" + kB + "\n" + big + "\n" + kC;
  // Chunks smaller and larger than the limit: the limit applies the same way.
  for (std::size_t chunk : {64u, 256u, 1000u, 4096u, 65536u}) {
    for (std::size_t step : {0u, 1u, 100u}) {
      SCOPED_TRACE(std::to_string(chunk) + " " + std::to_string(step));
      ReadOptions o = chunked(chunk);
      o.max_asset_bytes = 1000;
      Result r =
          step ? read_source(std::make_unique<ChoppySource>(text, step), o) : read_text(text, o);
      ASSERT_EQ(r.assets.size(), 3u) << r.problem_text();
      EXPECT_NE(r.assets[1].find("url b "), std::string::npos);
      EXPECT_EQ(r.locations[1].element, 3u);
      EXPECT_EQ(r.locations[2].element, 5u);
      ASSERT_EQ(r.problems.size(), 2u);
      EXPECT_EQ(r.problems[0].reason, "asset larger than the limit of 1000 bytes: skipped");
      EXPECT_EQ(r.problems[0].where.line, 2u);
      EXPECT_EQ(r.problems[0].where.element, 2u);
      EXPECT_EQ(r.problems[0].where.byte_offset, kA.size() + 1);
      EXPECT_FALSE(r.problems[0].fatal);
      EXPECT_EQ(r.problems[1].where.line, 4u);
      EXPECT_EQ(r.problems[1].where.element, 4u);
      EXPECT_EQ(r.stats.skipped, 2u);
      EXPECT_FALSE(r.stats.truncated);
    }
  }
}

TEST(AafErrors, NdjsonLastLineOverTheSizeLimitIsSkipped) {
  const std::string text = kA + "\n" + std::string(3000, '{');
  for (std::size_t step : {0u, 1u, 64u}) {
    ReadOptions o = chunked(100);
    o.max_asset_bytes = 500;
    Result r =
        step ? read_source(std::make_unique<ChoppySource>(text, step), o) : read_text(text, o);
    EXPECT_EQ(r.assets.size(), 1u);
    ASSERT_EQ(r.problems.size(), 1u) << step;
    EXPECT_EQ(r.problems[0].reason, "asset larger than the limit of 500 bytes: skipped") << step;
    EXPECT_EQ(r.problems[0].where.line, 2u);
    EXPECT_EQ(r.problems[0].where.element, 2u);
    EXPECT_EQ(r.problems[0].where.byte_offset, kA.size() + 1);
    EXPECT_EQ(r.stats.bytes, text.size());
  }
}

TEST(AafErrors, ArrayElementOverTheSizeLimitStopsReading) {
  const std::string big = R"({"asset":"big","padding":")" + std::string(5000, 'x') + "\"}";
  const std::string text = "[" + kA + ",\n" + big + ",\n" + kB + "]";
  for (std::size_t step : {0u, 1u, 100u}) {
    SCOPED_TRACE(step);
    ReadOptions o = chunked(256);
    o.max_asset_bytes = 1000;
    Result r =
        step ? read_source(std::make_unique<ChoppySource>(text, step), o) : read_text(text, o);
    ASSERT_EQ(r.assets.size(), 1u);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_TRUE(r.problems[0].fatal);
    EXPECT_EQ(r.problems[0].reason, "asset larger than the limit of 1000 bytes: skipped");
    EXPECT_EQ(r.problems[0].where.line, 2u);
    EXPECT_EQ(r.problems[0].where.element, 2u);
    EXPECT_EQ(r.problems[0].where.byte_offset, kA.size() + 3);
    EXPECT_TRUE(r.stats.truncated);
  }
}

// Found by fuzz_aaf_reader: brackets that do not match (`]` closing an object) let
// On-Demand read past the asset's end, so the problem named depended on whether the next
// byte was the export's next `}` (one big chunk) or padding (an asset assembled across
// chunks). The problem must not depend on where the input was cut.
TEST(AafErrors, MismatchedBracketsGiveTheSameProblemHoweverTheInputIsCut) {
  const std::string text =
      "[\n  {\"asset\": \"a\", \"tasks\": [\n {\"\": \"x\": 2]}]}\n  },\n"
      "  {\"asset\": \"b\"}\n]\n";
  auto problems_of = [&](std::unique_ptr<ByteSource> source, std::size_t chunk_bytes) {
    std::vector<std::string> seen;
    ReadOptions o;
    o.on_error = OnError::skip;
    o.chunk_bytes = chunk_bytes;
    o.on_problem = [&](const Problem& p) { seen.push_back(p.to_string()); };
    Reader reader(std::move(source), o);
    while (reader.next() != nullptr) {
    }
    return seen;
  };
  std::vector<std::string> whole = problems_of(std::make_unique<MemorySource>(text, "t"), 1 << 20);
  ASSERT_FALSE(whole.empty());
  EXPECT_NE(whole[0].find("improper structure"), std::string::npos) << whole[0];
  for (std::size_t chunk : {7u, 16u, 31u})
    EXPECT_EQ(problems_of(std::make_unique<ChoppySource>(text, 5, "t"), chunk), whole) << chunk;
}

TEST(AafErrors, SourceIoErrorPropagates) {
  const std::string text = kA + "\n" + kB + "\n" + kC + "\n";
  Reader reader(std::make_unique<FailingSource>(text, kA.size() + 5), chunked(16));
  ASSERT_NE(reader.next(), nullptr);
  EXPECT_THROW(
      {
        while (reader.next()) {
        }
      },
      IoError);
}

// ---------------------------------------------------------------------------------------
// Chunk boundaries

// Inputs that mix good assets, bad ones and stream problems.
std::vector<std::string> tricky_inputs() {
  std::string nested =
      R"({"asset":"n","task":{"tools":[{"segmentation":{"zones":[{"region":[[1,2],[3,4],[5,6]],"holes":[[[1,1],[2,2],[3,3]]]}]},"classifications":[{"title":"t","answer":["x","y"],"classifications":[{"title":"u","answer":"\"}]"}]}]}]}})";
  return {
      kA + "\n" + nested + "\n\n  \r\n{bad json}\n" + kB + "\r\n[1]\n" + kC,
      "\xEF\xBB\xBF[" + kA + ",\n  " + nested + " , 7 ,\"]\" , {\"asset\":\"x\\\"]\"},\n" + kB +
          ",]",
      "[" + kA + "," + nested + "," + kB,
      "[" + kA + "," + nested + "] trailing",
      "[" + kA + " " + kB + "]",
      std::string("[\"\\\\\"]"),
      kA + "\n" + R"({"asset":"c","task":{"tools":[{"poi)",
  };
}

TEST(AafChunks, ResultsDoNotDependOnChunkSizeOrReadSize) {
  for (const std::string& text : tricky_inputs()) {
    SCOPED_TRACE(text);
    Result base = read_text(text);
    ASSERT_FALSE(base.assets.empty() && base.problems.empty());
    for (std::size_t chunk : {1u, 2u, 3u, 5u, 8u, 13u, 31u, 64u, 200u, 4096u}) {
      for (std::size_t step : {1u, 2u, 7u, 1000000u}) {
        SCOPED_TRACE("chunk " + std::to_string(chunk) + " step " + std::to_string(step));
        Result r =
            read_source(std::make_unique<ChoppySource>(text, step, "<memory>"), chunked(chunk));
        EXPECT_EQ(r.assets, base.assets);
        EXPECT_EQ(r.problem_text(), base.problem_text());
        EXPECT_EQ(r.stats.assets, base.stats.assets);
        EXPECT_EQ(r.stats.skipped, base.stats.skipped);
        EXPECT_EQ(r.stats.truncated, base.stats.truncated);
        // After a fatal problem nothing more is read: how much was read depends on chunks.
        if (!base.stats.truncated) {
          EXPECT_EQ(r.stats.bytes, base.stats.bytes);
        }
      }
    }
  }
}

TEST(AafChunks, ZeroChunkSizeStillReads) {
  Result r = read_text(kA + "\n" + kB + "\n", chunked(0));
  EXPECT_EQ(r.assets.size(), 2u);
  Result a = read_text("[" + kA + "," + kB + "]", chunked(0));
  EXPECT_EQ(a.assets.size(), 2u);
}

// ---------------------------------------------------------------------------------------
// Stats, progress counters and the Reader API

TEST(AafStats, CountAssetsSkippedBytesAndKind) {
  const std::string text = kA + "\n{x}\n" + kB + "\n[]\n";
  Result r = read_text(text);
  EXPECT_EQ(r.stats.assets, 2u);
  EXPECT_EQ(r.stats.skipped, 2u);
  EXPECT_EQ(r.stats.bytes, text.size());
  EXPECT_EQ(r.stats.kind, InputKind::ndjson);
  EXPECT_FALSE(r.stats.truncated);
}

TEST(AafStats, ProgressCountersFollowTheInput) {
  const std::string text = "[" + kA + ",{x}," + kB + "]";
  std::atomic<std::uint64_t> bytes{0}, found{0}, total{0};
  ReadOptions o = chunked(8);
  o.bytes_read = &bytes;
  o.assets_found = &found;
  o.total_bytes = &total;
  Result r = read_text(text, o);
  EXPECT_EQ(r.assets.size(), 2u);
  EXPECT_EQ(total.load(), text.size());
  EXPECT_EQ(found.load(), 3u);  // every element found, good or bad
  EXPECT_EQ(bytes.load(), text.size());
}

TEST(AafReaderApi, RangeForAndNextVisitEveryAssetOnce) {
  const std::string text = kA + "\n" + kB + "\n" + kC + "\n";
  Reader reader(std::make_unique<MemorySource>(text));
  std::vector<std::string> got;
  for (const Asset& a : reader)
    got.emplace_back(a.external_id());
  EXPECT_EQ(got, (std::vector<std::string>{"1", "2", "3"}));
  EXPECT_EQ(reader.next(), nullptr);
  EXPECT_EQ(reader.stats().assets, 3u);
}

TEST(AafReaderApi, MovedReaderContinuesWhereItWas) {
  const std::string text = kA + "\n" + kB + "\n" + kC + "\n";
  Reader first(std::make_unique<MemorySource>(text), chunked(8));
  ASSERT_EQ(first.next()->url(), "a");
  Reader second(std::move(first));
  ASSERT_EQ(second.next()->url(), "b");
  Reader third(std::make_unique<MemorySource>(""));
  third = std::move(second);
  ASSERT_EQ(third.next()->url(), "c");
  EXPECT_EQ(third.next(), nullptr);
  EXPECT_EQ(third.stats().assets, 3u);
}

TEST(AafReaderApi, OpenExportReadsAFileAndFailsForAMissingOne) {
  auto source = open_export(sample_path("sample_v3.ndjson"));
  Result r = read_source(std::move(source));
  EXPECT_EQ(r.assets.size(), 5u);
  EXPECT_THROW(open_export("/nonexistent/dir/export.ndjson"), IoError);
}

}  // namespace
}  // namespace xport::aaf
