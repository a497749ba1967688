// What the per-image dataset formats (YOLO, Pascal VOC, KITTI) share: one class table per
// export, the train/val split of images, how images are named, and the pixel bounds of an
// object. Kept in one place so that the three formats agree on every one of these rules.
#pragma once

#include <boost/json/object.hpp>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "xport/aaf/model.hpp"
#include "xport/format_options.hpp"
#include "xport/report.hpp"
#include "xport/string_hash.hpp"

namespace xport::formats::dataset {

using xport::StringMap;

// The classes of one export, written once (data.yaml, classes.txt) and used for every
// label, so that class list and indices can never disagree. Order: the configured
// "classes" when given (objects of other classes are dropped), else first appearance in
// commit (= input) order; "sort_classes" sorts either by UTF-8 bytes.
class ClassTable {
 public:
  // The "classes" and "sort_classes" options, declared once for every format that has a
  // class list (OptionList::group), with the format's descriptions. Parsing throws
  // ConfigError for an empty or repeated class name or a non-string entry.
  static OptionList<ClassTable> options(std::string classes_description,
                                        std::string sort_description);
  // Those two options alone, read from `config`.
  static ClassTable from_config(const boost::json::object& config);

  // A configured list: the table never changes, so workers may call contains().
  bool fixed() const { return fixed_; }
  bool contains(std::string_view name) const { return index_.find(name) != index_.end(); }
  // commit() only: the index of `name`, appended on first appearance unless fixed.
  std::uint32_t intern(std::string_view name);
  // Sorted but not fixed: indices handed out by intern() are provisional until the end,
  // when final_indices() maps them to the sorted order.
  bool reorders() const { return sort_ && !fixed_; }
  std::vector<std::string> final_names() const;
  std::vector<std::uint32_t> final_indices() const;  // provisional index -> final index
  std::size_t size() const { return names_.size(); }

 private:
  void index_configured();  // after parsing: the table of the configured names

  bool fixed_ = false;
  bool sort_ = false;
  std::vector<std::string> names_;
  StringMap<std::uint32_t> index_;
};

// Class names met in one chunk (on a worker thread), mapped to table indices at commit in
// first-use order, so a class enters the table only when an object of it is written.
class ChunkClasses {
 public:
  std::uint32_t id(std::string_view name);
  std::string_view name(std::uint32_t id) const { return names_[id]; }
  std::uint32_t resolve(std::uint32_t id, ClassTable& table);
  void clear();

 private:
  std::vector<std::string> names_;
  StringMap<std::uint32_t> ids_;
  std::vector<std::uint32_t> resolved_;
};

// Which split (train, val, ...) an image goes to: "split" {"train": 0.8, "val": 0.2}
// (deterministic: a hash of externalId, line and "seed"), or "split_by": "batch" (the
// asset's first batch), or everything in one default split.
class SplitRule {
 public:
  // The "split", "split_by" and "seed" options, declared once for every format that splits
  // (OptionList::group), with the format's descriptions; `fallback` is the split of images
  // no rule places. Parsing throws ConfigError for bad names, negative or all-zero
  // fractions, or both ways at once.
  static OptionList<SplitRule> options(std::string fallback, std::string split_description,
                                       std::string split_by_description);
  // Those three options alone, read from `config`.
  static SplitRule from_config(const boost::json::object& config, std::string fallback);
  // Thread-safe; the name is safe as a directory and file name.
  std::string assign(const aaf::Asset& asset) const;
  bool by_batch() const { return by_batch_; }
  // The configured split names (hash mode), else just the default one.
  std::vector<std::string> declared() const;

 private:
  void accumulate();  // after parsing: the cumulative bounds of the fractions

  std::vector<std::pair<std::string, double>> fractions_;  // "split", in its order
  std::vector<std::string> names_;
  std::vector<double> cumulative_;  // upper bounds in [0, 1]
  std::uint64_t seed_ = 0;
  bool by_batch_ = false;
  std::string fallback_;
};

// The splits in the order they first received an image (commit order): the order the
// per-split lists are written in.
class SplitOrder {
 public:
  // The position of `name`, added when new.
  std::size_t add(std::string_view name);
  const std::vector<std::string>& names() const { return names_; }
  bool contains(std::string_view name) const;

