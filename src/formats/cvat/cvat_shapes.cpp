#include "formats/cvat/cvat_shapes.hpp"

#include <algorithm>
#include <cmath>

#include "formats/cvat/cvat_geometry.hpp"

namespace xport::formats::cvat {
namespace {

using Action = Report::Action;
using aaf::ObjectKind;

constexpr std::string_view kNotConfigured = "label not in the configured \"labels\"";
constexpr std::string_view kFewLinePoints = "polyline with fewer than 2 points";
constexpr std::string_view kLaterPage =
    "object on a page or frame after the first: CVAT for images has one image per asset";
constexpr std::string_view kHoles =
    "segmentation holes dropped (a CVAT polygon has no holes); zones written as polygons";
constexpr std::string_view kZones = "segmentation with several zones: one <polygon> per zone";
constexpr std::string_view kNoAnswer = "classification without an answer: attribute left out";
constexpr std::string_view kNoName = "classification without a title: attribute left out";
constexpr std::string_view kRepeated =
    "classification title repeated on one shape: first answer kept";
constexpr std::string_view kNotRadio =
    "task-level classification not of radio type: no <tag> written";

// The reason for a kind CVAT for images has no element for (stable: keys the report).
std::string_view unsupported(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::ner:
      return "ner: not representable in CVAT for images";
    case ObjectKind::pdf:
      return "pdf: not representable in CVAT for images";
    case ObjectKind::spline:
      return "spline: not representable in CVAT for images";
    case ObjectKind::angle:
      return "angle: not representable in CVAT for images";
    default:
      return "unknown tool: not representable in CVAT for images";
  }
}

bool finite(std::span<const aaf::Point> points) {
  return std::all_of(points.begin(), points.end(),
                     [](const aaf::Point& p) { return std::isfinite(p.x) && std::isfinite(p.y); });
}

void number_attribute(std::string& xml, std::string_view name, double value) {
  xml.append(" ").append(name).append("=\"");
  text::append_number(xml, value);
  xml += '"';
}

}  // namespace

bool ShapeWriter::allowed(std::string_view label) {
  if (!configured_.fixed() || configured_.contains(label)) return true;
  notes_.note(Action::dropped, kNotConfigured, std::string(label));
  return false;
}

void ShapeWriter::open(std::string_view element, std::string_view label) {
  xml_.append("    <").append(element).append(" label=\"");
  escaped(label);
  xml_ += "\" source=\"manual\" occluded=\"0\"";
}

void ShapeWriter::points(std::span<const aaf::Point> points) {
  xml_ += " points=\"";
  for (std::size_t i = 0; i < points.size(); ++i) {
    if (i) xml_ += ';';
    text::append_number(xml_, points[i].x);
    xml_ += ',';
    text::append_number(xml_, points[i].y);
  }
  xml_ += '"';
}

void ShapeWriter::close(std::string_view element, const aaf::ClassificationList& list,
                        std::string_view label) {
  xml_ += " z_order=\"0\">\n";
  std::vector<std::string> seen;
  attributes(list, label, seen);
  xml_.append("    </").append(element).append(">\n");
  uses_.push_back({std::string(label), {}, {}, InputType::text});  // declares the label
}

void ShapeWriter::attributes(const aaf::ClassificationList& list, std::string_view label,
                             std::vector<std::string>& seen) {
  for (const aaf::Classification& c : list)
    attribute(c, label, seen);
}

// Nested classifications are flattened: each becomes an attribute named by its title.
void ShapeWriter::attribute(const aaf::Classification& c, std::string_view label,
                            std::vector<std::string>& seen) {
  std::string_view name = c.title();
  if (name.empty()) {
    notes_.note(Action::dropped, kNoName);
  } else if (std::find(seen.begin(), seen.end(), name) != seen.end()) {
    notes_.note(Action::dropped, kRepeated, std::string(name));
  } else if (c.answer_kind() == aaf::AnswerKind::none) {
    notes_.note(Action::dropped, kNoAnswer, std::string(name));
  } else {
    bool list_answer = c.answer_kind() == aaf::AnswerKind::list;
    std::string value;
    if (list_answer) {
      for (std::string_view a : c.answers())
        value.append(value.empty() ? "" : ",").append(a);
    } else {
      value = c.answer();
    }
    seen.emplace_back(name);
    xml_ += "      <attribute name=\"";
    escaped(name);
    xml_ += "\">";
    escaped(value);
    xml_ += "</attribute>\n";
    uses_.push_back({std::string(label), std::string(name), std::move(value),
                     input_type(c.tool(), list_answer)});
  }
  attributes(c.children(), label, seen);
}

void ShapeWriter::object(const aaf::Object& object) {
  const ObjectKind kind = object.kind();
  if (kind == ObjectKind::invalid) {
    notes_.note(Action::dropped, dataset::kMalformed,
                object.path() + ": " + std::string(object.problem()));
    return;
  }
  if (auto page = object.page(); page && *page > 0) {
    notes_.note(Action::dropped, kLaterPage, object.path());
    return;
  }
  std::string_view label = object.title();
  if (!object.has_title() || label.empty()) {
    notes_.note(Action::dropped, dataset::kNoTitle, object.path());
    return;
  }
  if (!allowed(label)) return;
  const aaf::ClassificationList classifications = object.classifications();
  bool written = false;
  switch (kind) {
    case ObjectKind::bounding_box:
      written = box(object, label, classifications);
      break;
    case ObjectKind::rotated_bounding_box:
      written = rotated_box(object, label, classifications);
      break;
    case ObjectKind::polygon:
    case ObjectKind::polyline:
    case ObjectKind::point:
      written = point_shape(object, label, classifications);
      break;
    case ObjectKind::segmentation:
      written = segmentation(object, label, classifications);
      break;
    default:
      notes_.note(Action::dropped, unsupported(kind), object.path());
      break;
  }
  if (written) notes_.count(label, kind);
}

