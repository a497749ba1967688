#include "formats/coco/geometry.hpp"

#include <algorithm>
#include <cmath>

namespace xport::formats::coco {

Extent extent_of(std::span<const aaf::Point> points) {
  Extent e{points[0].x, points[0].y, points[0].x, points[0].y};
  grow(e, points);
  return e;
}

void grow(Extent& e, std::span<const aaf::Point> points) {
  for (const aaf::Point& p : points) {
    e.min_x = std::min(e.min_x, p.x);
    e.min_y = std::min(e.min_y, p.y);
    e.max_x = std::max(e.max_x, p.x);
    e.max_y = std::max(e.max_y, p.y);
  }
}

double shoelace_area(std::span<const aaf::Point> ring) {
  if (ring.size() < 3) return 0;
  // Relative to the first point: keeps precision for rings far from the origin.
  const double ox = ring[0].x, oy = ring[0].y;
  double twice = 0;
  for (std::size_t i = 1; i + 1 < ring.size(); ++i) {
    twice += (ring[i].x - ox) * (ring[i + 1].y - oy) - (ring[i + 1].x - ox) * (ring[i].y - oy);
  }
  return std::abs(twice) / 2;
}

bool all_finite(std::span<const aaf::Point> points) {
  return std::all_of(points.begin(), points.end(),
                     [](const aaf::Point& p) { return std::isfinite(p.x) && std::isfinite(p.y); });
}

bool inside_image(std::span<const aaf::Point> points, double width, double height) {
  return std::all_of(points.begin(), points.end(), [&](const aaf::Point& p) {
    return p.x >= 0 && p.y >= 0 && p.x <= width && p.y <= height;
  });
}

namespace {

// One side of the clip rectangle: keep points with coordinate `axis` on the `keep_below`
// side of `bound`.
struct HalfPlane {
  bool x_axis;
  double bound;
  bool keep_below;
  bool inside(const aaf::Point& p) const {
    double v = x_axis ? p.x : p.y;
    return keep_below ? v <= bound : v >= bound;
  }
  aaf::Point cross(const aaf::Point& p, const aaf::Point& q) const {
    if (x_axis) {
      double t = (bound - p.x) / (q.x - p.x);
      return {bound, p.y + t * (q.y - p.y)};
    }
    double t = (bound - p.y) / (q.y - p.y);
    return {p.x + t * (q.x - p.x), bound};
  }
};

void clip_once(const std::vector<aaf::Point>& in, const HalfPlane& side,
               std::vector<aaf::Point>& out) {
  out.clear();
  if (in.empty()) return;
  aaf::Point prev = in.back();
  bool prev_in = side.inside(prev);
  for (const aaf::Point& cur : in) {
    bool cur_in = side.inside(cur);
    if (cur_in != prev_in) out.push_back(side.cross(prev, cur));
    if (cur_in) out.push_back(cur);
    prev = cur;
    prev_in = cur_in;
  }
}

bool same(const aaf::Point& a, const aaf::Point& b) {
  return a.x == b.x && a.y == b.y;
}

}  // namespace

void clip_to_image(std::span<const aaf::Point> ring, double width, double height,
                   std::vector<aaf::Point>& out) {
  std::vector<aaf::Point> a(ring.begin(), ring.end()), b;
  const HalfPlane sides[] = {
      {true, 0, false}, {true, width, true}, {false, 0, false}, {false, height, true}};
  for (const HalfPlane& side : sides) {
    clip_once(a, side, b);
    a.swap(b);
  }
  out.clear();
  for (const aaf::Point& p : a)
    if (out.empty() || !same(out.back(), p)) out.push_back(p);
  while (out.size() > 1 && same(out.front(), out.back()))
    out.pop_back();
}

namespace {

struct Edge {
  std::uint32_t zone;
  std::uint32_t first, last;  // columns whose centre line the edge crosses
  aaf::Point p, q;
  double y_at(double x) const { return p.y + (x - p.x) * (q.y - p.y) / (q.x - p.x); }
};

// Pixel rows/columns whose centre c + 0.5 lies in [lo, hi), clamped to [0, limit):
// returns [first, end).
std::pair<std::uint64_t, std::uint64_t> centres_in(double lo, double hi, std::uint32_t limit) {
  double a = std::clamp(std::ceil(lo - 0.5), 0.0, static_cast<double>(limit));
  double b = std::clamp(std::ceil(hi - 0.5), 0.0, static_cast<double>(limit));
  return {static_cast<std::uint64_t>(a), static_cast<std::uint64_t>(std::max(a, b))};
}

// Appends the run [a, b) of set pixels (column-major indices) to the counts.
void add_run(Rle& rle, std::uint64_t& pos, std::uint64_t a, std::uint64_t b) {
  if (!rle.counts.empty() && a == pos) {
    rle.counts.back() += b - a;  // continues the previous run (across a column end)
  } else {
    rle.counts.push_back(a - pos);
    rle.counts.push_back(b - a);
  }
  pos = b;
  rle.area += b - a;
}

// The non-vertical edges of every ring, each with the pixel columns whose centre line it
// crosses, sorted by first column.
std::vector<Edge> crossing_edges(std::span<const ZoneRings> zones, std::uint32_t width) {
  std::vector<Edge> edges;
  for (std::uint32_t z = 0; z < zones.size(); ++z) {
    for (std::span<const aaf::Point> ring : zones[z]) {
      for (std::size_t i = 0; i < ring.size(); ++i) {
        const aaf::Point& p = ring[i];
        const aaf::Point& q = ring[(i + 1) % ring.size()];
        if (p.x == q.x) continue;  // vertical edges cross no column centre line
        // Half-open rule min <= x + 0.5 < max: a vertex is counted once.
        auto [first, end] = centres_in(std::min(p.x, q.x), std::max(p.x, q.x), width);
        if (first >= end) continue;
        edges.push_back(
            {z, static_cast<std::uint32_t>(first), static_cast<std::uint32_t>(end - 1), p, q});
      }
    }
  }
  std::sort(edges.begin(), edges.end(),
            [](const Edge& a, const Edge& b) { return a.first < b.first; });
  return edges;
}

using RowRange = std::pair<std::uint64_t, std::uint64_t>;  // [first row, end row)

// The rows of one column (centre line x + 0.5) inside the zones: `rows`, sorted and merged.
// `crossings` is scratch space, kept by the caller across columns.
void column_rows(const std::vector<const Edge*>& active, double centre, std::uint32_t height,
                 std::vector<std::pair<std::uint32_t, double>>& crossings,
                 std::vector<RowRange>& rows) {
  crossings.clear();
  for (const Edge* e : active)
    crossings.emplace_back(e->zone, e->y_at(centre));
  std::sort(crossings.begin(), crossings.end());
  rows.clear();
  // Even-odd within each zone: its crossings (contiguous after sorting) pair up, since
  // closed rings cross a line an even number of times; a zone's odd last one (only
  // possible through rounding of huge coordinates) is ignored.
  for (std::size_t i = 0; i + 1 < crossings.size();) {
    if (crossings[i].first != crossings[i + 1].first) {
      ++i;
      continue;
    }
    auto r = centres_in(crossings[i].second, crossings[i + 1].second, height);
    if (r.first < r.second) rows.push_back(r);
    i += 2;
  }
  std::sort(rows.begin(), rows.end());
  // Union across zones: merge overlapping or touching row ranges.
  std::size_t merged = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    if (merged > 0 && rows[i].first <= rows[merged - 1].second) {
      rows[merged - 1].second = std::max(rows[merged - 1].second, rows[i].second);
    } else {
      rows[merged++] = rows[i];
    }
  }
  rows.resize(merged);
}

// Adds column x's rows to the RLE and its bounding box.
void add_column(Rle& rle, std::uint64_t& pos, bool& any, std::uint64_t x, std::uint32_t height,
                const std::vector<RowRange>& rows) {
  for (const auto& [y0, y1] : rows) {
    const std::uint64_t base = x * height;
    add_run(rle, pos, base + y0, base + y1);
    if (!any) {
      rle.min_x = rle.max_x = static_cast<std::uint32_t>(x);
      rle.min_y = static_cast<std::uint32_t>(y0);
      rle.max_y = static_cast<std::uint32_t>(y1 - 1);
      any = true;
    }
    rle.max_x = static_cast<std::uint32_t>(x);
    rle.min_y = std::min(rle.min_y, static_cast<std::uint32_t>(y0));
    rle.max_y = std::max(rle.max_y, static_cast<std::uint32_t>(y1 - 1));
  }
}

}  // namespace

