// Tests for the AAF model: the value types (Box, RotatedBox, KindSet, Problem...) and what the
// views expose for every documented field, read from small hand-written assets through the
// sequential reader (one asset per test, so a failure names the field that broke).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xport/aaf/model.hpp"
#include "xport/aaf/reader.hpp"
#include "xport/io.hpp"

namespace xport::aaf {
namespace {

// ---------------------------------------------------------------------------------------
// Helpers

// Reads `text` (one asset) and calls `fn` with it; fails when the reader does not deliver
// exactly one asset. Problems are collected into `problems` when given.
template <class Fn>
void read_one(std::string_view text, Fn&& fn, ReadOptions options = {},
              std::vector<Problem>* problems = nullptr) {
  std::vector<Problem> local;
  std::vector<Problem>& sink = problems ? *problems : local;
  options.on_problem = [&sink](const Problem& p) { sink.push_back(p); };
  Reader reader(std::make_unique<MemorySource>(text), options);
  const Asset* asset = reader.next();
  ASSERT_NE(asset, nullptr) << (sink.empty() ? std::string("no asset, no problem")
                                             : sink.front().to_string());
  fn(*asset);
  EXPECT_EQ(reader.next(), nullptr) << "more than one asset in " << text;
  if (!problems) {
    for (const Problem& p : local)
      ADD_FAILURE() << "unexpected problem: " << p.to_string();
  }
}

// Reads `text` expecting no asset; returns the problems reported.
std::vector<Problem> read_none(std::string_view text, ReadOptions options = {}) {
  std::vector<Problem> problems;
  options.on_problem = [&problems](const Problem& p) { problems.push_back(p); };
  Reader reader(std::make_unique<MemorySource>(text), options);
  EXPECT_EQ(reader.next(), nullptr);
  return problems;
}

// A v3 asset whose task.tools is `tools` (a JSON array text).
std::string v3_with_tools(std::string_view tools) {
  return std::string(R"({"asset":"a.jpg","externalId":"a","task":{"taskId":"t","tools":)") +
         std::string(tools) + "}}";
}

std::vector<std::string> texts(std::span<const std::string_view> views) {
  return {views.begin(), views.end()};
}

std::vector<std::string> titles(ClassificationList list) {
  std::vector<std::string> out;
  for (Classification c : list)
    out.emplace_back(c.title());
  return out;
}

double distance(Point a, Point b) {
  return std::hypot(a.x - b.x, a.y - b.y);
}

// ---------------------------------------------------------------------------------------
// Value types

TEST(AafModel, ObjectKindToStringGivesTheGeometryKey) {
  EXPECT_EQ(to_string(ObjectKind::bounding_box), "bounding-box");
  EXPECT_EQ(to_string(ObjectKind::rotated_bounding_box), "rotated-bounding-box");
  EXPECT_EQ(to_string(ObjectKind::polygon), "polygon");
  EXPECT_EQ(to_string(ObjectKind::polyline), "polyline");
  EXPECT_EQ(to_string(ObjectKind::point), "point");
  EXPECT_EQ(to_string(ObjectKind::segmentation), "segmentation");
  EXPECT_EQ(to_string(ObjectKind::ner), "ner");
  EXPECT_EQ(to_string(ObjectKind::pdf), "pdf");
  EXPECT_EQ(to_string(ObjectKind::spline), "spline");
  EXPECT_EQ(to_string(ObjectKind::angle), "angle");
  EXPECT_EQ(to_string(ObjectKind::unknown), "unknown");
  EXPECT_EQ(to_string(ObjectKind::invalid), "invalid");
}

TEST(AafModel, BoxNormalizedFlipsNegativeWidthAndHeight) {
  Box b{100, 50, -30, -20};
  Box n = b.normalized();
  EXPECT_EQ(n.x, 70);
  EXPECT_EQ(n.y, 30);
  EXPECT_EQ(n.width, 30);
  EXPECT_EQ(n.height, 20);
  // Only the negative side moves.
  Box w = Box{10, 20, -4, 8}.normalized();
  EXPECT_EQ(w.x, 6);
  EXPECT_EQ(w.y, 20);
  EXPECT_EQ(w.width, 4);
  EXPECT_EQ(w.height, 8);
}

TEST(AafModel, BoxNormalizedKeepsAPositiveBox) {
  Box n = Box{1.5, 2.5, 3.5, 4.5}.normalized();
  EXPECT_EQ(n.x, 1.5);
  EXPECT_EQ(n.y, 2.5);
  EXPECT_EQ(n.width, 3.5);
  EXPECT_EQ(n.height, 4.5);
}

TEST(AafModel, RotatedBoxPolygonReturnsTheExportedCorners) {
  RotatedBox r{820, 610, 40, 120, -30, true, {}};
  r.corners = {Point{820, 610}, Point{880, 713.923}, Point{914.641, 693.923}, Point{854.641, 590}};
  auto p = r.polygon();
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(p[i].x, r.corners[i].x) << i;
    EXPECT_EQ(p[i].y, r.corners[i].y) << i;
  }
}

TEST(AafModel, RotatedBoxPolygonWithoutRotationIsTheAxisAlignedBox) {
  RotatedBox r{10, 20, 30, 40, 0, false, {}};
  auto p = r.polygon();
  std::vector<std::pair<double, double>> got;
  for (auto q : p)
    got.emplace_back(q.x, q.y);
  std::sort(got.begin(), got.end());
  std::vector<std::pair<double, double>> want{{10, 20}, {10, 60}, {40, 20}, {40, 60}};
  EXPECT_EQ(got, want);
}

TEST(AafModel, RotatedBoxPolygonWithoutCornersIsARectangleOfTheBoxSize) {
  for (double rotation : {-180.0, -30.0, 15.0, 90.0, 179.0}) {
    RotatedBox r{200, 100, 40, 120, rotation, false, {}};
    auto p = r.polygon();
    // Opposite sides have the box's width and height, diagonals are equal: a rectangle.
    std::vector<double> sides{distance(p[0], p[1]), distance(p[1], p[2]), distance(p[2], p[3]),
                              distance(p[3], p[0])};
    EXPECT_NEAR(sides[0], sides[2], 1e-9) << rotation;
    EXPECT_NEAR(sides[1], sides[3], 1e-9) << rotation;
    EXPECT_NEAR(std::min(sides[0], sides[1]), 40, 1e-9) << rotation;
    EXPECT_NEAR(std::max(sides[0], sides[1]), 120, 1e-9) << rotation;
    EXPECT_NEAR(distance(p[0], p[2]), distance(p[1], p[3]), 1e-9) << rotation;
    // The first edge is turned by `rotation` degrees from the axes (a multiple of 90 away).
    double angle = std::atan2(p[1].y - p[0].y, p[1].x - p[0].x) * 180 / M_PI - rotation;
    double off = std::remainder(angle, 90.0);
    EXPECT_NEAR(off, 0.0, 1e-6) << rotation;
  }
}

TEST(AafModel, KindSetContainsOnlyItsKinds) {
  KindSet none;
  KindSet some{ObjectKind::bounding_box, ObjectKind::polygon};
  KindSet all = KindSet::all();
  for (int k = 0; k <= static_cast<int>(ObjectKind::invalid); ++k) {
    auto kind = static_cast<ObjectKind>(k);
    EXPECT_FALSE(none.contains(kind)) << k;
    EXPECT_TRUE(all.contains(kind)) << k;
    EXPECT_EQ(some.contains(kind), kind == ObjectKind::bounding_box || kind == ObjectKind::polygon)
        << k;
  }
}

TEST(AafModel, FieldsCombineAsBitSets) {
  constexpr Fields f = Fields::objects | Fields::relations;
  static_assert(has(f, Fields::objects));
  EXPECT_TRUE(has(f, Fields::relations));
  EXPECT_FALSE(has(f, Fields::classifications));
  EXPECT_FALSE(has(f, Fields::stage_history));
  EXPECT_FALSE(has(Fields::basic, Fields::objects));
  for (Fields x :
       {Fields::objects, Fields::classifications, Fields::relations, Fields::stage_history})
    EXPECT_TRUE(has(Fields::all, x));
}

TEST(AafModel, ProblemToStringNamesSourceLineAssetByteAndPath) {
  Problem p{"export.ndjson",
            Location{12, 11, 40213},
            "task.tools[3].bounding-box.x",
            "expected a number",
            false,
            false};
  EXPECT_EQ(p.to_string(),
            "export.ndjson:12: asset 11 (byte 40213): task.tools[3].bounding-box.x: expected a "
            "number");
  Problem no_path{"e.json", Location{3, 2, 99}, "", "invalid JSON: x", false, false};
  EXPECT_EQ(no_path.to_string(), "e.json:3: asset 2 (byte 99): invalid JSON: x");
}

TEST(AafModel, FatalProblemToStringNamesTheBytePosition) {
  Problem p{"e.json", Location{7, 5, 1234}, "", "the file is truncated", true, false};
  EXPECT_EQ(p.to_string(), "e.json:7: byte 1234: the file is truncated");
}

// ---------------------------------------------------------------------------------------
// Asset-level fields

TEST(AafAsset, V3AssetLevelFieldsAreRead) {
  read_one(
      R"({"asset":"https://x/p0.png","assetId":"A1","externalId":"scan 7","dataset":["https://x/p0.png",null,"https://x/p1.png"],"metadata":{"width":1000,"height":1400},"batches":["B1",null,"B2"],"task":{"taskId":"T1","stage":"Review","stageId":"S-9","tools":[]}})",
      [](const Asset& a) {
        EXPECT_EQ(a.generation(), Generation::v3);
        EXPECT_EQ(a.url(), "https://x/p0.png");
        EXPECT_EQ(a.url_value().type, Scalar::Type::string);
        EXPECT_EQ(a.asset_id(), "A1");
        EXPECT_EQ(a.external_id(), "scan 7");
        EXPECT_EQ(a.external_id_value().type, Scalar::Type::string);
        EXPECT_TRUE(a.external_id_value().is_string());
        EXPECT_EQ(a.width(), 1000u);
        EXPECT_EQ(a.height(), 1400u);
        EXPECT_EQ(texts(a.batches()), (std::vector<std::string>{"B1", "B2"}));
        EXPECT_EQ(texts(a.dataset()),
                  (std::vector<std::string>{"https://x/p0.png", "https://x/p1.png"}));
        EXPECT_TRUE(a.has_task());
        EXPECT_EQ(a.task_id(), "T1");
        EXPECT_EQ(a.stage(), "Review");
        EXPECT_EQ(a.stage_id(), "S-9");
        EXPECT_TRUE(a.objects().empty());
        EXPECT_TRUE(a.classifications().empty());
        EXPECT_TRUE(a.relations().empty());
        EXPECT_TRUE(a.stage_history().empty());
      });
}

TEST(AafAsset, V2ReadsTheFirstTaskOnlyAndItsStatusAsStage) {
  read_one(
      R"({"asset":"u","externalId":"e","tasks":[{"taskId":"first","status":"Completed","objects":[{"title":"A","point":[1,2]}]},{"taskId":"second","status":"Skipped","objects":[{"title":"B","point":[3,4]},{"title":"C","point":[5,6]}]}]})",
      [](const Asset& a) {
        EXPECT_EQ(a.generation(), Generation::v2);
        EXPECT_TRUE(a.has_task());
        EXPECT_EQ(a.task_id(), "first");
        EXPECT_EQ(a.stage(), "Completed");
        ASSERT_EQ(a.objects().size(), 1u);
        EXPECT_EQ(a.objects()[0].title(), "A");
        EXPECT_EQ(a.objects()[0].path(), "tasks[0].objects[0]");
      });
}

TEST(AafAsset, V3StatusKeyIsNotTheStage) {
  read_one(R"({"asset":"u","task":{"status":"Completed","stage":"Label"}})",
           [](const Asset& a) { EXPECT_EQ(a.stage(), "Label"); });
  read_one(R"({"asset":"u","task":{"status":"Completed"}})",
           [](const Asset& a) { EXPECT_EQ(a.stage(), ""); });
}

TEST(AafAsset, GenerationIsUnknownWithoutATask) {
  read_one(R"({"asset":"u","externalId":"e"})", [](const Asset& a) {
    EXPECT_EQ(a.generation(), Generation::unknown);
    EXPECT_FALSE(a.has_task());
    EXPECT_EQ(a.task_id(), "");
    EXPECT_TRUE(a.objects().empty());
  });
  read_one(R"({"asset":"u","task":null,"tasks":null})", [](const Asset& a) {
    EXPECT_EQ(a.generation(), Generation::unknown);
    EXPECT_FALSE(a.has_task());
  });
}

TEST(AafAsset, EmptyTasksListIsV2WithoutATask) {
  read_one(R"({"asset":"u","tasks":[]})", [](const Asset& a) {
    EXPECT_EQ(a.generation(), Generation::v2);
    EXPECT_FALSE(a.has_task());
  });
}

TEST(AafAsset, ScalarsKeepTheirJsonType) {
  read_one(R"({"asset":"u","externalId":12345})", [](const Asset& a) {
    EXPECT_EQ(a.external_id_value().type, Scalar::Type::number);
    EXPECT_EQ(a.external_id_value().text, "12345");
    EXPECT_FALSE(a.external_id_value().is_string());
    EXPECT_EQ(a.external_id(), "12345");
  });
  read_one(R"({"asset":"u","externalId":-1.50e3 })", [](const Asset& a) {
    EXPECT_EQ(a.external_id_value().type, Scalar::Type::number);
    EXPECT_EQ(a.external_id_value().text, "-1.50e3");
  });
  read_one(R"({"asset":"u","externalId":null})", [](const Asset& a) {
    EXPECT_EQ(a.external_id_value().type, Scalar::Type::null);
    EXPECT_EQ(a.external_id(), "");
  });
  read_one(R"({"asset":"u","externalId":true})", [](const Asset& a) {
    EXPECT_EQ(a.external_id_value().type, Scalar::Type::boolean);
    EXPECT_EQ(a.external_id_value().text, "true");
  });
  read_one(R"({"asset":"u"})", [](const Asset& a) {
    EXPECT_EQ(a.external_id_value().type, Scalar::Type::absent);
    EXPECT_EQ(a.external_id(), "");
  });
  read_one(R"({"externalId":"e"})", [](const Asset& a) {
    EXPECT_EQ(a.url_value().type, Scalar::Type::absent);
    EXPECT_EQ(a.url(), "");
  });
}

TEST(AafAsset, ExternalIdOfTheWrongTypeSkipsTheAssetWithItsPath) {
  auto problems = read_none(R"({"asset":"u","externalId":{"a":1}})");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "externalId");
  EXPECT_EQ(problems[0].reason, "expected a string, got an object");
  EXPECT_FALSE(problems[0].fatal);
}

