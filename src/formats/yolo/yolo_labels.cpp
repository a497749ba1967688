#include "formats/yolo/yolo_labels.hpp"

#include <cmath>
#include <span>

#include "formats/common/text.hpp"

namespace xport::formats::yolo {
namespace {

using Action = Report::Action;
using aaf::ObjectKind;
using aaf::Point;
using dataset::kFewPoints;
using dataset::kNonFinite;
using dataset::kNoPoints;
using dataset::kOutside;

constexpr std::string_view kClamped = "coordinates clamped to the image";
constexpr std::string_view kZeroArea = "polygon with zero area (degenerate, or outside the image)";
constexpr std::string_view kHoles = "segmentation holes left out (YOLO polygons have none)";
constexpr std::string_view kZones = "segmentation with several zones: one label line per zone";
constexpr std::string_view kZoneFewPoints = "segmentation zone with fewer than 3 points left out";

// A coordinate normalised by the image size and clamped to [0, 1].
double unit(double v, double size, bool& clamped) {
  double n = v / size;
  if (n < 0) {
    clamped = true;
    return 0;
  }
  if (n > 1) {
    clamped = true;
    return 1;
  }
  return n;
}

enum class Ring { ok, non_finite, zero_area };

// Appends " x1 y1 ... xn yn" (normalised, clamped) unless a point is not finite or the
// clamped ring has no area (a degenerate ring breaks mask rasterisers and IoU).
Ring append_ring(std::span<const Point> ring, double width, double height, std::string& out,
                 bool& clamped) {
  for (const Point& p : ring)
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) return Ring::non_finite;
  bool clamped_here = false;
  double twice_area = 0;
  for (std::size_t i = 0; i < ring.size(); ++i) {
    const Point& a = ring[i];
    const Point& b = ring[(i + 1) % ring.size()];
    twice_area += unit(a.x, width, clamped_here) * unit(b.y, height, clamped_here) -
                  unit(b.x, width, clamped_here) * unit(a.y, height, clamped_here);
  }
  if (twice_area == 0) return Ring::zero_area;
  clamped = clamped || clamped_here;
  bool ignored = false;
  for (const Point& p : ring) {
    out += ' ';
    text::append_number(out, unit(p.x, width, ignored));
    out += ' ';
    text::append_number(out, unit(p.y, height, ignored));
  }
  return Ring::ok;
}

std::array<Point, 4> corners(const dataset::Bounds& b) {
  return {Point{b.x1, b.y1}, Point{b.x2, b.y1}, Point{b.x2, b.y2}, Point{b.x1, b.y2}};
}

// One line from a ring, with its notes; returns the number of lines written (0 or 1).
std::size_t ring_line(std::span<const Point> ring, double width, double height, std::string& coords,
                      std::vector<std::uint32_t>& line_ends, dataset::PendingNotes& notes) {
  bool clamped = false;
  switch (append_ring(ring, width, height, coords, clamped)) {
    case Ring::non_finite:
      notes.note(Action::dropped, kNonFinite);
      return 0;
    case Ring::zero_area:
      notes.note(Action::dropped, kZeroArea);
      return 0;
    case Ring::ok:
      break;
  }
  if (clamped) notes.note(Action::altered, kClamped);
  line_ends.push_back(static_cast<std::uint32_t>(coords.size()));
  return 1;
}

}  // namespace

std::string_view to_string(Task task) {
  switch (task) {
    case Task::detect:
      return "detect";
    case Task::segment:
      return "segment";
    case Task::obb:
      return "obb";
  }
  return "?";
}

LabelBuilder::LabelBuilder(Task task, bool boxes_from_polygons)
    : task_(task), picker_("YOLO " + std::string(to_string(task)), boxes_from_polygons) {}

std::size_t LabelBuilder::build(const aaf::Object& object, double width, double height,
                                std::string& coords, std::vector<std::uint32_t>& line_ends,
                                dataset::PendingNotes& notes) const {
  Size size{width, height};
  switch (task_) {
    case Task::detect:
      return detect(object, size, coords, line_ends, notes);
    case Task::segment:
      return segment(object, size, coords, line_ends, notes);
    case Task::obb:
      return obb(object, size, coords, line_ends, notes);
  }
  return 0;
}

