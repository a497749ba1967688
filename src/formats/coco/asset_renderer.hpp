// consume()'s work: one asset → its image entry and annotations as JSON text (without ids)
// in a CocoChunk, with everything left out noted. Thread-safe: holds only read-only state
// built from the options, so worker threads share one renderer.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "formats/coco/coco_chunk.hpp"
#include "formats/coco/coco_options.hpp"
#include "formats/coco/geometry.hpp"
#include "xport/string_hash.hpp"

namespace xport::formats::coco {

class AssetRenderer {
 public:
  explicit AssetRenderer(const CocoOptions& options);
  // Renders `asset` into `chunk`; leaves the chunk unchanged when it throws.
  void render(const aaf::Asset& asset, CocoChunk& chunk) const;

 private:
  struct Keypoint {
    std::uint32_t group;  // index into options.keypoint_classes
    std::uint32_t index;  // position in that class's keypoints
  };
  struct Context;  // one asset being rendered
  void object(Context& c, const aaf::Object& object) const;
  void box(Context& c, const aaf::Object& object) const;
  void polygon(Context& c, const aaf::Object& object, std::span<const aaf::Point> points) const;
  void segmentation(Context& c, const aaf::Object& object) const;
  std::vector<ZoneRings> usable_zones(Context& c, const aaf::Object& object,
                                      const std::vector<aaf::Zone>& zones) const;
  void segmentation_rle(Context& c, const aaf::Object& object,
                        std::span<const ZoneRings> zones) const;
  void segmentation_polygons(Context& c, const aaf::Object& object,
                             std::span<const ZoneRings> zones) const;
  void keypoints(Context& c) const;

  const CocoOptions& options_;
  StringSet categories_;
  StringMap<Keypoint> keypoint_names_;
};

}  // namespace xport::formats::coco