TEST(AafAsset, IdsTypedAsNumbersReadAsTheirText) {
  read_one(
      R"({"asset":"u","assetId":77,"task":{"taskId":123,"stageId":4.5,"tools":[{"objectId":9,"schemaId":false,"title":3,"point":[0,0]}]}})",
      [](const Asset& a) {
        EXPECT_EQ(a.asset_id(), "77");
        EXPECT_EQ(a.task_id(), "123");
        EXPECT_EQ(a.stage_id(), "4.5");
        Object o = a.objects()[0];
        EXPECT_EQ(o.object_id(), "9");
        EXPECT_EQ(o.schema_id(), "false");
        EXPECT_EQ(o.title(), "3");
        EXPECT_TRUE(o.has_title());
      });
}

TEST(AafAsset, MetadataSizeNeedsPositiveNumbers) {
  struct Case {
    const char* metadata;
    std::optional<std::uint32_t> width, height;
  };
  const Case cases[] = {
      {R"({"width":640,"height":480})", 640u, 480u},
      {R"({"width":640.0,"height":480.4})", 640u, 480u},
      {R"({})", std::nullopt, std::nullopt},
      {R"(null)", std::nullopt, std::nullopt},
      {R"("640x480")", std::nullopt, std::nullopt},
      {R"({"width":640})", 640u, std::nullopt},
      {R"({"height":480})", std::nullopt, 480u},
      {R"({"width":0,"height":-5})", std::nullopt, std::nullopt},
      {R"({"width":"640","height":null})", std::nullopt, std::nullopt},
      {R"({"width":1e20,"height":0.5})", std::nullopt, std::nullopt},
      {R"({"frameTotal":300,"frameRate":30})", std::nullopt, std::nullopt},
  };
  for (const Case& c : cases) {
    std::string json = std::string(R"({"asset":"u","metadata":)") + c.metadata + "}";
    read_one(json, [&](const Asset& a) {
      EXPECT_EQ(a.width(), c.width) << c.metadata;
      EXPECT_EQ(a.height(), c.height) << c.metadata;
    });
  }
  read_one(R"({"asset":"u"})", [](const Asset& a) {
    EXPECT_FALSE(a.width().has_value());
    EXPECT_FALSE(a.height().has_value());
  });
}