std::size_t LabelBuilder::detect(const aaf::Object& object, Size size, std::string& coords,
                                 std::vector<std::uint32_t>& line_ends,
                                 dataset::PendingNotes& notes) const {
  std::optional<dataset::Bounds> b = picker_.pick(object, notes);
  if (!b) return 0;
  bool clamped = dataset::clamp(*b, size.width, size.height);
  if (b->width() <= 0 || b->height() <= 0) {
    notes.note(Action::dropped, kOutside, object.path());
    return 0;
  }
  if (clamped) notes.note(Action::altered, kClamped);
  // Divisions of clamped values: every result is within [0, 1] without further clamping.
  for (double v : {(b->x1 + b->x2) / 2 / size.width, (b->y1 + b->y2) / 2 / size.height,
                   b->width() / size.width, b->height() / size.height}) {
    coords += ' ';
    text::append_number(coords, v);
  }
  line_ends.push_back(static_cast<std::uint32_t>(coords.size()));
  return 1;
}

std::size_t LabelBuilder::segment(const aaf::Object& object, Size size, std::string& coords,
                                  std::vector<std::uint32_t>& line_ends,
                                  dataset::PendingNotes& notes) const {
  switch (object.kind()) {
    case ObjectKind::polygon: {
      auto points = object.points();
      if (points.size() < 3) {
        notes.note(Action::dropped, kFewPoints, object.path());
        return 0;
      }
      return ring_line(points, size.width, size.height, coords, line_ends, notes);
    }
    case ObjectKind::bounding_box: {
      auto ring = corners(dataset::box_bounds(*object.bounding_box()));
      return ring_line(ring, size.width, size.height, coords, line_ends, notes);
    }
    case ObjectKind::rotated_bounding_box: {
      auto ring = object.rotated_box()->polygon();
      return ring_line(ring, size.width, size.height, coords, line_ends, notes);
    }
    case ObjectKind::segmentation: {
      auto zones = object.zones();
      if (zones.empty()) {
        notes.note(Action::dropped, kNoPoints, object.path());
        return 0;
      }
      std::size_t lines = 0;
      bool holes = false;
      for (const aaf::Zone& zone : zones) {
        holes = holes || !zone.holes.empty();
        if (zone.region.size() < 3) {
          notes.note(Action::altered, kZoneFewPoints, object.path());
          continue;
        }
        lines += ring_line(zone.region, size.width, size.height, coords, line_ends, notes);
      }
      if (lines > 0 && holes) notes.note(Action::altered, kHoles, object.path());
      if (lines > 1) notes.note(Action::altered, kZones, object.path());
      return lines;
    }
    default:
      notes.note(Action::dropped, picker_.unsupported(object.kind()), object.path());
      return 0;
  }
}

std::size_t LabelBuilder::obb(const aaf::Object& object, Size size, std::string& coords,
                              std::vector<std::uint32_t>& line_ends,
                              dataset::PendingNotes& notes) const {
  std::array<Point, 4> ring;
  switch (object.kind()) {
    case ObjectKind::rotated_bounding_box:
      // Corners in pixels (the exported ones, or rotated about the centre in pixels):
      // normalising happens after rotating, so non-square images keep right angles.
      ring = object.rotated_box()->polygon();
      break;
    case ObjectKind::bounding_box:
      ring = corners(dataset::box_bounds(*object.bounding_box()));
      break;
    case ObjectKind::polygon:
    case ObjectKind::segmentation: {
      auto b = picker_.shape(object, notes);
      if (!b) return 0;
      ring = corners(*b);
      break;
    }
    default:
      notes.note(Action::dropped, picker_.unsupported(object.kind()), object.path());
      return 0;
  }
  return ring_line(ring, size.width, size.height, coords, line_ends, notes);
}

}  // namespace xport::formats::yolo
