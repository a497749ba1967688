#include "formats/common/class_table.hpp"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <numeric>

#include "xport/errors.hpp"

namespace xport::formats::dataset {
namespace {

constexpr std::uint32_t kUnresolved = std::numeric_limits<std::uint32_t>::max();

// A split name straight from the user: it becomes a directory and file name as is.
bool safe_split_name(std::string_view name) {
  if (name.empty() || name.size() > 100 || name.front() == '.') return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.';
  });
}

// A batch name as a split name: ASCII outside [A-Za-z0-9._-] (separators, spaces, controls)
// becomes '_'; non-ASCII UTF-8 is kept (it is valid in zip entry names).
std::string split_from_batch(std::string_view batch) {
  std::string out;
  for (unsigned char c : batch.substr(0, 100)) {
    bool keep = c >= 0x80 || std::isalnum(c) || c == '_' || c == '-' || c == '.';
    out += keep ? static_cast<char>(c) : '_';
  }
  // Cutting at 100 bytes may split a UTF-8 sequence: drop a partial one.
  std::size_t end = out.size();
  while (end > 0 && (static_cast<unsigned char>(out[end - 1]) & 0xC0) == 0x80)
    --end;
  if (end > 0 && static_cast<unsigned char>(out[end - 1]) >= 0xC0) {
    unsigned char lead = static_cast<unsigned char>(out[end - 1]);
    std::size_t need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (out.size() - (end - 1) < need) out.resize(end - 1);
  }
  if (!out.empty() && out.front() == '.') out.front() = '_';
  return out;
}