TEST(AafAsset, UnknownFieldsAreSkippedAndReachableThroughRaw) {
  read_one(
      R"({"future":{"deep":[1,{"x":"y"}]},"asset":"u","contextData":{"k":"v"},"task":{"novel":[[[]]],"taskId":"t","tools":[{"brush":{"x":1},"title":"B"}]}})",
      [](const Asset& a) {
        EXPECT_EQ(a.url(), "u");
        EXPECT_EQ(a.task_id(), "t");
        std::optional<std::string_view> v = a.raw()["contextData"]["k"].string();
        ASSERT_TRUE(v.has_value());
        EXPECT_EQ(*v, "v");
        std::optional<std::string_view> deep = a.raw()["future"]["deep"].at(1)["x"].string();
        ASSERT_TRUE(deep.has_value());
        EXPECT_EQ(*deep, "y");
        ASSERT_EQ(a.objects().size(), 1u);
        EXPECT_EQ(a.objects()[0].kind(), ObjectKind::unknown);
        std::optional<int64_t> x = a.objects()[0].raw()["brush"]["x"].int64();
        ASSERT_TRUE(x.has_value());
        EXPECT_EQ(*x, 1);
      });
}

TEST(AafAsset, NullOptionalFieldsReadAsAbsent) {
  read_one(
      R"({"asset":"u","externalId":null,"assetId":null,"metadata":null,"batches":null,"dataset":null,"task":{"taskId":null,"stage":null,"stageId":null,"tools":null,"classifications":null,"relations":null,"stageHistory":null}})",
      [](const Asset& a) {
        EXPECT_EQ(a.generation(), Generation::v3);
        EXPECT_TRUE(a.has_task());
        EXPECT_EQ(a.asset_id(), "");
        EXPECT_EQ(a.task_id(), "");
        EXPECT_TRUE(a.batches().empty());
        EXPECT_TRUE(a.dataset().empty());
        EXPECT_TRUE(a.objects().empty());
        EXPECT_TRUE(a.classifications().empty());
        EXPECT_TRUE(a.relations().empty());
        EXPECT_TRUE(a.stage_history().empty());
      });
  read_one(
      v3_with_tools(
          R"([{"title":null,"objectId":null,"schemaId":null,"page":null,"classifications":null,"interpolationStopped":null,"ner":{"start":1,"end":2,"selection":null}},)"
          R"({"rotated-bounding-box":{"x":1,"y":2,"width":3,"height":4,"rotation":null,"corners":null}},)"
          R"({"pdf":{"position":{"boundingRect":{"x1":1,"y1":2,"x2":3,"y2":4,"width":null,"height":null},"rects":null,"pageNumber":3},"content":null}},)"
          R"({"segmentation":{"zones":[{"region":[[0,0],[1,0],[1,1]],"holes":null}]}}])"),
      [](const Asset& a) {
        ASSERT_EQ(a.objects().size(), 4u);
        Object o = a.objects()[0];
        EXPECT_EQ(o.kind(), ObjectKind::ner);
        EXPECT_FALSE(o.has_title());
        EXPECT_EQ(o.title(), "");
        EXPECT_EQ(o.object_id(), "");
        EXPECT_FALSE(o.page().has_value());
        EXPECT_FALSE(o.interpolation_stopped());
        EXPECT_TRUE(o.classifications().empty());
        ASSERT_TRUE(o.ner().has_value());
        EXPECT_FALSE(o.ner()->selection.has_value());
        auto r = a.objects()[1].rotated_box();
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->rotation, 0);
        EXPECT_FALSE(r->has_corners);
        auto pdf = a.objects()[2].pdf();
        ASSERT_TRUE(pdf.has_value());
        EXPECT_EQ(pdf->bounding.width, 0);
        EXPECT_EQ(pdf->bounding.x2, 3);
        EXPECT_TRUE(pdf->rects.empty());
        EXPECT_EQ(pdf->page_number, 3);
        EXPECT_FALSE(pdf->text.has_value());
        auto zones = a.objects()[3].zones();
        ASSERT_EQ(zones.size(), 1u);
        EXPECT_EQ(zones[0].region.size(), 3u);
        EXPECT_TRUE(zones[0].holes.empty());
      });
}

TEST(AafAsset, JsonIsTheAssetTextExactly) {
  const std::string text = R"({"asset":"u", "externalId" : "e" })";
  read_one(text + "\r\n", [&](const Asset& a) { EXPECT_EQ(a.json(), text); });
}

TEST(AafAsset, ValidateRejectsErrorsInFieldsTheReaderSkips) {
  // On-Demand skips "junk" without decoding it: only validation sees the bad literal.
  const std::string text = R"({"asset":"u","junk":[1,2,tru],"externalId":"e"})";
  read_one(text, [](const Asset& a) { EXPECT_EQ(a.external_id(), "e"); });
  ReadOptions validate;
  validate.validate = true;
  auto problems = read_none(text, validate);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].reason.rfind("invalid JSON", 0), 0u) << problems[0].reason;
  EXPECT_EQ(problems[0].where.line, 1u);
  EXPECT_EQ(problems[0].where.element, 1u);
}

TEST(AafAsset, RawThrowsWhenASkippedPartIsInvalid) {
  read_one(R"({"asset":"u","junk":[1,2,tru],"task":{"tools":[{"point":[1,2]}]}})",
           [](const Asset& a) {
             EXPECT_EQ(a.objects()[0].points().size(), 1u);  // what was read is fine
             try {
               (void)a.raw();
               ADD_FAILURE() << "raw() accepted invalid JSON";
             } catch (const std::runtime_error& e) {
               EXPECT_EQ(std::string(e.what()).rfind("asset JSON: ", 0), 0u) << e.what();
             }
             EXPECT_THROW((void)a.objects()[0].raw(), std::runtime_error);
           });
}

