#include "formats/cvat/cvat_geometry.hpp"

#include <cmath>
#include <numbers>

namespace xport::formats::cvat {

std::optional<CvatBox> from_rotated(const aaf::RotatedBox& box) {
  const auto c = box.polygon();
  const double cx = (c[0].x + c[1].x + c[2].x + c[3].x) / 4;
  const double cy = (c[0].y + c[1].y + c[2].y + c[3].y) / 4;
  const double ux = c[3].x - c[0].x, uy = c[3].y - c[0].y;  // width edge
  const double w = std::hypot(ux, uy);
  const double h = std::hypot(c[1].x - c[0].x, c[1].y - c[0].y);
  if (!std::isfinite(cx) || !std::isfinite(cy) || !std::isfinite(w) || !std::isfinite(h) ||
      w <= 0 || h <= 0)
    return std::nullopt;
  // With y pointing down, atan2's positive angles turn clockwise on screen: CVAT's sense.
  double degrees = std::atan2(uy, ux) * 180 / std::numbers::pi;
  if (degrees < 0) degrees += 360;
  if (degrees >= 360) degrees -= 360;
  // Exported corners are rounded (3 decimals): snap angles within 1e-9 of whole degrees so
  // an unrotated box does not come out as 359.99999999999.
  if (double r = std::round(degrees); std::abs(degrees - r) < 1e-9) degrees = r == 360 ? 0 : r;
  return CvatBox{cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2, degrees};
}

}  // namespace xport::formats::cvat