 private:
  std::vector<std::string> names_;
};

// What an image's file stem is made from: externalId, else the URL's file name, else "".
std::string_view stem_source(const aaf::Asset& asset);
// The image's file extension with its dot (".png"), from externalId or else the URL when
// it names an image type; ".jpg" otherwise.
std::string image_extension(const aaf::Asset& asset);
// Why an asset is not one still image (a video, a document, a multi-page asset: objects on
// frames/pages > 0, dataset pages, a video/audio/text/PDF file name), or empty when it is.
std::string_view not_single_image(const aaf::Asset& asset);

// "1 object", "3 objects": report details.
inline std::string objects_detail(std::size_t n) {
  return std::to_string(n) + (n == 1 ? " object" : " objects");
}

// Axis-aligned pixel bounds.
struct Bounds {
  double x1 = 0, y1 = 0, x2 = 0, y2 = 0;
  double width() const { return x2 - x1; }
  double height() const { return y2 - y1; }
  bool finite() const;
};
Bounds box_bounds(const aaf::Box& box);  // negative sizes normalised
// The bounds of a rotated box, polygon or segmentation (all zones); nullopt for other kinds
// and for shapes without points.
std::optional<Bounds> shape_bounds(const aaf::Object& object);
// Clamps to [0, width] x [0, height]; true when anything moved.
bool clamp(Bounds& b, double width, double height);

// Report entries of the asset being converted, applied to the chunk's report only once the
// whole asset converted (consume() must leave its chunk unchanged when it throws).
class PendingNotes {
 public:
  // `reason` must outlive apply(): a literal or a string owned by the conversion.
  // (Inline: Report lives in xport_formats, which links this library, not the reverse.)
  void note(Report::Action action, std::string_view reason, std::string detail = {}) {
    notes_.push_back({action, reason, std::move(detail)});
  }
  void count(std::string_view class_name, aaf::ObjectKind kind) {
    counts_.emplace_back(class_name, kind);
  }
  void apply(Report& report, const aaf::Asset& asset) {
    for (const Note& n : notes_)
      report.note(n.action, n.reason, asset, n.detail);
    for (const auto& [name, kind] : counts_)
      report.count_object(name, kind);
    clear();
  }
  void clear() {
    notes_.clear();
    counts_.clear();
  }

 private:
  struct Note {
    Report::Action action;
    std::string_view reason;
    std::string detail;
  };
  std::vector<Note> notes_;
  std::vector<std::pair<std::string_view, aaf::ObjectKind>> counts_;
};

// How the box formats that word it alike (VOC, KITTI) describe "boxes_from_polygons".
inline constexpr std::string_view kBoxesFromPolygonsDescription =
    "Write rotated boxes, polygons and segmentations as their axis-aligned bounding box. Off: "
    "they are dropped and reported, never silently turned into boxes.";

// Reasons shared by the formats (stable phrases: they key the report).
inline constexpr std::string_view kNoTitle = "object without a title (no class)";
inline constexpr std::string_view kNotConfigured = "class not in the configured \"classes\"";
inline constexpr std::string_view kMalformed = "malformed geometry";
inline constexpr std::string_view kNotABox =
    "not a box: set \"boxes_from_polygons\": true to write its bounding box";
inline constexpr std::string_view kAsBox = "written as its bounding box (\"boxes_from_polygons\")";
inline constexpr std::string_view kFewPoints = "polygon with fewer than 3 points";
inline constexpr std::string_view kNoPoints =
    "segmentation without points (export without segmentation points)";
inline constexpr std::string_view kNonFinite = "non-finite coordinates";
inline constexpr std::string_view kZeroSize = "box of zero width or height";
inline constexpr std::string_view kOutside = "outside the image (nothing left after clamping)";
inline constexpr std::string_view kNotImage = "not a single image: no file written";
inline constexpr std::string_view kSkipEmpty =
    "image with no object to write left out (\"skip_empty\")";

// The pixel box of an object for the box formats: bounding boxes, and rotated boxes,
// polygons and segmentations as their bounds when "boxes_from_polygons" is set. Every
// object it cannot box is noted with the reason.
class BoxPicker {
 public:
  BoxPicker(std::string_view format_title, bool boxes_from_polygons);
  // Finite, with positive width and height (not yet clamped); nullopt when noted.
  std::optional<Bounds> pick(const aaf::Object& object, PendingNotes& notes) const;
  // As pick(), for the polygon-like kinds only.
  std::optional<Bounds> shape(const aaf::Object& object, PendingNotes& notes) const;
  // "<kind>: not representable in <format>": the reason for a kind nothing can write.
  std::string_view unsupported(aaf::ObjectKind kind) const {
    return unsupported_[static_cast<std::size_t>(kind)];
  }

 private:
  bool from_shapes_;
  std::array<std::string, static_cast<std::size_t>(aaf::ObjectKind::invalid) + 1> unsupported_;
};

// The checks every dataset format makes before converting an object: its geometry is
// well-formed, it has a class name, and, when `classes` is a configured list, the class is
// in it. Notes why (dropped) and returns false otherwise. `classes` may be null (a format
// without a class list).
bool usable_object(const aaf::Object& object, const ClassTable* classes, PendingNotes& notes);

}  // namespace xport::formats::dataset