TEST(AafAsset, ValidatedAssetRawIsAvailable) {
  ReadOptions validate;
  validate.validate = true;
  read_one(R"({"asset":"u","extra":[10,20]})",
           [](const Asset& a) {
             std::optional<int64_t> v = a.raw()["extra"].at(1).int64();
             ASSERT_TRUE(v.has_value());
             EXPECT_EQ(*v, 20);
           },
           validate);
}

TEST(AafAsset, FieldsBasicSkipsObjectsClassificationsRelationsAndHistory) {
  const std::string text =
      R"({"asset":"u","task":{"taskId":"t","tools":[{"point":[1,2]}],"classifications":[{"title":"c"}],"relations":[{"title":"r"}],"stageHistory":[{"stage":"s"}]}})";
  ReadOptions basic;
  basic.fields = Fields::basic;
  read_one(
      text,
      [](const Asset& a) {
        EXPECT_EQ(a.task_id(), "t");
        EXPECT_TRUE(a.objects().empty());
        EXPECT_TRUE(a.classifications().empty());
        EXPECT_TRUE(a.relations().empty());
        EXPECT_TRUE(a.stage_history().empty());
        // Still reachable through raw().
        std::optional<std::string_view> title =
            a.raw()["task"]["relations"].at(0)["title"].string();
        ASSERT_TRUE(title.has_value());
        EXPECT_EQ(*title, "r");
      },
      basic);
  ReadOptions some;
  some.fields = Fields::objects | Fields::stage_history;
  read_one(
      text,
      [](const Asset& a) {
        EXPECT_EQ(a.objects().size(), 1u);
        EXPECT_TRUE(a.classifications().empty());
        EXPECT_TRUE(a.relations().empty());
        ASSERT_EQ(a.stage_history().size(), 1u);
        EXPECT_EQ(a.stage_history()[0].stage, "s");
      },
      some);
}

TEST(AafAsset, FieldsWithoutClassificationsSkipsNestedOnes) {
  ReadOptions opts;
  opts.fields = Fields::objects;
  read_one(
      v3_with_tools(R"([{"point":[1,2],"classifications":[{"title":"x","answer":"y"}]}])"),
      [](const Asset& a) {
        ASSERT_EQ(a.objects().size(), 1u);
        EXPECT_TRUE(a.objects()[0].classifications().empty());
        EXPECT_EQ(a.objects()[0].points().size(), 1u);
      },
      opts);
}

// ---------------------------------------------------------------------------------------
// Objects and geometry

TEST(AafObject, CommonFieldsAreRead) {
  read_one(
      v3_with_tools(
          R"([{"bounding-box":{"x":1,"y":2,"width":3,"height":4},"objectId":"o1","schemaId":"s1","title":"Car","page":7,"interpolationStopped":true,"metadata":{"createdAt":1700000000000}},{"point":[1,1],"interpolationStopped":"yes"}])"),
      [](const Asset& a) {
        ASSERT_EQ(a.objects().size(), 2u);
        Object o = a.objects()[0];
        EXPECT_EQ(o.index(), 0u);
        EXPECT_EQ(o.path(), "task.tools[0]");
        EXPECT_EQ(o.kind(), ObjectKind::bounding_box);
        EXPECT_EQ(o.object_id(), "o1");
        EXPECT_EQ(o.schema_id(), "s1");
        EXPECT_EQ(o.title(), "Car");
        EXPECT_TRUE(o.has_title());
        EXPECT_EQ(o.page(), 7);
        EXPECT_TRUE(o.interpolation_stopped());
        EXPECT_EQ(o.problem(), "");
        Object p = a.objects()[1];
        EXPECT_EQ(p.index(), 1u);
        EXPECT_EQ(p.path(), "task.tools[1]");
        EXPECT_FALSE(p.interpolation_stopped());
        EXPECT_FALSE(p.has_title());
        EXPECT_FALSE(p.page().has_value());
      });
}

TEST(AafObject, ObjectsIterateInOrder) {
  read_one(
      v3_with_tools(R"([{"title":"a","point":[0,0]},{"title":"b","polygon":[]},)"
                    R"({"title":"c"},{"title":"d","spline":[[1,2]]},{"title":"e","angle":{}}])"),
      [](const Asset& a) {
        std::vector<std::string> got;
        std::vector<ObjectKind> kinds;
        for (Object o : a.objects()) {
          got.emplace_back(o.title());
          kinds.push_back(o.kind());
        }
        EXPECT_EQ(got, (std::vector<std::string>{"a", "b", "c", "d", "e"}));
        EXPECT_EQ(kinds, (std::vector<ObjectKind>{ObjectKind::point, ObjectKind::polygon,
                                                  ObjectKind::unknown, ObjectKind::spline,
                                                  ObjectKind::angle}));
      });
}

TEST(AafObject, BoundingBoxIsReadWithIntegersAndExactHalves) {
  read_one(v3_with_tools(R"([{"bounding-box":{"height":4,"width":3,"y":20.5,"x":10}},)"
                         R"({"bounding-box":{"x":0.5,"y":1.5,"width":1e2,"height":2.5E1}}])"),
           [](const Asset& a) {
             auto b = a.objects()[0].bounding_box();
             ASSERT_TRUE(b.has_value());
             EXPECT_EQ(b->x, 10.0);
             EXPECT_EQ(b->y, 20.5);
             EXPECT_EQ(b->width, 3.0);
             EXPECT_EQ(b->height, 4.0);
             auto c = a.objects()[1].bounding_box();
             ASSERT_TRUE(c.has_value());
             EXPECT_EQ(c->x, 0.5);
             EXPECT_EQ(c->y, 1.5);
             EXPECT_EQ(c->width, 100.0);
             EXPECT_EQ(c->height, 25.0);
             // Other geometry accessors are empty for a box.
             EXPECT_FALSE(a.objects()[0].rotated_box().has_value());
             EXPECT_TRUE(a.objects()[0].points().empty());
             EXPECT_TRUE(a.objects()[0].zones().empty());
             EXPECT_FALSE(a.objects()[0].ner().has_value());
             EXPECT_FALSE(a.objects()[0].pdf().has_value());
           });
}

TEST(AafObject, CoordinatesAreReadExactly) {
  read_one(v3_with_tools(R"([{"polyline":[[0.1,0.7],[1234567.5,-0.5],[1e-3,9007199254740993]]}])"),
           [](const Asset& a) {
             auto pts = a.objects()[0].points();
             ASSERT_EQ(pts.size(), 3u);
             EXPECT_EQ(pts[0].x, 0.1);
             EXPECT_EQ(pts[0].y, 0.7);
             EXPECT_EQ(pts[1].x, 1234567.5);
             EXPECT_EQ(pts[1].y, -0.5);
             EXPECT_EQ(pts[2].x, 0.001);
             EXPECT_EQ(pts[2].y, 9007199254740992.0);  // nearest double
           });
}

TEST(AafObject, NegativeBoxSizesAreKeptAsExported) {
  read_one(v3_with_tools(R"([{"bounding-box":{"x":100,"y":50,"width":-30,"height":-20.5}}])"),
           [](const Asset& a) {
             auto b = a.objects()[0].bounding_box();
             ASSERT_TRUE(b.has_value());
             EXPECT_EQ(b->width, -30);
             EXPECT_EQ(b->height, -20.5);
             Box n = b->normalized();
             EXPECT_EQ(n.x, 70);
             EXPECT_EQ(n.y, 29.5);
             EXPECT_EQ(n.width, 30);
             EXPECT_EQ(n.height, 20.5);
           });
}

