// Plane geometry COCO needs: polygon areas and extents, clipping to the image, and the
// run-length encoding of zones with holes. Pure functions, no allocation beyond outputs.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "xport/aaf/model.hpp"

namespace xport::formats::coco {

struct Extent {
  double min_x = 0, min_y = 0, max_x = 0, max_y = 0;
};

// Bounds of the points (`points` must not be empty).
Extent extent_of(std::span<const aaf::Point> points);
void grow(Extent& e, std::span<const aaf::Point> points);

// Area of a simple ring by the shoelace formula (absolute value; the ring is not closed).
double shoelace_area(std::span<const aaf::Point> ring);

bool all_finite(std::span<const aaf::Point> points);
bool inside_image(std::span<const aaf::Point> points, double width, double height);

// Sutherland–Hodgman clipping of a ring to the rectangle [0,width]×[0,height]; consecutive
// duplicate points are removed. `out` may end with fewer than 3 points (ring outside).
void clip_to_image(std::span<const aaf::Point> ring, double width, double height,
                   std::vector<aaf::Point>& out);

// COCO's uncompressed RLE of a mask: column-major run lengths starting with a run of
// zeros (possibly 0), plus what the annotation needs besides the counts.
struct Rle {
  std::vector<std::uint64_t> counts;
  std::uint64_t area = 0;  // pixels set
  // Pixel bounds of the set pixels (inclusive); meaningful only when area > 0.
  std::uint32_t min_x = 0, min_y = 0, max_x = 0, max_y = 0;
};

// One zone: its outer ring followed by its holes.
using ZoneRings = std::vector<std::span<const aaf::Point>>;

// Rasterises zones onto a width×height image: a pixel is set when its centre lies inside a
// zone by the even-odd rule over the zone's rings (so holes are cut out); zones are united.
// Works column by column over the zones' horizontal extent only, with memory proportional
// to the number of edges and runs, never to the image size.
Rle encode_rle(std::span<const ZoneRings> zones, std::uint32_t width, std::uint32_t height);

}  // namespace xport::formats::coco