// A scan line per pixel column (COCO's RLE is column-major), over the edges that cross it.
Rle encode_rle(std::span<const ZoneRings> zones, std::uint32_t width, std::uint32_t height) {
  Rle rle;
  const std::vector<Edge> edges = crossing_edges(zones, width);
  std::vector<const Edge*> active;
  std::vector<std::pair<std::uint32_t, double>> crossings;  // (zone, y)
  std::vector<RowRange> rows;
  std::uint64_t pos = 0;
  bool any = false;
  std::size_t next = 0;
  std::uint64_t x = edges.empty() ? width : edges.front().first;
  while (x < width && (next < edges.size() || !active.empty())) {
    if (active.empty() && edges[next].first > x) x = edges[next].first;
    while (next < edges.size() && edges[next].first <= x)
      active.push_back(&edges[next++]);
    std::erase_if(active, [&](const Edge* e) { return e->last < x; });
    column_rows(active, static_cast<double>(x) + 0.5, height, crossings, rows);
    add_column(rle, pos, any, x, height, rows);
    ++x;
  }
  const std::uint64_t total = static_cast<std::uint64_t>(width) * height;
  if (pos < total || rle.counts.empty()) rle.counts.push_back(total - pos);
  return rle;
}

}  // namespace xport::formats::coco