TEST(AafObject, RotatedBoxWithCornersIsRead) {
  read_one(
      v3_with_tools(
          R"([{"rotated-bounding-box":{"x":820.0,"y":610.0,"width":40.0,"height":120.0,"rotation":-30.0,"corners":[[820.0,610.0],[880.0,713.923],[914.641,693.923],[854.641,590.0]]}}])"),
      [](const Asset& a) {
        auto r = a.objects()[0].rotated_box();
        ASSERT_TRUE(r.has_value());
        EXPECT_EQ(r->x, 820);
        EXPECT_EQ(r->y, 610);
        EXPECT_EQ(r->width, 40);
        EXPECT_EQ(r->height, 120);
        EXPECT_EQ(r->rotation, -30);
        EXPECT_TRUE(r->has_corners);
        EXPECT_EQ(r->corners[1].x, 880.0);
        EXPECT_EQ(r->corners[1].y, 713.923);
        EXPECT_EQ(r->corners[3].x, 854.641);
        EXPECT_EQ(r->corners[3].y, 590.0);
        auto poly = r->polygon();
        EXPECT_EQ(poly[2].x, 914.641);
        EXPECT_EQ(poly[2].y, 693.923);
        EXPECT_FALSE(a.objects()[0].bounding_box().has_value());
      });
}

TEST(AafObject, RotatedBoxWithoutCornersOrRotation) {
  read_one(v3_with_tools(R"([{"rotated-bounding-box":{"x":1,"y":2,"width":3,"height":4}}])"),
           [](const Asset& a) {
             auto r = a.objects()[0].rotated_box();
             ASSERT_TRUE(r.has_value());
             EXPECT_EQ(r->rotation, 0);
             EXPECT_FALSE(r->has_corners);
             auto p = r->polygon();
             EXPECT_NEAR(std::min({p[0].x, p[1].x, p[2].x, p[3].x}), 1, 1e-12);
             EXPECT_NEAR(std::max({p[0].y, p[1].y, p[2].y, p[3].y}), 6, 1e-12);
           });
}

TEST(AafObject, RotatedBoxWithWrongCornerCountIsInvalid) {
  read_one(
      v3_with_tools(
          R"([{"rotated-bounding-box":{"x":1,"y":2,"width":3,"height":4,"corners":[[1,2],[3,4],[5,6]]}},)"
          R"({"rotated-bounding-box":{"x":1,"y":2,"width":3,"height":4,"corners":[[1,2],[3,4],[5,6],[7,8],[9,9]]}}])"),
      [](const Asset& a) {
        ASSERT_EQ(a.objects().size(), 2u);
        EXPECT_EQ(a.objects()[0].kind(), ObjectKind::invalid);
        EXPECT_EQ(a.objects()[0].problem(),
                  "rotated-bounding-box.corners: expected 4 corners, got 3");
        EXPECT_EQ(a.objects()[1].kind(), ObjectKind::invalid);
        EXPECT_EQ(a.objects()[1].problem(), "rotated-bounding-box.corners[4]: expected 4 corners");
      });
}

TEST(AafObject, PolygonPolylineAndPointAreRead) {
  read_one(v3_with_tools(R"([{"polygon":[[1,2],[3,4],[5,6]]},{"polyline":[[7,8],[9,10]]},)"
                         R"({"point":[11.5,12.25]},{"point":[1,2,0.9]},{"polygon":[]}])"),
           [](const Asset& a) {
             ASSERT_EQ(a.objects().size(), 5u);
             auto poly = a.objects()[0].points();
             ASSERT_EQ(poly.size(), 3u);
             EXPECT_EQ(poly[2].x, 5);
             EXPECT_EQ(poly[2].y, 6);
             auto line = a.objects()[1].points();
             ASSERT_EQ(line.size(), 2u);
             EXPECT_EQ(line[0].x, 7);
             EXPECT_EQ(line[1].y, 10);
             auto pt = a.objects()[2].points();
             ASSERT_EQ(pt.size(), 1u);
             EXPECT_EQ(pt[0].x, 11.5);
             EXPECT_EQ(pt[0].y, 12.25);
             auto pt3 = a.objects()[3].points();  // a third coordinate is ignored
             ASSERT_EQ(pt3.size(), 1u);
             EXPECT_EQ(pt3[0].x, 1);
             EXPECT_EQ(pt3[0].y, 2);
             EXPECT_EQ(a.objects()[4].kind(), ObjectKind::polygon);
             EXPECT_TRUE(a.objects()[4].points().empty());
           });
}

TEST(AafObject, PointWithOneCoordinateIsInvalid) {
  read_one(v3_with_tools(R"([{"point":[1]},{"polygon":[[1,2],[3]]},{"point":[0,0]}])"),
           [](const Asset& a) {
             ASSERT_EQ(a.objects().size(), 3u);
             EXPECT_EQ(a.objects()[0].kind(), ObjectKind::invalid);
             EXPECT_EQ(a.objects()[0].problem(),
                       "point: expected a point [x, y], got 1 coordinate");
             EXPECT_EQ(a.objects()[1].kind(), ObjectKind::invalid);
             EXPECT_EQ(a.objects()[1].problem(),
                       "polygon[1]: expected a point [x, y], got 1 coordinate");
             EXPECT_EQ(a.objects()[2].kind(), ObjectKind::point);
           });
}

TEST(AafObject, SegmentationZonesAndHolesAreRead) {
  read_one(
      v3_with_tools(
          R"([{"segmentation":{"masks":["m.png"],"zones":[{"region":[[600,900],[1300,900],[1300,1079],[600,1079]],"holes":[[[900,950],[960,950],[960,1000]],[[1,1],[2,2],[3,1]]]},{"holes":[[[5,5],[6,6],[7,5]]],"region":[[1400,980],[1600,980],[1600,1079]]},{"region":[[0,0],[1,0],[0,1]],"holes":[]}]}}])"),
      [](const Asset& a) {
        auto zones = a.objects()[0].zones();
        ASSERT_EQ(zones.size(), 3u);
        ASSERT_EQ(zones[0].region.size(), 4u);
        EXPECT_EQ(zones[0].region[1].x, 1300);
        EXPECT_EQ(zones[0].region[3].y, 1079);
        ASSERT_EQ(zones[0].holes.size(), 2u);
        ASSERT_EQ(zones[0].holes[0].size(), 3u);
        EXPECT_EQ(zones[0].holes[0][2].x, 960);
        EXPECT_EQ(zones[0].holes[0][2].y, 1000);
        ASSERT_EQ(zones[0].holes[1].size(), 3u);
        EXPECT_EQ(zones[0].holes[1][1].x, 2);
        // Holes before the region in the JSON: the region is still the outer ring.
        ASSERT_EQ(zones[1].region.size(), 3u);
        EXPECT_EQ(zones[1].region[0].x, 1400);
        ASSERT_EQ(zones[1].holes.size(), 1u);
        EXPECT_EQ(zones[1].holes[0][0].x, 5);
        EXPECT_EQ(zones[2].region.size(), 3u);
        EXPECT_TRUE(zones[2].holes.empty());
      });
}

TEST(AafObject, SegmentationWithoutPointsHasNoZones) {
  read_one(
      v3_with_tools(R"([{"segmentation":{"masks":["m.png"]}},{"segmentation":{"zones":null}}])"),
      [](const Asset& a) {
        EXPECT_EQ(a.objects()[0].kind(), ObjectKind::segmentation);
        EXPECT_TRUE(a.objects()[0].zones().empty());
        EXPECT_TRUE(a.objects()[1].zones().empty());
      });
}

