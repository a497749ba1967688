// The `coco` format's Config JSON options: their declarations (shown by `xport formats
// coco`) and their parsed, checked form. Everything a conversion needs is decided here, before the
// first asset is read, so a bad option fails the run at once with a ConfigError.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "xport/format_options.hpp"

namespace xport::formats::coco {

struct KeypointClass {
  std::string category;                // category of the keypoint annotations
  std::vector<std::string> keypoints;  // point titles, in the order of `keypoints`
  std::vector<std::pair<std::int64_t, std::int64_t>> skeleton;  // 1-based index pairs
};

struct Split {
  std::string name;
  double ratio = 0;
};

struct CocoOptions {
  std::optional<std::vector<std::string>> categories;  // explicit class table
  std::int64_t category_id_start;
  std::int64_t image_id_start;
  bool skip_empty;
  bool clip;
  std::vector<KeypointClass> keypoint_classes;
  enum class SplitMode { none, ratio, batch } split_mode;  // "split", "split_by" or neither
  std::vector<Split> splits;                               // ratio mode, in the option's order
  std::uint64_t seed;

  // Parsing throws ConfigError for values that are well-typed but wrong (negative ids,
  // duplicate classes, ratios that do not add up, ...).
  static const OptionList<CocoOptions>& declarations();
};

// The split of an asset in ratio mode: a hash of its externalId, its line and the seed,
// mapped onto the cumulative ratios. Depends only on those (never on threads or order).
std::size_t pick_split(std::span<const Split> splits, std::string_view external_id,
                       std::uint64_t line, std::uint64_t seed);

// The entry of a split's document: annotations/instances.json without a split, else
// annotations/instances_<name>.json.
std::string entry_name(std::string_view split_name);

}  // namespace xport::formats::coco
