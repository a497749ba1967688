#include "formats/coco/coco_options.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <algorithm>
#include <cmath>
#include <set>

#include "xport/errors.hpp"
#include "xport/zip.hpp"

namespace xport::formats::coco {
namespace {

namespace json = boost::json;

[[noreturn]] void fail(std::string_view message) {
  throw ConfigError(fmt::format("Config JSON: coco: {}", message));
}

std::int64_t id_start(const json::value& v, std::string_view key) {
  if (v.is_uint64() || (v.is_int64() && v.as_int64() < 0) ||
      (v.is_int64() && v.as_int64() > (std::int64_t{1} << 53)))
    fail(fmt::format("\"{}\" must be between 0 and 2^53, got {}", key, json::serialize(v)));
  return v.as_int64();
}

std::vector<std::string> names(const json::value& v, std::string_view what) {
  if (!v.is_array()) fail(fmt::format("{} must be a list of names", what));
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  for (const json::value& item : v.as_array()) {
    if (!item.is_string() || item.as_string().empty())
      fail(fmt::format("{} must hold non-empty strings, got {}", what, json::serialize(item)));
    if (!seen.insert(item.as_string()).second)
      fail(fmt::format("{} lists \"{}\" twice", what, std::string_view(item.as_string())));
    out.emplace_back(item.as_string());
  }
  if (out.empty()) fail(fmt::format("{} must not be empty", what));
  return out;
}

KeypointClass keypoint_class(std::string_view category, const json::value& v) {
  KeypointClass k;
  k.category = category;
  std::string what = fmt::format("keypoint_classes.\"{}\"", category);
  if (v.is_array()) {
    k.keypoints = names(v, what);
    return k;
  }
  if (!v.is_object()) fail(what + " must be a list of keypoint names or an object");
  for (const auto& [key, value] : v.as_object()) {
    if (key == "keypoints") {
      k.keypoints = names(value, what + ".keypoints");
    } else if (key == "skeleton") {
      if (!value.is_array()) fail(what + ".skeleton must be a list of [i, j] pairs");
      for (const json::value& pair : value.as_array()) {
        const json::array* p = pair.if_array();
        if (!p || p->size() != 2 || !(*p)[0].is_int64() || !(*p)[1].is_int64())
          fail(fmt::format("{}.skeleton: expected [i, j] (1-based keypoint numbers), got {}", what,
                           json::serialize(pair)));
        k.skeleton.emplace_back((*p)[0].as_int64(), (*p)[1].as_int64());
      }
    } else {
      fail(fmt::format("{} has no key \"{}\" (keys: keypoints, skeleton)", what,
                       std::string_view(key)));
    }
  }
  if (k.keypoints.empty()) fail(what + " needs \"keypoints\"");
  const auto n = static_cast<std::int64_t>(k.keypoints.size());
  for (auto [a, b] : k.skeleton)
    if (a < 1 || b < 1 || a > n || b > n)
      fail(fmt::format("{}.skeleton: [{}, {}] is not a pair of keypoint numbers 1..{}", what, a, b,
                       n));
  return k;
}

void check_split_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 100;
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7f || c == '/' || c == '\\') ok = false;
  if (ok) {
    try {
      zip::check_entry_name(entry_name(name));
    } catch (const zip::NameError&) {
      ok = false;
    }
  }
  if (!ok)
    fail(
        fmt::format("split name \"{}\" cannot be a file name (1 to 100 characters, no "
                    "slashes or control characters)",
                    name));
}

std::vector<KeypointClass> read_keypoint_classes(const json::value& v) {
  std::vector<KeypointClass> classes;
  std::set<std::string_view> point_names;
  for (const auto& [category, value] : v.as_object()) {
    if (category.empty()) fail("keypoint_classes: a category name is empty");
    classes.push_back(keypoint_class(category, value));
    for (const std::string& name : classes.back().keypoints)
      if (!point_names.insert(name).second)
        fail(
            fmt::format("keypoint_classes: \"{}\" is a keypoint of two categories (a point "
                        "title must name one keypoint of one category)",
                        name));
  }
  if (classes.empty()) fail("keypoint_classes must name at least one category");
  return classes;
}

std::vector<Split> read_split_ratios(const json::value& v) {
  std::vector<Split> splits;
  double total = 0;
  for (const auto& [name, value] : v.as_object()) {
    check_split_name(name);
    double r = value.is_number() ? value.to_number<double>() : -1;
    if (!value.is_number() || !std::isfinite(r) || r < 0)
      fail(fmt::format("split \"{}\": the ratio must be a number >= 0, got {}",
                       std::string_view(name), json::serialize(value)));
    splits.push_back({std::string(name), r});
    total += r;
  }
  if (!(total > 0)) fail("\"split\" needs at least one ratio above 0");
  return splits;
}