TEST(AafObject, NerSpansAreRead) {
  read_one(v3_with_tools(R"([{"ner":{"start":21,"end":27,"selection":"Lisbon"}},)"
                         R"({"ner":{"start":1.25,"end":3.5}},{"ner":{"start":1}}])"),
           [](const Asset& a) {
             auto n = a.objects()[0].ner();
             ASSERT_TRUE(n.has_value());
             EXPECT_EQ(n->start, 21);
             EXPECT_EQ(n->end, 27);
             EXPECT_EQ(n->selection, "Lisbon");
             auto audio = a.objects()[1].ner();
             ASSERT_TRUE(audio.has_value());
             EXPECT_EQ(audio->start, 1.25);
             EXPECT_EQ(audio->end, 3.5);
             EXPECT_FALSE(audio->selection.has_value());
             EXPECT_EQ(a.objects()[2].kind(), ObjectKind::invalid);
             EXPECT_EQ(a.objects()[2].problem(), "ner: missing 'end'");
           });
}

TEST(AafObject, PdfRegionsAreRead) {
  read_one(
      v3_with_tools(
          R"([{"pdf":{"position":{"boundingRect":{"x1":62.5,"y1":118.0,"x2":201.75,"y2":134.5,"width":612.0,"height":792.0},"rects":[{"x1":62.5,"y1":118.0,"x2":131.0,"y2":134.5,"width":612.0,"height":792.0},{"x1":134.25,"y1":118.0,"x2":201.75,"y2":134.5,"width":612,"height":792}],"pageNumber":1},"content":{"text":"ACME Corp"}}},)"
          R"({"pdf":{"position":{"boundingRect":{"x1":1,"y1":2,"x2":3,"y2":4},"pageNumber":2},"content":{"image":"data:..."}}}])"),
      [](const Asset& a) {
        auto p = a.objects()[0].pdf();
        ASSERT_TRUE(p.has_value());
        EXPECT_EQ(p->bounding.x1, 62.5);
        EXPECT_EQ(p->bounding.y1, 118.0);
        EXPECT_EQ(p->bounding.x2, 201.75);
        EXPECT_EQ(p->bounding.y2, 134.5);
        EXPECT_EQ(p->bounding.width, 612.0);
        EXPECT_EQ(p->bounding.height, 792.0);
        ASSERT_EQ(p->rects.size(), 2u);
        EXPECT_EQ(p->rects[0].x2, 131.0);
        EXPECT_EQ(p->rects[1].x1, 134.25);
        EXPECT_EQ(p->rects[1].width, 612);
        EXPECT_EQ(p->page_number, 1);
        EXPECT_EQ(p->text, "ACME Corp");
        auto q = a.objects()[1].pdf();
        ASSERT_TRUE(q.has_value());
        EXPECT_EQ(q->page_number, 2);
        EXPECT_TRUE(q->rects.empty());
        EXPECT_FALSE(q->text.has_value());
        EXPECT_EQ(q->bounding.y2, 4);
      });
}

TEST(AafObject, TheFirstGeometryKeyDecidesTheKind) {
  read_one(v3_with_tools(R"([{"point":[1,2],"bounding-box":{"x":1,"y":2,"width":3,"height":4}}])"),
           [](const Asset& a) {
             EXPECT_EQ(a.objects()[0].kind(), ObjectKind::point);
             EXPECT_EQ(a.objects()[0].points().size(), 1u);
             EXPECT_FALSE(a.objects()[0].bounding_box().has_value());
           });
}

TEST(AafObject, ObjectWithoutGeometryIsUnknown) {
  read_one(v3_with_tools(R"([{"title":"brush stroke","objectId":"b1"}])"), [](const Asset& a) {
    Object o = a.objects()[0];
    EXPECT_EQ(o.kind(), ObjectKind::unknown);
    EXPECT_EQ(o.title(), "brush stroke");
    EXPECT_TRUE(o.points().empty());
    EXPECT_FALSE(o.bounding_box().has_value());
  });
}

TEST(AafObject, MalformedGeometryMakesTheObjectInvalidAndKeepsTheAsset) {
  std::vector<Problem> problems;
  read_one(
      v3_with_tools(
          R"([{"point":[1,2],"title":"ok"},{"title":"bad","objectId":"o2","bounding-box":{"x":"12","y":2,"width":3,"height":4},"classifications":[{"title":"c","answer":"a"}]},{"polygon":[[1,2]],"title":"after"}])"),
      [](const Asset& a) {
        ASSERT_EQ(a.objects().size(), 3u);
        Object bad = a.objects()[1];
        EXPECT_EQ(bad.kind(), ObjectKind::invalid);
        EXPECT_EQ(bad.problem(), "bounding-box.x: expected a number, got a string");
        EXPECT_EQ(bad.title(), "bad");  // fields before the bad geometry were kept
        EXPECT_FALSE(bad.bounding_box().has_value());
        EXPECT_TRUE(bad.points().empty());
        // The object's JSON is still reachable.
        std::optional<std::string_view> x = bad.raw()["bounding-box"]["x"].string();
        ASSERT_TRUE(x.has_value());
        EXPECT_EQ(*x, "12");
        EXPECT_EQ(a.objects()[0].kind(), ObjectKind::point);
        EXPECT_EQ(a.objects()[2].kind(), ObjectKind::polygon);
        EXPECT_EQ(a.objects()[2].title(), "after");
        EXPECT_EQ(a.objects()[2].points().size(), 1u);
      },
      {}, &problems);
  EXPECT_TRUE(problems.empty());
}

TEST(AafObject, InvalidGeometryProblemsNameTheField) {
  struct Case {
    const char* tool;
    const char* problem;
  };
  const Case cases[] = {
      {R"({"bounding-box":{"x":1,"y":2,"width":3}})", "bounding-box: missing 'height'"},
      {R"({"bounding-box":null})", "bounding-box: geometry is null"},
      {R"({"bounding-box":[1,2,3,4]})", "bounding-box: expected an object, got an array"},
      {R"({"bounding-box":{"x":1,"y":2,"width":true,"height":4}})",
       "bounding-box.width: expected a number, got a boolean"},
      {R"({"polygon":{"x":1}})", "polygon: expected an array, got an object"},
      {R"({"polygon":[[1,"2"]]})", "polygon[0]: expected a number, got a string"},
      {R"({"segmentation":[]})", "segmentation: expected an object, got an array"},
      {R"({"segmentation":{"zones":[{"region":[[1,2],[3,null]]}]}})",
       "segmentation.zones[0].region[1]: expected a number, got null"},
      {R"({"ner":{"start":"1","end":2}})", "ner.start: expected a number, got a string"},
      {R"({"pdf":{"position":{"boundingRect":{"x1":"a"}}}})",
       "pdf.position.boundingRect.x1: expected a number, got a string"},
      {R"({"point":[1,2],"page":1.5})", "page: expected a page index, got 1.5"},
      {R"({"point":[1,2],"page":-1})", "page: expected a page index, got -1"},
      {R"({"point":[1,2],"title":{"en":"x"}})", "title: expected a string, got an object"},
      {R"(17)", "expected an object, got a number"},
  };
  for (const Case& c : cases) {
    read_one(v3_with_tools(std::string("[") + c.tool + "]"), [&](const Asset& a) {
      ASSERT_EQ(a.objects().size(), 1u) << c.tool;
      EXPECT_EQ(a.objects()[0].kind(), ObjectKind::invalid) << c.tool;
      EXPECT_EQ(a.objects()[0].problem(), c.problem) << c.tool;
    });
  }
}

