#include "formats/coco/asset_renderer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "formats/coco/geometry.hpp"
#include "formats/common/python_json.hpp"
#include "formats/common/text.hpp"

namespace xport::formats::coco {
namespace {

using Action = Report::Action;
using aaf::ObjectKind;

void append_bbox(std::string& out, double x, double y, double w, double h, double area) {
  out += ",\"bbox\":[";
  text::append_number(out, x);
  out += ',';
  text::append_number(out, y);
  out += ',';
  text::append_number(out, w);
  out += ',';
  text::append_number(out, h);
  out += "],\"area\":";
  text::append_number(out, area);
}

void append_ring(std::string& out, std::span<const aaf::Point> ring) {
  out += '[';
  for (std::size_t i = 0; i < ring.size(); ++i) {
    if (i) out += ',';
    text::append_number(out, ring[i].x);
    out += ',';
    text::append_number(out, ring[i].y);
  }
  out += ']';
}

// Why COCO leaves out objects of kinds it has no annotation type for (nullptr: supported).
const char* unsupported(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::polyline:
      return "polyline (COCO has no open lines)";
    case ObjectKind::ner:
      return "ner span (text, not an image region)";
    case ObjectKind::pdf:
      return "pdf region (not an image region)";
    case ObjectKind::spline:
      return "spline (COCO cannot represent it)";
    case ObjectKind::angle:
      return "angle (COCO cannot represent it)";
    case ObjectKind::unknown:
      return "object without a known geometry (COCO cannot represent it)";
    default:
      return nullptr;
  }
}

}  // namespace

struct AssetRenderer::Context {
  Context(const aaf::Asset& a, CocoChunk& c) : asset(a), chunk(c) {}
  const aaf::Asset& asset;
  CocoChunk& chunk;
  bool size_known = false;
  std::uint32_t width = 0, height = 0;
  bool clip = false;  // clip_to_image and the size is known
  struct Hit {
    Keypoint keypoint;
    aaf::Point point;
  };
  std::vector<Hit> hits;
  std::vector<aaf::Point> clipped;
  std::size_t body_start = 0;
  TextRange category;

  void note(Action action, std::string_view reason, std::string detail = {}) {
    chunk.notes.push_back({action, reason, std::move(detail)});
  }
  std::string& text() { return chunk.text; }
  // Starts an annotation of `name`; the caller then appends its body.
  void begin(std::string_view name) {
    category = {chunk.text.size(), name.size()};
    chunk.text += name;
    body_start = chunk.text.size();
  }
  void end(std::string_view name, ObjectKind kind) {
    chunk.annotations.push_back({category, {body_start, chunk.text.size() - body_start}});
    chunk.written.emplace_back(name, kind);
  }
};

AssetRenderer::AssetRenderer(const CocoOptions& options) : options_(options) {
  if (options.categories)
    categories_.insert(options.categories->begin(), options.categories->end());
  for (std::uint32_t g = 0; g < options.keypoint_classes.size(); ++g) {
    const auto& names = options.keypoint_classes[g].keypoints;
    for (std::uint32_t i = 0; i < names.size(); ++i)
      keypoint_names_.emplace(names[i], Keypoint{g, i});
  }
}

void AssetRenderer::render(const aaf::Asset& asset, CocoChunk& chunk) const {
  const std::size_t text_mark = chunk.text.size();
  const std::size_t assets_mark = chunk.assets.size();
  const std::size_t annotations_mark = chunk.annotations.size();
  chunk.notes.clear();
  chunk.written.clear();
  try {
    Context c(asset, chunk);
    auto w = asset.width();
    auto h = asset.height();
    c.size_known = w && h;
    if (c.size_known) c.width = *w, c.height = *h;
    c.clip = c.size_known && options_.clip;

    AssetRecord record;
    if (options_.split_mode == CocoOptions::SplitMode::ratio) {
      record.split =
          pick_split(options_.splits, asset.external_id(), asset.location().line, options_.seed);
    } else if (options_.split_mode == CocoOptions::SplitMode::batch) {
      auto batches = asset.batches();
      if (!batches.empty()) {
        record.has_batch = true;
        record.batch = {chunk.text.size(), batches[0].size()};
        chunk.text += batches[0];
        if (batches.size() > 1)
          c.note(Action::altered, "asset in several batches: written to its first batch's file",
                 std::string(batches[0]));
      }
    }
    record.first_annotation = chunk.annotations.size();
    for (const aaf::Object& o : asset.objects())
      object(c, o);
    if (!c.hits.empty()) keypoints(c);
    record.annotations = chunk.annotations.size() - record.first_annotation;

    if (record.annotations == 0 && options_.skip_empty) {
      record.listed = false;
      c.note(Action::ignored, "image without annotations (skip_empty)");
    }
    if (asset.external_id_value().type != aaf::Scalar::Type::string) {
      if (asset.external_id().empty())
        c.note(Action::altered, "asset without an externalId: file_name is \"\"");
      else
        c.note(Action::altered, "externalId is not a string: file_name is its JSON text",
               std::string(asset.external_id()));
    }
    std::string& t = chunk.text;
    record.image.offset = t.size();
    t += ",\"file_name\":";
    pyjson::append_string(t, asset.external_id());
    t += ",\"width\":";
    if (w)
      pyjson::append_uint(t, *w);
    else
      t += "null";
    t += ",\"height\":";
    if (h)
      pyjson::append_uint(t, *h);
    else
      t += "null";
    t += '}';
    record.image.length = t.size() - record.image.offset;
    chunk.assets.push_back(record);
  } catch (...) {
    chunk.text.resize(text_mark);
    chunk.assets.resize(assets_mark);
    chunk.annotations.resize(annotations_mark);
    throw;
  }
  // Only now does the report change.
  for (PendingNote& n : chunk.notes)
    chunk.report.note(n.action, n.reason, asset, n.detail);
  for (const auto& [name, kind] : chunk.written)
    chunk.report.count_object(name, kind);
  chunk.report.count_asset();
}

