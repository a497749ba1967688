// CVAT's rotated box from an AAF rotated box. Kept apart from the writer so the formula
// can be tested on its own (see docs/formats/cvat.md).
#pragma once

#include <optional>

#include "xport/aaf/model.hpp"

namespace xport::formats::cvat {

// CVAT's <box>: the unrotated box about its centre, and `rotation` in degrees clockwise
// (image y axis down) in [0, 360), which CVAT applies about the centre.
struct CvatBox {
  double xtl = 0, ytl = 0, xbr = 0, ybr = 0, rotation = 0;
};

// From the four corners (RotatedBox::polygon(): c0, c0 + height edge, opposite corner,
// c0 + width edge): centre = mean of the corners, width = |c3 - c0|, height = |c1 - c0|,
// rotation = atan2(c3.y - c0.y, c3.x - c0.x) (direction of the width edge). nullopt when
// not finite or of zero width or height.
std::optional<CvatBox> from_rotated(const aaf::RotatedBox& box);

}  // namespace xport::formats::cvat