TEST(AafObject, GeometryNotAskedForThrowsLogicError) {
  ReadOptions opts;
  opts.geometry = {ObjectKind::bounding_box};
  read_one(
      v3_with_tools(
          R"([{"polygon":[[1,2],[3,4],[5,6]],"title":"P"},{"bounding-box":{"x":1,"y":2,"width":3,"height":4}},)"
          R"({"rotated-bounding-box":{"x":1,"y":2,"width":3,"height":4}},{"segmentation":{"zones":[]}},)"
          R"({"ner":{"start":1,"end":2}},{"pdf":{}},{"point":"not even a point"}])"),
      [](const Asset& a) {
        ASSERT_EQ(a.objects().size(), 7u);
        Object poly = a.objects()[0];
        EXPECT_EQ(poly.kind(), ObjectKind::polygon);
        EXPECT_EQ(poly.title(), "P");
        EXPECT_THROW((void)poly.points(), std::logic_error);
        EXPECT_FALSE(poly.bounding_box().has_value());  // another kind's accessor: empty
        auto box = a.objects()[1].bounding_box();
        ASSERT_TRUE(box.has_value());
        EXPECT_EQ(box->height, 4);
        EXPECT_THROW((void)a.objects()[2].rotated_box(), std::logic_error);
        EXPECT_THROW((void)a.objects()[3].zones(), std::logic_error);
        EXPECT_THROW((void)a.objects()[4].ner(), std::logic_error);
        EXPECT_THROW((void)a.objects()[5].pdf(), std::logic_error);
        // Not decoded, so a malformed point is not even noticed.
        EXPECT_EQ(a.objects()[6].kind(), ObjectKind::point);
        EXPECT_THROW((void)a.objects()[6].points(), std::logic_error);
      },
      opts);
}

TEST(AafObject, LogicErrorNamesTheKindNotDecoded) {
  ReadOptions opts;
  opts.geometry = KindSet{};
  read_one(
      v3_with_tools(R"([{"polyline":[[1,2]]}])"),
      [](const Asset& a) {
        try {
          (void)a.objects()[0].points();
          ADD_FAILURE() << "no exception";
        } catch (const std::logic_error& e) {
          EXPECT_NE(std::string(e.what()).find("polyline"), std::string::npos) << e.what();
        }
      },
      opts);
}

TEST(AafObject, RawGivesTheObjectJsonInBothGenerations) {
  read_one(v3_with_tools(R"([{"point":[1,2],"k":"first"},{"point":[3,4],"k":"second"}])"),
           [](const Asset& a) {
             std::optional<std::string_view> k = a.objects()[1].raw()["k"].string();
             ASSERT_TRUE(k.has_value());
             EXPECT_EQ(*k, "second");
             k = a.objects()[0].raw()["k"].string();
             ASSERT_TRUE(k.has_value());
             EXPECT_EQ(*k, "first");
           });
  read_one(
      R"({"asset":"u","tasks":[{"objects":[{"point":[1,2],"k":"v2-0"},{"point":[1,2],"k":"v2-1"}]},{"objects":[{"k":"other task"}]}]})",
      [](const Asset& a) {
        std::optional<std::string_view> k = a.objects()[1].raw()["k"].string();
        ASSERT_TRUE(k.has_value());
        EXPECT_EQ(*k, "v2-1");
        EXPECT_EQ(a.objects()[1].path(), "tasks[0].objects[1]");
      });
}

TEST(AafObject, UnicodeAndEscapesInTitlesAreDecoded) {
  read_one(
      v3_with_tools(
          R"([{"point":[0,0],"title":"Fran\u00e7a \ud83d\ude97 \"quoted\" back\\slash\ttab/\/"},{"point":[0,0],"title":"já 日本 🚗"}])"),
      [](const Asset& a) {
        EXPECT_EQ(a.objects()[0].title(),
                  "Fran\xc3\xa7"
                  "a \xf0\x9f\x9a\x97 \"quoted\" back\\slash\ttab//");
        EXPECT_EQ(a.objects()[1].title(), "já 日本 🚗");
      });
}

