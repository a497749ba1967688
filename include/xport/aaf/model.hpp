// The Ango Annotation Format (AAF) as typed, read-only views.
//
// An Asset is one element of an export: one line of NDJSON or one element of a JSON
// array. Both generations of the format (v2 `tasks[0].objects`, v3 `task.tools`) are
// presented through the same views. Views point into storage owned by the reader and are
// valid only while the callback (or loop iteration) that received the Asset runs: copy
// what you need to keep.
//
// The reader extracts the documented fields in one forward pass (simdjson On-Demand);
// anything else is reachable through raw(), which parses the asset's JSON text into a
// DOM on first use and hands out read-only RawJson handles into it.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "xport/aaf/raw_json.hpp"

namespace xport::aaf {

enum class Generation : std::uint8_t { unknown, v2, v3 };

// The tool of an object is whichever geometry key it carries (AAF has no type field).
enum class ObjectKind : std::uint8_t {
  bounding_box,
  rotated_bounding_box,
  polygon,
  polyline,
  point,
  segmentation,
  ner,
  pdf,
  spline,
  angle,
  unknown,  // no known geometry key (e.g. a brush or a future tool)
  invalid,  // a geometry key whose value is malformed; see Object::problem()
};
// The AAF geometry key of a kind ("bounding-box", ...); "unknown"/"invalid" otherwise.
std::string_view to_string(ObjectKind kind);

struct Point {
  double x = 0;
  double y = 0;
};

// `bounding-box`: top-left corner and size in pixels. Old data may have negative sizes.
struct Box {
  double x = 0, y = 0, width = 0, height = 0;
  // The same rectangle with non-negative width and height.
  Box normalized() const;
};

// `rotated-bounding-box`: rotation in degrees; corners[0] == (x, y) when present.
struct RotatedBox {
  double x = 0, y = 0, width = 0, height = 0, rotation = 0;
  bool has_corners = false;
  std::array<Point, 4> corners{};
  // The four corners in pixels: the exported corners when present, else computed the way
  // the platform computes them (in pixels, never in normalised coordinates): the box is
  // rotated about its first corner (x, y), which stays corners[0]; then come
  // (x, y) + height, + height + width, + width, each vector rotated by `rotation`.
  std::array<Point, 4> polygon() const;
};

// `ner`: character offsets for text (seconds for audio); selection when exported.
struct NerSpan {
  double start = 0, end = 0;
  std::optional<std::string_view> selection;
};

// `pdf` rectangles: corners plus the size of the *page* they were drawn on.
struct PdfRect {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0, width = 0, height = 0;
};

struct PdfRegion {
  PdfRect bounding{};
  std::span<const PdfRect> rects;
  int page_number = 0;  // 1-based, as exported
  std::optional<std::string_view> text;
};

// One zone of a `segmentation`: an outer ring and its holes (rings are not closed).
struct Zone {
  std::span<const Point> region;
  std::vector<std::span<const Point>> holes;
};

// A JSON scalar as it appeared: strings unescaped, numbers as their source text.
struct Scalar {
  enum class Type : std::uint8_t { absent, null, string, number, boolean };
  Type type = Type::absent;
  std::string_view text;  // string value, number token, "true"/"false"; empty otherwise
  bool is_string() const { return type == Type::string; }
};

namespace detail {
struct AssetData;
struct ClassificationRec;
struct ObjectRec;
struct RelationRec;
}  // namespace detail

enum class AnswerKind : std::uint8_t { none, text, list };

class ClassificationList;

// A classification answer, possibly with nested classifications.
class Classification {
 public:
  Classification(const detail::AssetData* data, std::uint32_t index) : d_(data), i_(index) {}
  std::string_view title() const;
  std::string_view tool() const;  // radio, checkbox, text, single-dropdown, ...
  std::string_view schema_id() const;
  std::string_view object_id() const;
  std::optional<int> page() const;
  AnswerKind answer_kind() const;
  // The answer of radio/text/single-dropdown tools (empty for list answers).
  std::string_view answer() const;
  // The answers of checkbox/multi-dropdown/tree-dropdown tools (empty for text answers).
  std::span<const std::string_view> answers() const;
  ClassificationList children() const;

 private:
  const detail::ClassificationRec& rec() const;
  const detail::AssetData* d_;
  std::uint32_t i_;
};

// A forward range over sibling classifications.
class ClassificationList {
 public:
  class iterator {
   public:
    using value_type = Classification;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const detail::AssetData* d, std::uint32_t i) : d_(d), i_(i) {}
    Classification operator*() const { return {d_, i_}; }
    iterator& operator++();
    iterator operator++(int) {
      auto copy = *this;
      ++*this;
      return copy;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    const detail::AssetData* d_ = nullptr;
    std::uint32_t i_ = UINT32_MAX;
  };
  ClassificationList(const detail::AssetData* d, std::uint32_t first, std::uint32_t count)
      : d_(d), first_(first), count_(count) {}
  iterator begin() const { return {d_, count_ ? first_ : UINT32_MAX}; }
  iterator end() const { return {}; }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }

 private:
  const detail::AssetData* d_;
  std::uint32_t first_, count_;
};