void AssetRenderer::object(Context& c, const aaf::Object& o) const {
  const ObjectKind kind = o.kind();
  if (kind == ObjectKind::invalid) {
    c.note(Action::dropped, "malformed object", o.path() + ": " + std::string(o.problem()));
    return;
  }
  if (const char* why = unsupported(kind)) {
    c.note(Action::ignored, why, o.path());
    return;
  }
  if (o.page()) {
    c.note(Action::dropped, "object on a page or video frame (COCO has one image per asset)",
           fmt::format("{} (page {})", o.path(), *o.page()));
    return;
  }
  if (kind == ObjectKind::point) {
    auto it = keypoint_names_.find(o.title());
    if (it == keypoint_names_.end()) {
      c.note(Action::ignored, "point (COCO keeps points only as keypoints: see keypoint_classes)",
             std::string(o.title()));
      return;
    }
    aaf::Point p = o.points()[0];
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) {
      c.note(Action::dropped, "non-finite coordinate", o.path());
      return;
    }
    c.hits.push_back({it->second, p});
    return;
  }
  if (o.title().empty()) {
    c.note(Action::dropped, "object without a title (class name)", o.path());
    return;
  }
  if (options_.categories && !categories_.contains(o.title())) {
    c.note(Action::dropped, "class not in the \"categories\" option", std::string(o.title()));
    return;
  }
  switch (kind) {
    case ObjectKind::bounding_box:
      box(c, o);
      return;
    case ObjectKind::polygon:
      polygon(c, o, o.points());
      return;
    case ObjectKind::rotated_bounding_box: {
      auto corners = o.rotated_box()->polygon();
      polygon(c, o, corners);
      return;
    }
    case ObjectKind::segmentation:
      segmentation(c, o);
      return;
    default:
      return;  // every other kind was handled above
  }
}

void AssetRenderer::box(Context& c, const aaf::Object& o) const {
  aaf::Box b = *o.bounding_box();
  if (!std::isfinite(b.x) || !std::isfinite(b.y) || !std::isfinite(b.width) ||
      !std::isfinite(b.height)) {
    c.note(Action::dropped, "non-finite coordinate", o.path());
    return;
  }
  if (b.width < 0 || b.height < 0) {
    b = b.normalized();
    c.note(Action::altered, "negative box size normalised", o.path());
  }
  const double w = c.width, h = c.height;
  if (c.clip && (b.x < 0 || b.y < 0 || b.x + b.width > w || b.y + b.height > h)) {
    const double x0 = std::max(b.x, 0.0), y0 = std::max(b.y, 0.0);
    const double x1 = std::min(b.x + b.width, w), y1 = std::min(b.y + b.height, h);
    // Wholly outside: nothing left, or a box that had a size lost it.
    if (x1 < x0 || y1 < y0 || (x1 == x0 && b.width > 0) || (y1 == y0 && b.height > 0)) {
      c.note(Action::dropped, "outside the image", o.path());
      return;
    }
    b = {x0, y0, x1 - x0, y1 - y0};
    c.note(Action::altered, "clipped to the image", o.path());
  }
  c.begin(o.title());
  append_bbox(c.text(), b.x, b.y, b.width, b.height, b.width * b.height);
  c.text() += ",\"iscrowd\":0,\"segmentation\":[]}";
  c.end(o.title(), ObjectKind::bounding_box);
}