std::uint64_t fnv1a(std::uint64_t h, std::string_view bytes) {
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 0x100000001b3ull;
  }
  return h;
}

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// The file extension (without the dot, at most 5 characters) of the last path component.
std::string_view extension_of(std::string_view name) {
  auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name = name.substr(slash + 1);
  auto dot = name.rfind('.');
  if (dot == std::string_view::npos || dot == 0 || name.size() - dot - 1 > 5) return {};
  std::string_view ext = name.substr(dot + 1);
  bool alnum = std::all_of(ext.begin(), ext.end(),
                           [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
  return alnum ? ext : std::string_view{};
}

std::string_view url_file_name(std::string_view url) {
  url = url.substr(0, url.find_first_of("?#"));
  auto slash = url.rfind('/');
  return slash == std::string_view::npos ? url : url.substr(slash + 1);
}

// `ext` (at most 5 characters, see extension_of) is in `list` (lower case), ignoring case.
bool in_list(std::string_view ext, std::initializer_list<std::string_view> list) {
  std::array<char, 8> lower{};
  if (ext.size() > lower.size()) return false;
  for (std::size_t i = 0; i < ext.size(); ++i)
    lower[i] = static_cast<char>(std::tolower(static_cast<unsigned char>(ext[i])));
  std::string_view key(lower.data(), ext.size());
  return std::find(list.begin(), list.end(), key) != list.end();
}

bool is_image_extension(std::string_view ext) {
  return in_list(ext, {"jpg", "jpeg", "jpe", "jfif", "png", "bmp", "tif", "tiff", "webp", "gif",
                       "heic", "heif", "avif", "dng", "mpo", "pfm"});
}

bool is_non_image_extension(std::string_view ext) {
  return in_list(ext, {"mp4", "mov", "avi",  "mkv",  "webm", "m4v", "mpg", "mpeg", "wmv",
                       "flv", "3gp", "mp3",  "wav",  "flac", "ogg", "m4a", "aac",  "pdf",
                       "txt", "csv", "json", "html", "htm",  "md",  "doc", "docx", "xml"});
}

}  // namespace

// ClassTable ------------------------------------------------------------------------------

OptionList<ClassTable> ClassTable::options(std::string classes_description,
                                           std::string sort_description) {
  OptionList<ClassTable> o;
  o.option(
      &ClassTable::names_, "classes", std::vector<std::string>{}, std::move(classes_description),
      [](const boost::json::value& v) {
        std::vector<std::string> names;
        for (const auto& item : v.as_array()) {
          if (!item.is_string() || item.as_string().empty())
            throw ConfigError("Config JSON: \"classes\" must hold non-empty strings (class names)");
          names.emplace_back(item.as_string());
        }
        return names;  // [] = the classes found in the export
      });
  o.option(&ClassTable::sort_, "sort_classes", false, std::move(sort_description));
  o.finish([](ClassTable& t) { t.index_configured(); });
  return o;
}

ClassTable ClassTable::from_config(const boost::json::object& config) {
  return options({}, {}).parse(config);
}

void ClassTable::index_configured() {
  fixed_ = !names_.empty();
  for (const std::string& name : names_) {
    if (index_.count(name))
      throw ConfigError("Config JSON: class \"" + name + "\" appears twice in \"classes\"");
    index_.emplace(name, static_cast<std::uint32_t>(index_.size()));
  }
  if (fixed_ && sort_) {
    // Known up front: sort once, so indices are final from the start.
    std::sort(names_.begin(), names_.end());
    for (std::uint32_t i = 0; i < names_.size(); ++i)
      index_[names_[i]] = i;
  }
}

std::uint32_t ClassTable::intern(std::string_view name) {
  if (auto it = index_.find(name); it != index_.end()) return it->second;
  if (fixed_) throw std::logic_error("class not in a fixed class table: " + std::string(name));
  auto index = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(name);
  index_.emplace(std::string(name), index);
  return index;
}

std::vector<std::uint32_t> ClassTable::final_indices() const {
  std::vector<std::uint32_t> order(names_.size());
  std::iota(order.begin(), order.end(), 0u);
  if (reorders()) {
    std::sort(order.begin(), order.end(),
              [&](std::uint32_t a, std::uint32_t b) { return names_[a] < names_[b]; });
  }
  std::vector<std::uint32_t> final(names_.size());
  for (std::uint32_t rank = 0; rank < order.size(); ++rank)
    final[order[rank]] = rank;
  return final;
}

std::vector<std::string> ClassTable::final_names() const {
  std::vector<std::string> out = names_;
  if (reorders()) std::sort(out.begin(), out.end());
  return out;
}

// ChunkClasses ----------------------------------------------------------------------------

std::uint32_t ChunkClasses::id(std::string_view name) {
  if (auto it = ids_.find(name); it != ids_.end()) return it->second;
  auto id = static_cast<std::uint32_t>(names_.size());
  names_.emplace_back(name);
  ids_.emplace(std::string(name), id);
  resolved_.push_back(kUnresolved);
  return id;
}

std::uint32_t ChunkClasses::resolve(std::uint32_t id, ClassTable& table) {
  std::uint32_t& r = resolved_[id];
  if (r == kUnresolved) r = table.intern(names_[id]);
  return r;
}

void ChunkClasses::clear() {
  names_.clear();
  ids_.clear();
  resolved_.clear();
}

// SplitRule -------------------------------------------------------------------------------

OptionList<SplitRule> SplitRule::options(std::string fallback, std::string split_description,
                                         std::string split_by_description) {
  OptionList<SplitRule> o;
  o.custom(&SplitRule::fractions_, "split", OptionType::object, "null",
           std::move(split_description), [](const boost::json::value& v) {
             if (v.as_object().empty())
               throw ConfigError(
                   "Config JSON: \"split\" must be an object of split name to fraction, e.g. "
                   "{\"train\": 0.8, \"val\": 0.2}");
             std::vector<std::pair<std::string, double>> fractions;
             for (const auto& [key, value] : v.as_object()) {
               if (!safe_split_name(key))
                 throw ConfigError("Config JSON: split name \"" + std::string(key) +
                                   "\" must be 1-100 characters of A-Z a-z 0-9 _ - . (not "
                                   "starting with '.')");
               if (!value.is_number() || value.to_number<double>() < 0 ||
                   !std::isfinite(value.to_number<double>()))
                 throw ConfigError("Config JSON: the fraction of split \"" + std::string(key) +
                                   "\" must be a number >= 0");
               fractions.emplace_back(key, value.to_number<double>());
             }
             return fractions;
           });
  o.custom(&SplitRule::by_batch_, "split_by", OptionType::string, "null",
           std::move(split_by_description), [](const boost::json::value& v) {
             if (v.as_string() != "batch")
               throw ConfigError("Config JSON: \"split_by\" must be \"batch\"");
             return true;
           });
  o.option(&SplitRule::seed_, "seed", std::uint64_t{0},
           "Seed of the \"split\" hash: change it for another random split.");
  o.finish([fallback = std::move(fallback)](SplitRule& rule) {
    rule.fallback_ = fallback;
    rule.accumulate();
  });
  return o;
}

SplitRule SplitRule::from_config(const boost::json::object& config, std::string fallback) {
  return options(std::move(fallback), {}, {}).parse(config);
}

void SplitRule::accumulate() {
  if (fractions_.empty()) return;
  if (by_batch_) throw ConfigError("Config JSON: use either \"split\" or \"split_by\", not both");
  double total = 0;
  for (const auto& [name, fraction] : fractions_) {
    names_.push_back(name);
    total += fraction;
  }
  if (!(total > 0)) throw ConfigError("Config JSON: the \"split\" fractions add up to 0");
  double sum = 0;
  for (const auto& [name, fraction] : fractions_) {
    sum += fraction / total;
    cumulative_.push_back(sum);
  }
  cumulative_.back() = 1.0;  // rounding must never leave an image without a split
}

std::string SplitRule::assign(const aaf::Asset& asset) const {
  if (by_batch_) {
    auto batches = asset.batches();
    std::string name = batches.empty() ? std::string() : split_from_batch(batches.front());
    return name.empty() ? fallback_ : name;
  }
  if (names_.empty()) return fallback_;
  // FNV-1a 64 of "<seed>\n<externalId>\n<line>", mixed by splitmix64; the top 53 bits as a
  // fraction in [0, 1) pick the split by cumulative fractions (see docs/formats/yolo.md).
  std::uint64_t h = 0xcbf29ce484222325ull;
  h = fnv1a(h, std::to_string(seed_));
  h = fnv1a(h, "\n");
  h = fnv1a(h, asset.external_id());
  h = fnv1a(h, "\n");
  h = fnv1a(h, std::to_string(asset.location().line));
  double u = static_cast<double>(splitmix64(h) >> 11) * 0x1.0p-53;
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (u < cumulative_[i]) return names_[i];
  return names_.back();
}

std::vector<std::string> SplitRule::declared() const {
  if (by_batch_) return {};
  return names_.empty() ? std::vector<std::string>{fallback_} : names_;
}

std::size_t SplitOrder::add(std::string_view name) {
  auto it = std::find(names_.begin(), names_.end(), name);
  if (it != names_.end()) return static_cast<std::size_t>(it - names_.begin());
  names_.emplace_back(name);
  return names_.size() - 1;
}

bool SplitOrder::contains(std::string_view name) const {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

// Image naming ------------------------------------------------------------------------------

std::string_view stem_source(const aaf::Asset& asset) {
  if (!asset.external_id().empty()) return asset.external_id();
  return url_file_name(asset.url());
}

std::string image_extension(const aaf::Asset& asset) {
  for (std::string_view name : {asset.external_id(), url_file_name(asset.url())}) {
    std::string_view ext = extension_of(name);
    if (is_image_extension(ext)) {
      std::string out(".");  // not "." + std::string(ext): g++ 12 -Wrestrict false positive
      return out.append(ext);
    }
  }
  return ".jpg";
}

std::string_view not_single_image(const aaf::Asset& asset) {
  if (!asset.dataset().empty()) return "multi-page asset (dataset pages)";
  for (const aaf::Object& object : asset.objects()) {
    if (object.page().value_or(0) > 0) return "objects on video frames or pages";
  }
  for (std::string_view name : {asset.external_id(), url_file_name(asset.url())}) {
    if (is_non_image_extension(extension_of(name))) return "video, audio or document file";
  }
  return {};
}

// Geometry ----------------------------------------------------------------------------------

bool Bounds::finite() const {
  return std::isfinite(x1) && std::isfinite(y1) && std::isfinite(x2) && std::isfinite(y2);
}

Bounds box_bounds(const aaf::Box& box) {
  aaf::Box b = box.normalized();
  return {b.x, b.y, b.x + b.width, b.y + b.height};
}

namespace {
template <class Points>
void extend(std::optional<Bounds>& b, const Points& points) {
  for (const aaf::Point& p : points) {
    if (!b) {
      b = Bounds{p.x, p.y, p.x, p.y};
      continue;
    }
    b->x1 = std::min(b->x1, p.x);
    b->y1 = std::min(b->y1, p.y);
    b->x2 = std::max(b->x2, p.x);
    b->y2 = std::max(b->y2, p.y);
  }
}
}  // namespace

std::optional<Bounds> shape_bounds(const aaf::Object& object) {
  std::optional<Bounds> b;
  switch (object.kind()) {
    case aaf::ObjectKind::rotated_bounding_box:
      extend(b, object.rotated_box()->polygon());
      break;
    case aaf::ObjectKind::polygon:
      extend(b, object.points());
      break;
    case aaf::ObjectKind::segmentation:
      for (const aaf::Zone& zone : object.zones())
        extend(b, zone.region);
      break;
    default:
      break;
  }
  return b;
}

bool clamp(Bounds& b, double width, double height) {
  Bounds before = b;
  b.x1 = std::clamp(b.x1, 0.0, width);
  b.x2 = std::clamp(b.x2, 0.0, width);
  b.y1 = std::clamp(b.y1, 0.0, height);
  b.y2 = std::clamp(b.y2, 0.0, height);
  return b.x1 != before.x1 || b.x2 != before.x2 || b.y1 != before.y1 || b.y2 != before.y2;
}

// BoxPicker ---------------------------------------------------------------------------------

BoxPicker::BoxPicker(std::string_view format_title, bool boxes_from_polygons)
    : from_shapes_(boxes_from_polygons) {
  for (std::size_t k = 0; k < unsupported_.size(); ++k) {
    unsupported_[k] = std::string(aaf::to_string(static_cast<aaf::ObjectKind>(k))) +
                      ": not representable in " + std::string(format_title);
  }
}

std::optional<Bounds> BoxPicker::shape(const aaf::Object& object, PendingNotes& notes) const {
  if (!from_shapes_) {
    notes.note(Report::Action::dropped, kNotABox, std::string(aaf::to_string(object.kind())));
    return std::nullopt;
  }
  if (object.kind() == aaf::ObjectKind::polygon && object.points().size() < 3) {
    notes.note(Report::Action::dropped, kFewPoints, object.path());
    return std::nullopt;
  }
  auto b = shape_bounds(object);
  if (!b) {
    notes.note(Report::Action::dropped, kNoPoints, object.path());
    return std::nullopt;
  }
  notes.note(Report::Action::altered, kAsBox, std::string(aaf::to_string(object.kind())));
  return b;
}

std::optional<Bounds> BoxPicker::pick(const aaf::Object& object, PendingNotes& notes) const {
  std::optional<Bounds> b;
  switch (object.kind()) {
    case aaf::ObjectKind::bounding_box:
      b = box_bounds(*object.bounding_box());
      break;
    case aaf::ObjectKind::rotated_bounding_box:
    case aaf::ObjectKind::polygon:
    case aaf::ObjectKind::segmentation:
      b = shape(object, notes);
      if (!b) return std::nullopt;
      break;
    default:
      notes.note(Report::Action::dropped, unsupported(object.kind()), object.path());
      return std::nullopt;
  }
  if (!b->finite()) {
    notes.note(Report::Action::dropped, kNonFinite, object.path());
    return std::nullopt;
  }
  if (b->width() <= 0 || b->height() <= 0) {
    notes.note(Report::Action::dropped, kZeroSize, object.path());
    return std::nullopt;
  }
  return b;
}

bool usable_object(const aaf::Object& object, const ClassTable* classes, PendingNotes& notes) {
  using Action = Report::Action;
  if (object.kind() == aaf::ObjectKind::invalid) {
    notes.note(Action::dropped, kMalformed, object.path() + ": " + std::string(object.problem()));
    return false;
  }
  if (!object.has_title() || object.title().empty()) {
    notes.note(Action::dropped, kNoTitle, object.path());
    return false;
  }
  if (classes && classes->fixed() && !classes->contains(object.title())) {
    notes.note(Action::dropped, kNotConfigured, std::string(object.title()));
    return false;
  }
  return true;
}

}  // namespace xport::formats::dataset
