// An object's geometry as compact JSON for one table cell.
#pragma once

#include <string>

#include "xport/aaf/model.hpp"

namespace xport::formats::table {

// Appends the geometry of `object` (kind != invalid) as compact JSON; numbers in their
// shortest round-trip form:
//   bounding-box          {"x":..,"y":..,"width":..,"height":..}
//   rotated-bounding-box  {"x":..,"y":..,"width":..,"height":..,"rotation":..,"corners":[[x,y]x4]}
//   polygon, polyline     [[x,y],...]
//   point                 [x,y]
//   segmentation          [{"region":[[x,y],...],"holes":[[[x,y],...],...]},...]
//   ner                   {"start":..,"end":..}
//   pdf                   {"page":..,"x1":..,"y1":..,"x2":..,"y2":..,"width":..,"height":..}
//   spline, angle         the exported value, minified
// Returns false (nothing appended) for kind unknown.
bool append_geometry_json(std::string& out, const aaf::Object& object);

}  // namespace xport::formats::table