void AssetRenderer::polygon(Context& c, const aaf::Object& o,
                            std::span<const aaf::Point> points) const {
  if (points.size() < 3) {
    c.note(Action::dropped, "polygon with fewer than 3 points",
           fmt::format("{}: {} point{}", o.path(), points.size(), points.size() == 1 ? "" : "s"));
    return;
  }
  if (!all_finite(points)) {
    c.note(Action::dropped, "non-finite coordinate", o.path());
    return;
  }
  if (c.clip && !inside_image(points, c.width, c.height)) {
    clip_to_image(points, c.width, c.height, c.clipped);
    if (c.clipped.size() < 3 || shoelace_area(c.clipped) <= 0) {
      c.note(Action::dropped, "outside the image", o.path());
      return;
    }
    c.note(Action::altered, "clipped to the image", o.path());
    points = c.clipped;
  }
  const double area = shoelace_area(points);
  if (!(area > 0)) {
    c.note(Action::dropped, "polygon with zero area", o.path());
    return;
  }
  Extent e = extent_of(points);
  c.begin(o.title());
  append_bbox(c.text(), e.min_x, e.min_y, e.max_x - e.min_x, e.max_y - e.min_y, area);
  c.text() += ",\"iscrowd\":0,\"segmentation\":[";
  append_ring(c.text(), points);
  c.text() += "]}";
  c.end(o.title(), o.kind());
}

// The zones (and their holes) a segmentation can be written with; the others are noted.
std::vector<ZoneRings> AssetRenderer::usable_zones(Context& c, const aaf::Object& o,
                                                   const std::vector<aaf::Zone>& zones) const {
  std::vector<ZoneRings> kept;
  for (std::size_t z = 0; z < zones.size(); ++z) {
    const aaf::Zone& zone = zones[z];
    if (zone.region.size() < 3) {
      c.note(Action::dropped, "segmentation zone with fewer than 3 points",
             fmt::format("{}: zone {}", o.path(), z));
      continue;
    }
    ZoneRings rings{zone.region};
    for (std::span<const aaf::Point> hole : zone.holes) {
      if (hole.size() < 3) {
        c.note(Action::dropped, "segmentation hole with fewer than 3 points",
               fmt::format("{}: zone {}", o.path(), z));
        continue;
      }
      rings.push_back(hole);
    }
    if (!std::all_of(rings.begin(), rings.end(), [](auto r) { return all_finite(r); })) {
      c.note(Action::dropped, "non-finite coordinate", fmt::format("{}: zone {}", o.path(), z));
      continue;
    }
    kept.push_back(std::move(rings));
  }
  return kept;
}

void AssetRenderer::segmentation(Context& c, const aaf::Object& o) const {
  std::vector<aaf::Zone> zones = o.zones();
  std::vector<ZoneRings> kept = usable_zones(c, o, zones);
  if (zones.empty()) {
    c.note(Action::dropped, "segmentation without zones (export it with points)", o.path());
    return;
  }
  if (kept.empty()) {
    c.note(Action::dropped, "segmentation without a usable zone", o.path());
    return;
  }
  const bool holes =
      std::any_of(kept.begin(), kept.end(), [](const ZoneRings& r) { return r.size() > 1; });
  if (holes) {
    segmentation_rle(c, o, kept);
  } else {
    segmentation_polygons(c, o, kept);
  }
}

// Holes cannot be COCO polygons: the zones are rasterised to an uncompressed RLE.
void AssetRenderer::segmentation_rle(Context& c, const aaf::Object& o,
                                     std::span<const ZoneRings> kept) const {
  if (!c.size_known) {
    c.note(Action::dropped, "segmentation holes need the image size for RLE", o.path());
    return;
  }
  Rle rle = encode_rle(kept, c.width, c.height);
  if (rle.area == 0) {
    c.note(Action::dropped, "segmentation covers no pixel centre", o.path());
    return;
  }
  c.note(Action::altered, "segmentation with holes written as RLE (iscrowd 1)", o.path());
  std::string& t = c.text();
  c.begin(o.title());
  append_bbox(t, rle.min_x, rle.min_y, rle.max_x - rle.min_x + 1.0, rle.max_y - rle.min_y + 1.0,
              static_cast<double>(rle.area));
  t += ",\"iscrowd\":1,\"segmentation\":{\"size\":[";
  pyjson::append_uint(t, c.height);
  t += ',';
  pyjson::append_uint(t, c.width);
  t += "],\"counts\":[";
  for (std::size_t i = 0; i < rle.counts.size(); ++i) {
    if (i) t += ',';
    pyjson::append_uint(t, rle.counts[i]);
  }
  t += "]}}";
  c.end(o.title(), ObjectKind::segmentation);
}