// Across options: each keypoint class is a category, and one way of splitting.
void check_options(CocoOptions& o) {
  for (const KeypointClass& k : o.keypoint_classes)
    if (o.categories &&
        std::find(o.categories->begin(), o.categories->end(), k.category) == o.categories->end())
      fail(fmt::format("keypoint class \"{}\" is not in \"categories\"", k.category));
  if (!o.splits.empty()) {
    if (o.split_mode == CocoOptions::SplitMode::batch)
      fail("\"split\" and \"split_by\" exclude each other");
    o.split_mode = CocoOptions::SplitMode::ratio;
  }
}

std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

}  // namespace

std::string entry_name(std::string_view split_name) {
  if (split_name.empty()) return "annotations/instances.json";
  return fmt::format("annotations/instances_{}.json", split_name);
}

const OptionList<CocoOptions>& CocoOptions::declarations() {
  static const auto list = [] {
    OptionList<CocoOptions> o;
    o.custom(&CocoOptions::categories, "categories", OptionType::array, "null",
             "The class table: category names in id order, e.g. [\"car\", \"person\"]. "
             "Objects of other classes are dropped (and reported). Without it, categories are "
             "every class that reaches the output, in order of first appearance in the export.",
             [](const json::value& v) { return std::optional(names(v, "\"categories\"")); });
    o.option(&CocoOptions::category_id_start, "category_id_start", std::int64_t{1},
             "Id of the first category (ids are consecutive).",
             [](const json::value& v) { return id_start(v, "category_id_start"); });
    o.option(&CocoOptions::image_id_start, "image_id_start", std::int64_t{1},
             "Id of the first image in each document (ids are consecutive, in input order).",
             [](const json::value& v) { return id_start(v, "image_id_start"); });
    o.option(&CocoOptions::skip_empty, "skip_empty", false,
             "Leave out images without annotations (by default every asset is listed, so "
             "negatives are kept).");
    o.option(&CocoOptions::clip, "clip_to_image", true,
             "Clip boxes, polygons and keypoints to the image when its size is known (reported "
             "as altered; what lies wholly outside is dropped and reported).");
    o.custom(&CocoOptions::keypoint_classes, "keypoint_classes", OptionType::object, "null",
             "Keypoints: {\"person\": [\"nose\", \"left_eye\", ...]} or {\"person\": "
             "{\"keypoints\": [...], \"skeleton\": [[1, 2], ...]}}. Point objects titled with "
             "these names form one keypoint annotation of that category per asset (v=2 for "
             "present points, 0,0,0 for missing ones). An asset with a name twice has its whole "
             "group dropped and reported. Other point objects are ignored and reported.",
             read_keypoint_classes);
    o.custom(&CocoOptions::splits, "split", OptionType::object, "null",
             "Split into one document per entry, e.g. {\"train\": 0.8, \"val\": 0.2}: relative "
             "weights; each asset goes to one split chosen by a hash of its externalId, line and "
             "`seed` (the same for any thread count). Files: annotations/instances_<name>.json.",
             read_split_ratios);
    o.custom(&CocoOptions::split_mode, "split_by", OptionType::string, "null",
             "\"batch\": one document per batch (annotations/instances_<batch>.json, names made "
             "safe), assets in several batches go to their first one, assets without a batch to "
             "instances_no_batch.json.",
             [](const json::value& v) {
               if (v.as_string() != "batch")
                 fail(fmt::format("\"split_by\" must be \"batch\", got {}", json::serialize(v)));
               return SplitMode::batch;
             });
    o.option(&CocoOptions::seed, "seed", std::uint64_t{0}, "Seed of the `split` hash.");
    o.finish(check_options);
    return o;
  }();
  return list;
}

std::size_t pick_split(std::span<const Split> splits, std::string_view external_id,
                       std::uint64_t line, std::uint64_t seed) {
  // The same rule as the dataset formats (YOLO, VOC, KITTI: formats/common/class_table.cpp),
  // so one "split" config puts an asset in the same split whatever the format: FNV-1a 64 of
  // "<seed>\n<externalId>\n<line>", mixed by splitmix64, the top 53 bits as a fraction in
  // [0, 1) against the cumulative normalised ratios.
  std::uint64_t h = 0xcbf29ce484222325ull;
  h = fnv1a(h, std::to_string(seed));
  h = fnv1a(h, "\n");
  h = fnv1a(h, external_id);
  h = fnv1a(h, "\n");
  h = fnv1a(h, std::to_string(line));
  h += 0x9e3779b97f4a7c15ull;
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  h ^= h >> 31;
  const double u = static_cast<double>(h >> 11) * 0x1p-53;

  double total = 0;
  for (const Split& s : splits)
    total += s.ratio;
  double cumulative = 0;
  std::size_t last = 0;
  for (std::size_t i = 0; i < splits.size(); ++i) {
    if (splits[i].ratio <= 0) continue;  // also when rounding leaves u above the sum
    last = i;
    cumulative += splits[i].ratio / total;
    if (u < cumulative) return i;
  }
  return last;  // the last bound counts as 1: rounding never leaves an asset out
}

}  // namespace xport::formats::coco
