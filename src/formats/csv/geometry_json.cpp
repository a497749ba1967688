#include "formats/csv/geometry_json.hpp"

#include <initializer_list>
#include <span>
#include <string_view>
#include <utility>

#include "formats/common/text.hpp"

namespace xport::formats::table {
namespace {

void point(std::string& out, const aaf::Point& p) {
  out += '[';
  text::append_number(out, p.x);
  out += ',';
  text::append_number(out, p.y);
  out += ']';
}

void points(std::string& out, std::span<const aaf::Point> ps) {
  out += '[';
  for (std::size_t i = 0; i < ps.size(); ++i) {
    if (i) out += ',';
    point(out, ps[i]);
  }
  out += ']';
}

// {"k":v,...}: keys are fixed ASCII names, so they need no escaping. Leaves the object open
// when `close` is false (for a following non-numeric member).
void members(std::string& out, std::initializer_list<std::pair<std::string_view, double>> kv,
             bool close = true) {
  out += '{';
  bool first = true;
  for (const auto& [key, value] : kv) {
    if (!first) out += ',';
    first = false;
    out += '"';
    out += key;
    out += "\":";
    text::append_number(out, value);
  }
  if (close) out += '}';
}

void rotated_box(std::string& out, const aaf::RotatedBox& r) {
  members(
      out,
      {{"x", r.x}, {"y", r.y}, {"width", r.width}, {"height", r.height}, {"rotation", r.rotation}},
      false);
  // Corners are always written (computed when not exported) so readers need no maths.
  out += ",\"corners\":";
  const auto corners = r.polygon();
  points(out, corners);
  out += '}';
}

void zones(std::string& out, const std::vector<aaf::Zone>& zones) {
  out += '[';
  bool first = true;
  for (const aaf::Zone& zone : zones) {
    if (!first) out += ',';
    first = false;
    out += "{\"region\":";
    points(out, zone.region);
    out += ",\"holes\":[";
    for (std::size_t i = 0; i < zone.holes.size(); ++i) {
      if (i) out += ',';
      points(out, zone.holes[i]);
    }
    out += "]}";
  }
  out += ']';
}

void pdf_region(std::string& out, const aaf::PdfRegion& p) {
  const aaf::PdfRect& r = p.bounding;
  members(out, {{"page", static_cast<double>(p.page_number)},
                {"x1", r.x1},
                {"y1", r.y1},
                {"x2", r.x2},
                {"y2", r.y2},
                {"width", r.width},
                {"height", r.height}});
}

}  // namespace

bool append_geometry_json(std::string& out, const aaf::Object& object) {
  using K = aaf::ObjectKind;
  switch (object.kind()) {
    case K::bounding_box: {
      const aaf::Box b = *object.bounding_box();
      members(out, {{"x", b.x}, {"y", b.y}, {"width", b.width}, {"height", b.height}});
      return true;
    }
    case K::rotated_bounding_box:
      rotated_box(out, *object.rotated_box());
      return true;
    case K::polygon:
    case K::polyline:
      points(out, object.points());
      return true;
    case K::point: {
      const auto ps = object.points();
      if (ps.empty()) return false;
      point(out, ps.front());
      return true;
    }
    case K::segmentation:
      zones(out, object.zones());
      return true;
    case K::ner: {
      const aaf::NerSpan n = *object.ner();
      members(out, {{"start", n.start}, {"end", n.end}});
      return true;
    }
    case K::pdf:
      pdf_region(out, *object.pdf());
      return true;
    case K::spline:
    case K::angle: {
      // Rare tools the reader does not decode: pass the exported value through.
      aaf::RawJson value = object.raw()[aaf::to_string(object.kind())];
      if (!value) return false;
      out += value.json();
      return true;
    }
    case K::unknown:
    case K::invalid:
      return false;
  }
  return false;
}

}  // namespace xport::formats::table