// No holes: each zone is one polygon of the annotation.
void AssetRenderer::segmentation_polygons(Context& c, const aaf::Object& o,
                                          std::span<const ZoneRings> kept) const {
  std::vector<std::vector<aaf::Point>> polygons;
  double area = 0;
  for (const ZoneRings& rings : kept) {
    std::span<const aaf::Point> region = rings[0];
    if (c.clip && !inside_image(region, c.width, c.height)) {
      clip_to_image(region, c.width, c.height, c.clipped);
      if (c.clipped.size() < 3 || shoelace_area(c.clipped) <= 0) {
        c.note(Action::dropped, "segmentation zone outside the image", o.path());
        continue;
      }
      c.note(Action::altered, "clipped to the image", o.path());
      region = c.clipped;
    }
    const double a = shoelace_area(region);
    if (!(a > 0)) {
      c.note(Action::dropped, "segmentation zone with zero area", o.path());
      continue;
    }
    area += a;
    polygons.emplace_back(region.begin(), region.end());
  }
  if (polygons.empty()) {
    c.note(Action::dropped, "segmentation without a usable zone", o.path());
    return;
  }
  Extent e = extent_of(polygons[0]);
  for (const auto& p : polygons)
    grow(e, p);
  std::string& t = c.text();
  c.begin(o.title());
  append_bbox(t, e.min_x, e.min_y, e.max_x - e.min_x, e.max_y - e.min_y, area);
  t += ",\"iscrowd\":0,\"segmentation\":[";
  for (std::size_t i = 0; i < polygons.size(); ++i) {
    if (i) t += ',';
    append_ring(t, polygons[i]);
  }
  t += "]}";
  c.end(o.title(), ObjectKind::segmentation);
}

void AssetRenderer::keypoints(Context& c) const {
  std::stable_sort(c.hits.begin(), c.hits.end(), [](const auto& a, const auto& b) {
    return a.keypoint.group < b.keypoint.group;
  });
  std::vector<int> seen;
  std::vector<aaf::Point> points;
  for (std::size_t begin = 0; begin < c.hits.size();) {
    const std::uint32_t group = c.hits[begin].keypoint.group;
    std::size_t end = begin;
    while (end < c.hits.size() && c.hits[end].keypoint.group == group)
      ++end;
    const KeypointClass& cls = options_.keypoint_classes[group];
    seen.assign(cls.keypoints.size(), -1);
    std::string repeated;
    points.assign(cls.keypoints.size(), aaf::Point{});
    for (std::size_t i = begin; i < end; ++i) {
      const auto& hit = c.hits[i];
      if (seen[hit.keypoint.index] >= 0) {
        if (repeated.empty()) repeated = cls.keypoints[hit.keypoint.index];
        continue;
      }
      seen[hit.keypoint.index] = 1;
      aaf::Point p = hit.point;
      if (c.clip && (p.x < 0 || p.y < 0 || p.x > c.width || p.y > c.height)) {
        p.x = std::clamp(p.x, 0.0, static_cast<double>(c.width));
        p.y = std::clamp(p.y, 0.0, static_cast<double>(c.height));
        c.note(Action::altered, "keypoint clamped to the image", cls.keypoints[hit.keypoint.index]);
      }
      points[hit.keypoint.index] = p;
    }
    const std::size_t count = end - begin;
    begin = end;
    if (!repeated.empty()) {
      c.note(Action::dropped,
             "keypoint group with a repeated name (one instance per asset and category)",
             fmt::format("{}: {} points, \"{}\" more than once", cls.category, count, repeated));
      continue;
    }
    Extent e{};
    bool first = true;
    std::size_t visible = 0;
    for (std::size_t k = 0; k < points.size(); ++k) {
      if (seen[k] < 0) continue;
      ++visible;
      if (first) e = {points[k].x, points[k].y, points[k].x, points[k].y}, first = false;
      grow(e, std::span<const aaf::Point>(&points[k], 1));
    }
    c.note(Action::altered, "points grouped into a keypoint annotation",
           fmt::format("{}: {} point{}", cls.category, visible, visible == 1 ? "" : "s"));
    std::string& t = c.text();
    c.begin(cls.category);
    const double w = e.max_x - e.min_x, h = e.max_y - e.min_y;
    append_bbox(t, e.min_x, e.min_y, w, h, w * h);
    t += ",\"iscrowd\":0,\"segmentation\":[],\"num_keypoints\":";
    pyjson::append_uint(t, visible);
    t += ",\"keypoints\":[";
    for (std::size_t k = 0; k < points.size(); ++k) {
      if (k) t += ',';
      if (seen[k] < 0) {
        t += "0,0,0";
        continue;
      }
      text::append_number(t, points[k].x);
      t += ',';
      text::append_number(t, points[k].y);
      t += ",2";
    }
    t += "]}";
    c.end(cls.category, ObjectKind::point);
  }
}

}  // namespace xport::formats::coco