TEST(AafObject, InvalidEscapeSkipsTheAsset) {
  auto problems = read_none(v3_with_tools(R"([{"point":[0,0],"title":"bad \ud83d escape"}])"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(problems[0].path, "task.tools[0].title");
  EXPECT_FALSE(problems[0].fatal);
}

// ---------------------------------------------------------------------------------------
// Classifications, relations, stage history

TEST(AafClassification, NestedAnswersAreReadAsTextAndLists) {
  read_one(
      R"({"asset":"u","task":{"classifications":[{"objectId":"c1","schemaId":"s1","tool":"radio","title":"Vehicle Type","answer":"Sedan","page":3,"classifications":[{"tool":"checkbox","title":"Damage","answer":["Dent","Broken light"],"classifications":[{"tool":"text","title":"Note","answer":"deep"}]},{"tool":"tree-dropdown","title":"Where","answer":["Front","Front / Left"]}]},{"tool":"text","title":"Empty","answer":null},{"tool":"checkbox","title":"None","answer":[]},{"tool":"text","title":"Number","answer":42}]}})",
      [](const Asset& a) {
        auto list = a.classifications();
        ASSERT_EQ(list.size(), 4u);
        EXPECT_EQ(titles(list),
                  (std::vector<std::string>{"Vehicle Type", "Empty", "None", "Number"}));
        Classification top = *list.begin();
        EXPECT_EQ(top.object_id(), "c1");
        EXPECT_EQ(top.schema_id(), "s1");
        EXPECT_EQ(top.tool(), "radio");
        EXPECT_EQ(top.page(), 3);
        EXPECT_EQ(top.answer_kind(), AnswerKind::text);
        EXPECT_EQ(top.answer(), "Sedan");
        EXPECT_TRUE(top.answers().empty());
        auto children = top.children();
        ASSERT_EQ(children.size(), 2u);
        EXPECT_EQ(titles(children), (std::vector<std::string>{"Damage", "Where"}));
        Classification damage = *children.begin();
        EXPECT_EQ(damage.answer_kind(), AnswerKind::list);
        EXPECT_EQ(texts(damage.answers()), (std::vector<std::string>{"Dent", "Broken light"}));
        EXPECT_EQ(damage.answer(), "");
        EXPECT_FALSE(damage.page().has_value());
        ASSERT_EQ(damage.children().size(), 1u);
        EXPECT_EQ((*damage.children().begin()).answer(), "deep");
        EXPECT_TRUE((*damage.children().begin()).children().empty());
        Classification where = *std::next(children.begin());
        EXPECT_EQ(texts(where.answers()), (std::vector<std::string>{"Front", "Front / Left"}));

        auto it = std::next(list.begin());
        EXPECT_EQ((*it).answer_kind(), AnswerKind::none);
        ++it;
        EXPECT_EQ((*it).answer_kind(), AnswerKind::list);
        EXPECT_TRUE((*it).answers().empty());
        ++it;
        EXPECT_EQ((*it).answer_kind(), AnswerKind::text);
        EXPECT_EQ((*it).answer(), "42");
        ++it;
        EXPECT_TRUE(it == list.end());
      });
}

TEST(AafClassification, ObjectClassificationsAreSeparateFromTaskOnes) {
  read_one(
      R"({"asset":"u","task":{"tools":[{"point":[1,2],"classifications":[{"title":"on object","answer":"x","classifications":[{"title":"nested","answer":["a"]}]}]},{"point":[3,4]}],"classifications":[{"title":"on task","answer":"y"}]}})",
      [](const Asset& a) {
        EXPECT_EQ(titles(a.classifications()), (std::vector<std::string>{"on task"}));
        EXPECT_EQ(titles(a.objects()[0].classifications()),
                  (std::vector<std::string>{"on object"}));
        EXPECT_EQ(titles((*a.objects()[0].classifications().begin()).children()),
                  (std::vector<std::string>{"nested"}));
        EXPECT_TRUE(a.objects()[1].classifications().empty());
      });
}

TEST(AafClassification, ManyClassificationsKeepTheirTree) {
  // Enough records to make the storage grow while children are being read.
  std::string inner;
  for (int i = 0; i < 50; ++i) {
    if (i) inner += ',';
    inner += R"({"title":"child)" + std::to_string(i) + R"(","answer":["a","b"]})";
  }
  std::string list;
  for (int i = 0; i < 20; ++i) {
    if (i) list += ',';
    list += R"({"title":"top)" + std::to_string(i) + R"(","answer":"t","classifications":[)" +
            inner + "]}";
  }
  read_one(std::string(R"({"asset":"u","task":{"classifications":[)") + list + "]}}",
           [](const Asset& a) {
             ASSERT_EQ(a.classifications().size(), 20u);
             int i = 0;
             for (Classification top : a.classifications()) {
               EXPECT_EQ(top.title(), "top" + std::to_string(i));
               ASSERT_EQ(top.children().size(), 50u);
               int j = 0;
               for (Classification c : top.children()) {
                 EXPECT_EQ(c.title(), "child" + std::to_string(j));
                 EXPECT_EQ(texts(c.answers()), (std::vector<std::string>{"a", "b"}));
                 ++j;
               }
               EXPECT_EQ(j, 50);
               ++i;
             }
             EXPECT_EQ(i, 20);
           });
}

// `levels` classifications, each the only child of the previous one.
std::string nested_classifications(int levels) {
  std::string open, close;
  for (int i = 0; i < levels; ++i) {
    open += R"({"title":"level)" + std::to_string(i) + R"(","answer":"a","classifications":[)";
    close += "]}";
  }
  return R"({"asset":"deep","task":{"classifications":[)" + open + R"({"title":"leaf"})" + close +
         "]}}";
}

TEST(AafClassification, DeeplyNestedClassificationsAreRead) {
  read_one(nested_classifications(300), [](const Asset& a) {
    int depth = 0;
    ClassificationList list = a.classifications();
    std::string last;
    while (!list.empty()) {
      ASSERT_EQ(list.size(), 1u);
      Classification c = *list.begin();
      last = std::string(c.title());
      list = c.children();
      ++depth;
    }
    EXPECT_EQ(depth, 301);
    EXPECT_EQ(last, "leaf");
  });
}

TEST(AafClassification, NestingBeyondTheLimitSkipsTheAssetWithoutCrashing) {
  // Recursion on a hostile nesting used to overflow the stack (40000 levels).
  for (int levels : {600, 40000}) {
    const std::string text = nested_classifications(levels) + "\n" + R"({"asset":"next"})";
    std::vector<Problem> problems;
    read_one(
        text, [](const Asset& a) { EXPECT_EQ(a.url(), "next"); }, {}, &problems);
    ASSERT_EQ(problems.size(), 1u) << levels;
    EXPECT_EQ(problems[0].reason, "classifications nested too deeply");
    EXPECT_EQ(problems[0].path.rfind("task.classifications[0].classifications[0].", 0), 0u);
    EXPECT_EQ(problems[0].where.line, 1u);
    EXPECT_FALSE(problems[0].fatal);
  }
}

TEST(AafRelation, FromToAndGroupRelationsAreRead) {
  read_one(
      R"({"asset":"u","task":{"relations":[{"from":"o1","to":"o2","objectId":"r1","schemaId":"s1","direction":"straight","title":"Approaching","page":4},{"group":["o1",null,"o3"],"objectId":"r2","title":"Same Lane"},{"title":"empty"}]}})",
      [](const Asset& a) {
        auto rels = a.relations();
        ASSERT_EQ(rels.size(), 3u);
        Relation r = rels[0];
        EXPECT_EQ(r.title(), "Approaching");
        EXPECT_EQ(r.object_id(), "r1");
        EXPECT_EQ(r.schema_id(), "s1");
        EXPECT_EQ(r.from(), "o1");
        EXPECT_EQ(r.to(), "o2");
        EXPECT_EQ(r.direction(), "straight");
        EXPECT_EQ(r.page(), 4);
        EXPECT_TRUE(r.group().empty());
        Relation g = rels[1];
        EXPECT_EQ(g.title(), "Same Lane");
        EXPECT_EQ(texts(g.group()), (std::vector<std::string>{"o1", "o3"}));
        EXPECT_EQ(g.from(), "");
        EXPECT_FALSE(g.page().has_value());
        std::vector<std::string> names;
        for (Relation x : rels)
          names.emplace_back(x.title());
        EXPECT_EQ(names, (std::vector<std::string>{"Approaching", "Same Lane", "empty"}));
      });
}

TEST(AafStageHistory, SnapshotsAreRead) {
  read_one(
      R"({"asset":"u","task":{"stageHistory":[{"stage":"Start","stageId":"Start","duration":0,"completedAt":"2024-03-11T09:05:00.000Z","tools":[{"point":[1,2]}]},{"stage":"Review","stageId":"8e1f","duration":24200.5,"completedAt":"c","completedBy":"rev@example.com","reviewStatus":"Accepted"},{"stage":"X","duration":null}]}})",
      [](const Asset& a) {
        auto h = a.stage_history();
        ASSERT_EQ(h.size(), 3u);
        EXPECT_EQ(h[0].stage, "Start");
        EXPECT_EQ(h[0].stage_id, "Start");
        EXPECT_EQ(h[0].duration, 0.0);
        EXPECT_EQ(h[0].completed_at, "2024-03-11T09:05:00.000Z");
        EXPECT_EQ(h[0].completed_by, "");
        EXPECT_EQ(h[1].stage_id, "8e1f");
        EXPECT_EQ(h[1].duration, 24200.5);
        EXPECT_EQ(h[1].completed_by, "rev@example.com");
        EXPECT_EQ(h[1].review_status, "Accepted");
        EXPECT_FALSE(h[2].duration.has_value());
        // The snapshot's tools are not objects of the task.
        EXPECT_TRUE(a.objects().empty());
      });
}

TEST(AafAsset, ViewsOfTheNextAssetDoNotLeakFromThePreviousOne) {
  const std::string text =
      R"({"asset":"first","task":{"tools":[{"point":[1,2]},{"point":[3,4]}],"classifications":[{"title":"c"}],"relations":[{"title":"r"}],"stageHistory":[{"stage":"s"}]},"batches":["b"]})"
      "\n"
      R"({"asset":"second","metadata":{"width":5}})"
      "\n";
  Reader reader(std::make_unique<MemorySource>(text));
  const Asset* a = reader.next();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->objects().size(), 2u);
  EXPECT_FALSE(a->width().has_value());
  a = reader.next();
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->url(), "second");
  EXPECT_EQ(a->generation(), Generation::unknown);
  EXPECT_FALSE(a->has_task());
  EXPECT_TRUE(a->objects().empty());
  EXPECT_TRUE(a->classifications().empty());
  EXPECT_TRUE(a->relations().empty());
  EXPECT_TRUE(a->stage_history().empty());
  EXPECT_TRUE(a->batches().empty());
  EXPECT_EQ(a->width(), 5u);
  std::optional<std::string_view> url = a->raw()["asset"].string();
  ASSERT_TRUE(url.has_value());
  EXPECT_EQ(*url, "second");
}

}  // namespace
}  // namespace xport::aaf