bool ShapeWriter::box(const aaf::Object& object, std::string_view label,
                      const aaf::ClassificationList& classifications) {
  aaf::Box b = object.bounding_box()->normalized();
  if (!std::isfinite(b.x) || !std::isfinite(b.y) || !std::isfinite(b.width) ||
      !std::isfinite(b.height)) {
    notes_.note(Action::dropped, dataset::kNonFinite, object.path());
    return false;
  }
  if (b.width <= 0 || b.height <= 0) {
    notes_.note(Action::dropped, dataset::kZeroSize, object.path());
    return false;
  }
  open("box", label);
  number_attribute(xml_, "xtl", b.x);
  number_attribute(xml_, "ytl", b.y);
  number_attribute(xml_, "xbr", b.x + b.width);
  number_attribute(xml_, "ybr", b.y + b.height);
  close("box", classifications, label);
  return true;
}

bool ShapeWriter::rotated_box(const aaf::Object& object, std::string_view label,
                              const aaf::ClassificationList& classifications) {
  auto b = from_rotated(*object.rotated_box());
  if (!b) {
    notes_.note(Action::dropped, "rotated box not finite or of zero width or height",
                object.path());
    return false;
  }
  open("box", label);
  number_attribute(xml_, "xtl", b->xtl);
  number_attribute(xml_, "ytl", b->ytl);
  number_attribute(xml_, "xbr", b->xbr);
  number_attribute(xml_, "ybr", b->ybr);
  if (b->rotation != 0) number_attribute(xml_, "rotation", b->rotation);
  close("box", classifications, label);
  return true;
}

// Polygons, polylines and points: one element with a `points` attribute.
bool ShapeWriter::point_shape(const aaf::Object& object, std::string_view label,
                              const aaf::ClassificationList& classifications) {
  const ObjectKind kind = object.kind();
  auto pts = object.points();
  const std::size_t minimum = kind == ObjectKind::polygon    ? 3
                              : kind == ObjectKind::polyline ? 2
                                                             : 1;
  if (pts.size() < minimum) {
    notes_.note(Action::dropped, kind == ObjectKind::polygon ? dataset::kFewPoints : kFewLinePoints,
                object.path());
    return false;
  }
  if (!finite(pts)) {
    notes_.note(Action::dropped, dataset::kNonFinite, object.path());
    return false;
  }
  const char* element = kind == ObjectKind::polygon    ? "polygon"
                        : kind == ObjectKind::polyline ? "polyline"
                                                       : "points";
  open(element, label);
  points(pts);
  close(element, classifications, label);
  return true;
}

// CVAT polygons have no holes: each zone's outer ring becomes a polygon, holes are noted.
bool ShapeWriter::segmentation(const aaf::Object& object, std::string_view label,
                               const aaf::ClassificationList& classifications) {
  auto zones = object.zones();
  std::size_t written = 0, holes = 0;
  for (const aaf::Zone& zone : zones) {
    if (zone.region.size() < 3) {
      if (!zone.region.empty()) notes_.note(Action::dropped, dataset::kFewPoints, object.path());
      continue;
    }
    if (!finite(zone.region)) {
      notes_.note(Action::dropped, dataset::kNonFinite, object.path());
      continue;
    }
    holes += zone.holes.size();
    open("polygon", label);
    points(zone.region);
    close("polygon", classifications, label);
    ++written;
  }
  if (written == 0) {
    notes_.note(Action::dropped, dataset::kNoPoints, object.path());
    return false;
  }
  if (holes) notes_.note(Action::altered, kHoles, object.path() + ": " + std::to_string(holes));
  if (written > 1) notes_.note(Action::altered, kZones, object.path());
  return true;
}

void ShapeWriter::tag(const aaf::Classification& classification) {
  std::string_view label = classification.title();
  if (classification.tool() != "radio") {
    notes_.note(Action::ignored, kNotRadio, std::string(label));
    return;
  }
  if (auto page = classification.page(); page && *page > 0) {
    notes_.note(Action::dropped, kLaterPage, std::string(label));
    return;
  }
  if (label.empty()) {
    notes_.note(Action::dropped, kNoName);
    return;
  }
  if (!allowed(label)) return;
  xml_ += "    <tag label=\"";
  escaped(label);
  xml_ += "\" source=\"manual\">\n";
  // The answer is an attribute named like the label, so the radio's options become the
  // attribute's values in <meta>; nested classifications follow as further attributes.
  std::vector<std::string> seen;
  attribute(classification, label, seen);
  xml_ += "    </tag>\n";
  uses_.push_back({std::string(label), {}, {}, InputType::text});
}

}  // namespace xport::formats::cvat