// One drawn object (a "tool" in v3, an "object" in v2).
class Object {
 public:
  Object(const detail::AssetData* data, std::uint32_t index) : d_(data), i_(index) {}
  ObjectKind kind() const;
  // Position in the task's list, for messages ("task.tools[3]" / "tasks[0].objects[3]").
  std::uint32_t index() const { return i_; }
  std::string path() const;
  std::string_view title() const;  // the class name; empty when absent
  bool has_title() const;
  std::string_view object_id() const;
  std::string_view schema_id() const;
  std::optional<int> page() const;  // 0-based page or video frame
  bool interpolation_stopped() const;

  // Geometry accessors: the value when kind() matches, else nullopt.
  std::optional<Box> bounding_box() const;
  std::optional<RotatedBox> rotated_box() const;
  std::span<const Point> points() const;  // polygon, polyline, point (1 point)
  std::vector<Zone> zones() const;        // segmentation
  std::optional<NerSpan> ner() const;
  std::optional<PdfRegion> pdf() const;
  // Why the geometry was rejected, when kind() == invalid.
  std::string_view problem() const;

  ClassificationList classifications() const;
  // The object's JSON (the asset's DOM is parsed on first use; see Asset::raw()).
  RawJson raw() const;

 private:
  const detail::ObjectRec& rec() const;
  const detail::AssetData* d_;
  std::uint32_t i_;
};

// `{from, to, direction}` or `{group}` relation between objects.
class Relation {
 public:
  Relation(const detail::AssetData* data, std::uint32_t index) : d_(data), i_(index) {}
  std::string_view title() const;
  std::string_view object_id() const;
  std::string_view schema_id() const;
  std::optional<int> page() const;
  std::string_view from() const;
  std::string_view to() const;
  std::string_view direction() const;  // straight | reverse | bidirectional
  std::span<const std::string_view> group() const;

 private:
  const detail::RelationRec& rec() const;
  const detail::AssetData* d_;
  std::uint32_t i_;
};

// One snapshot of `stageHistory` (v3): the stage's summary fields; the snapshot's tools,
// classifications and relations are in raw().
struct StageSnapshot {
  std::string_view stage, stage_id, completed_at, completed_by, review_status;
  std::optional<double> duration;
};

// Where an asset came from in the input stream.
struct Location {
  std::uint64_t line = 0;         // 1-based line where the asset starts
  std::uint64_t element = 0;      // 1-based position among the export's assets
  std::uint64_t byte_offset = 0;  // offset of its first byte in the (uncompressed) export
};

template <class View>
class IndexRange {
 public:
  class iterator {
   public:
    using value_type = View;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    iterator(const detail::AssetData* d, std::uint32_t i) : d_(d), i_(i) {}
    View operator*() const { return View(d_, i_); }
    iterator& operator++() {
      ++i_;
      return *this;
    }
    iterator operator++(int) {
      auto copy = *this;
      ++i_;
      return copy;
    }
    bool operator==(const iterator& o) const { return i_ == o.i_; }

   private:
    const detail::AssetData* d_ = nullptr;
    std::uint32_t i_ = 0;
  };
  IndexRange(const detail::AssetData* d, std::uint32_t first, std::uint32_t count)
      : d_(d), first_(first), count_(count) {}
  iterator begin() const { return {d_, first_}; }
  iterator end() const { return {d_, first_ + count_}; }
  std::size_t size() const { return count_; }
  bool empty() const { return count_ == 0; }
  View operator[](std::size_t i) const { return View(d_, first_ + static_cast<std::uint32_t>(i)); }

 private:
  const detail::AssetData* d_;
  std::uint32_t first_, count_;
};

using ObjectList = IndexRange<Object>;
using RelationList = IndexRange<Relation>;

// One asset of the export with its (first) task.
class Asset {
 public:
  explicit Asset(const detail::AssetData* data) : d_(data) {}
  Generation generation() const;
  Location location() const;

  std::string_view url() const;          // `asset`
  std::string_view external_id() const;  // `externalId` (NOT unique); empty when absent
  Scalar external_id_value() const;      // as it was typed (string, number, null, absent)
  Scalar url_value() const;
  std::string_view asset_id() const;
  std::optional<std::uint32_t> width() const;  // metadata.width when a positive number
  std::optional<std::uint32_t> height() const;
  std::span<const std::string_view> batches() const;  // null entries dropped
  std::span<const std::string_view> dataset() const;  // page URLs of multi-image assets

  // The task: `task` (v3) or `tasks[0]` (v2).
  bool has_task() const;
  std::string_view task_id() const;
  std::string_view stage() const;  // v3 stage name; v2 task status
  std::string_view stage_id() const;
  ObjectList objects() const;  // `task.tools` or `tasks[0].objects`
  ClassificationList classifications() const;
  RelationList relations() const;
  std::span<const StageSnapshot> stage_history() const;

  // The asset's JSON text exactly as read, and parsed (on first use, valid as long as the
  // Asset). raw() throws std::runtime_error when a part the reader skipped is invalid JSON.
  std::string_view json() const;
  RawJson raw() const;

 private:
  const detail::AssetData* d_;
};

}  // namespace xport::aaf
