// Storage behind the AAF views: flat vectors reused from asset to asset, so that reading
// an export allocates nothing per asset once the vectors have grown to the largest asset.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>
#include <vector>

#include "xport/aaf/model.hpp"

namespace xport::aaf::detail {

inline constexpr std::uint32_t kNone = UINT32_MAX;

struct Range {
  std::uint32_t first = 0;
  std::uint32_t count = 0;
};

struct ClassificationRec {
  std::string_view title, tool, schema_id, object_id, answer;
  int page = -1;
  AnswerKind kind = AnswerKind::none;
  Range answers;  // into AssetData::strings
  std::uint32_t first_child = kNone;
  std::uint32_t child_count = 0;
  std::uint32_t next_sibling = kNone;
};

struct ZoneRec {
  Range rings;  // into AssetData::rings; the first ring is the region, the rest holes
};

// Rare geometries live in side vectors, keeping ObjectRec small: objects are the bulk of
// an export and every byte of their record is written once per object.
struct PdfRec {
  PdfRect bounding{};
  int page_number = 0;
  std::optional<std::string_view> text;
  Range rects;  // into AssetData::rects
};

struct ObjectRec {
  ObjectKind kind = ObjectKind::unknown;
  bool has_title = false;
  bool interpolation_stopped = false;
  bool decoded = false;  // the geometry was decoded (its kind was asked for)
  int page = -1;
  std::string_view title, object_id, schema_id, problem;
  // bounding-box, rotated, ner, pdf: index into boxes/rotated/ners/pdfs; polygon, polyline,
  // point: range of points; segmentation: range of zones.
  std::uint32_t geometry = 0;
  Range points;
  Range zones;
  Range classes;  // first/count of top-level classifications (linked through next_sibling)
};

struct RelationRec {
  std::string_view title, object_id, schema_id, from, to, direction;
  int page = -1;
  Range group;  // into AssetData::strings
};

struct AssetData {
  Generation generation = Generation::unknown;
  Location location{};
  std::string_view json;

  Scalar url, external_id;
  std::string_view asset_id;
  std::optional<std::uint32_t> width, height;
  Range batches, dataset;  // into strings

  bool has_task = false;
  std::string_view task_id, stage, stage_id;
  std::string_view objects_key = "tools";  // the key the task's objects were under
  Range task_classes;                      // first/count, linked through next_sibling

  std::vector<std::string_view> strings;
  std::vector<ObjectRec> objects;
  std::vector<Box> boxes;
  std::vector<RotatedBox> rotated;
  std::vector<NerSpan> ners;
  std::vector<PdfRec> pdfs;
  std::vector<Point> points;
  std::vector<PdfRect> rects;
  std::vector<ZoneRec> zones;
  std::vector<Range> rings;  // into points
  std::vector<ClassificationRec> classes;
  std::vector<RelationRec> relations;
  std::vector<StageSnapshot> history;

  // Lazily parsed DOM for raw(): set by the reader, filled on first raw() call.
  simdjson::dom::parser* dom_parser = nullptr;
  mutable bool dom_ready = false;
  mutable simdjson::dom::element dom;

  void clear() {
    generation = Generation::unknown;
    url = external_id = {};
    asset_id = task_id = stage = stage_id = {};
    width = height = std::nullopt;
    batches = dataset = task_classes = {};
    has_task = false;
    objects_key = "tools";
    strings.clear();
    objects.clear();
    boxes.clear();
    rotated.clear();
    ners.clear();
    pdfs.clear();
    points.clear();
    rects.clear();
    zones.clear();
    rings.clear();
    classes.clear();
    relations.clear();
    history.clear();
    dom_ready = false;
  }
};

}  // namespace xport::aaf::detail
