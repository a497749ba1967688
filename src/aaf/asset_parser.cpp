#include "aaf/asset_parser.hpp"

#include <cmath>
#include <cstring>

#include <fmt/format.h>

namespace xport::aaf {

using simdjson::error_code;
using simdjson::ondemand::array;
using simdjson::ondemand::json_type;
using simdjson::ondemand::object;
using simdjson::ondemand::value;

namespace {

// Thrown inside the parser; `recoverable` failures inside one object only invalidate that
// object, the others invalidate the asset.
struct Failure {
  std::string path;
  std::string reason;
  bool recoverable;
};

const char* type_name(json_type t) {
  switch (t) {
    case json_type::array:
      return "an array";
    case json_type::object:
      return "an object";
    case json_type::number:
      return "a number";
    case json_type::string:
      return "a string";
    case json_type::boolean:
      return "a boolean";
    case json_type::null:
      return "null";
  }
  return "an unknown value";
}

// The keys an object may carry that the reader decodes.
enum class ObjectKey {
  other,
  title,
  object_id,
  schema_id,
  page,
  interpolation_stopped,
  classifications,
  geometry
};

// Classifies an object key with one comparison: objects are the bulk of an export, and
// most of their keys are not geometry keys.
ObjectKey object_key(RawKey key, ObjectKind& kind) {
  kind = ObjectKind::unknown;
  switch (key.first()) {
    case 'a':
      if (key == "angle") kind = ObjectKind::angle;
      break;
    case 'b':
      if (key == "bounding-box") kind = ObjectKind::bounding_box;
      break;
    case 'c':
      if (key == "classifications") return ObjectKey::classifications;
      break;
    case 'i':
      if (key == "interpolationStopped") return ObjectKey::interpolation_stopped;
      break;
    case 'n':
      if (key == "ner") kind = ObjectKind::ner;
      break;
    case 'o':
      if (key == "objectId") return ObjectKey::object_id;
      break;
    case 'p':
      if (key == "polygon")
        kind = ObjectKind::polygon;
      else if (key == "page")
        return ObjectKey::page;
      else if (key == "point")
        kind = ObjectKind::point;
      else if (key == "polyline")
        kind = ObjectKind::polyline;
      else if (key == "pdf")
        kind = ObjectKind::pdf;
      break;
    case 'r':
      if (key == "rotated-bounding-box") kind = ObjectKind::rotated_bounding_box;
      break;
    case 's':
      if (key == "schemaId") return ObjectKey::schema_id;
      if (key == "segmentation")
        kind = ObjectKind::segmentation;
      else if (key == "spline")
        kind = ObjectKind::spline;
      break;
    case 't':
      if (key == "title") return ObjectKey::title;
      break;
    default:
      break;
  }
  return kind == ObjectKind::unknown ? ObjectKey::other : ObjectKey::geometry;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() &&
         (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

}  // namespace

// Pushes one segment of the field path for the lifetime of the guard.
class AssetParser::PathGuard {
 public:
  PathGuard(AssetParser& p, RawKey key) : p_(p) { push({key.raw(), 0}); }
  PathGuard(AssetParser& p, std::size_t index) : p_(p) { push({nullptr, index}); }
  ~PathGuard() { --p_.depth_; }
  PathGuard(const PathGuard&) = delete;
  PathGuard& operator=(const PathGuard&) = delete;

 private:
  void push(PathSegment segment) {
    if (p_.depth_ < kMaxPath) p_.path_[p_.depth_] = segment;
    ++p_.depth_;
  }
  AssetParser& p_;
};

std::string_view RawKey::view() const {
  const char* q = static_cast<const char*>(std::memchr(p_, '"', 1u << 20));
  return {p_, q ? static_cast<std::size_t>(q - p_) : 0};
}

std::string AssetParser::path_text() const {
  std::string out;
  for (std::size_t i = 0; i < std::min(depth_, kMaxPath); ++i) {
    const PathSegment& seg = path_[i];
    if (!seg.key) {
      out += fmt::format("[{}]", seg.index);
    } else {
      if (!out.empty()) out += '.';
      out += RawKey(seg.key).view();
    }
  }
  if (depth_ > kMaxPath) out += "…";
  return out;
}

void AssetParser::fail(std::string reason, bool recoverable) {
  throw Failure{path_text(), std::move(reason), recoverable};
}

void AssetParser::check(error_code error) {
  if (!error) return;
  bool recoverable = error == simdjson::INCORRECT_TYPE || error == simdjson::NUMBER_ERROR ||
                     error == simdjson::NUMBER_OUT_OF_RANGE;
  fail(simdjson::error_message(error), recoverable);
}

void AssetParser::type_error(const char* expected, value v) {
  json_type t{};
  if (v.type().get(t)) fail(fmt::format("expected {}, got malformed JSON", expected), false);
  fail(fmt::format("expected {}, got {}", expected, type_name(t)));
}

std::string_view AssetParser::keep(std::string text) {
  owned_.push_back(std::move(text));
  return owned_.back();
}

json_type AssetParser::type_of(value v) {
  json_type t{};
  check(v.type().get(t));
  return t;
}

bool AssetParser::is_null(value v) {
  return type_of(v) == json_type::null;
}

double AssetParser::number(value v) {
  double x = 0;
  error_code e = v.get_double().get(x);
  if (e == simdjson::INCORRECT_TYPE) type_error("a number", v);
  check(e);
  if (!std::isfinite(x)) fail("number out of range");
  return x;
}

std::optional<double> AssetParser::optional_number(value v) {
  if (is_null(v)) return std::nullopt;
  return number(v);
}

int AssetParser::page(value v) {
  if (is_null(v)) return -1;
  double x = number(v);
  if (x < 0 || x > 1e9 || x != std::floor(x)) fail(fmt::format("expected a page index, got {}", x));
  return static_cast<int>(x);
}

// A string field. Null reads as empty; numbers and booleans (ids typed as numbers in some
// exports) read as their JSON text.
std::string_view AssetParser::text(value v) {
  std::string_view s;
  error_code e = v.get_string().get(s);  // the common case first: no separate type probe
  if (!e) return s;
  if (e != simdjson::INCORRECT_TYPE) check(e);
  switch (type_of(v)) {
    case json_type::null:
      return {};
    case json_type::number:
    case json_type::boolean:
      return trim_right(v.raw_json_token());
    default:
      type_error("a string", v);
  }
}

Scalar AssetParser::scalar(value v) {
  switch (type_of(v)) {
    case json_type::string:
      return {Scalar::Type::string, text(v)};
    case json_type::null:
      return {Scalar::Type::null, {}};
    case json_type::number:
      return {Scalar::Type::number, trim_right(v.raw_json_token())};
    case json_type::boolean:
      return {Scalar::Type::boolean, trim_right(v.raw_json_token())};
    default:
      type_error("a string", v);
  }
}

object AssetParser::object(value v) {
  simdjson::ondemand::object o;
  error_code e = v.get_object().get(o);
  if (e == simdjson::INCORRECT_TYPE) type_error("an object", v);
  check(e);
  return o;
}

array AssetParser::array(value v) {
  simdjson::ondemand::array a;
  error_code e = v.get_array().get(a);
  if (e == simdjson::INCORRECT_TYPE) type_error("an array", v);
  check(e);
  return a;
}

// Iterates the fields of an object: `fn(key, value)`.
// Iterates the fields of an object: XPORT_FOR_FIELDS(obj, key, val) { ... }, with `key`
// the raw key text and `val` the field's value; `continue` skips to the next field.
#define XPORT_CAT2(a, b) a##b
#define XPORT_CAT(a, b) XPORT_CAT2(a, b)
#define XPORT_FOR_FIELDS(obj, KEY, VAL)                                                          \
  for (auto XPORT_CAT(result_, __LINE__) : obj)                                                  \
    if (simdjson::ondemand::field XPORT_CAT(field_, __LINE__);                                   \
        (check(std::move(XPORT_CAT(result_, __LINE__)).get(XPORT_CAT(field_, __LINE__))), true)) \
      if (RawKey KEY(XPORT_CAT(field_, __LINE__).key().raw()); true)                             \
        if (value VAL = XPORT_CAT(field_, __LINE__).value(); true)

bool AssetParser::parse(const char* json, std::size_t size, const Location& where,
                        Problem& problem) {
  if (parse_in_place(json, size, where, problem)) return true;
  // On-Demand does not check that brackets match, and on a document where they do not
  // (`{"a": 1]}`) it can step past the last structural character and read the bytes that
  // follow the asset, which are the next part of the export or padding depending on where
  // the chunk ended. Read a failed asset again from a copy followed by zeros, so that its
  // problem is the same however the input was cut. Valid assets never pay for
  // the copy.
  if (json[size] == '\0') return false;
  scratch_.assign(json, json + size);
  scratch_.resize(size + simdjson::SIMDJSON_PADDING, '\0');
  // The copy lives until the next parse(), as long as an asset's views must.
  problem = Problem{};
  return parse_in_place(scratch_.data(), size, where, problem);
}

bool AssetParser::parse_in_place(const char* json, std::size_t size, const Location& where,
                                 Problem& problem) {
  data_.clear();
  owned_.clear();
  depth_ = 0;
  data_.location = where;
  data_.json = {json, size};
  data_.dom_parser = &dom_;
  if (validate_) {
    simdjson::dom::element root;
    if (error_code e = dom_.parse(json, size, false).get(root)) {
      problem.path.clear();
      problem.reason = fmt::format("invalid JSON: {}", simdjson::error_message(e));
      return false;
    }
    data_.dom = root;
    data_.dom_ready = true;
  }
  try {
    simdjson::ondemand::document doc;
    error_code e = ondemand_.iterate(json, size, size + simdjson::SIMDJSON_PADDING).get(doc);
    if (e) fail(fmt::format("invalid JSON: {}", simdjson::error_message(e)), false);
    // get_value() refuses a scalar document: name what the element is instead.
    json_type root_type{};
    if (!doc.type().get(root_type) && root_type != json_type::object &&
        root_type != json_type::array)
      fail(fmt::format("expected an asset (a JSON object), got {}", type_name(root_type)), false);
    simdjson::ondemand::value root;
    e = doc.get_value().get(root);
    if (e) fail(fmt::format("invalid JSON: {}", simdjson::error_message(e)), false);
    read_asset(root);
    // Anything left after the asset's closing brace is a second document on the line.
    const char* rest = nullptr;
    if (!doc.current_location().get(rest))
      fail("invalid JSON: unexpected content after the asset", false);
    return true;
  } catch (const Failure& f) {
    problem.path = f.path;
    problem.reason = f.reason;
    return false;
  }
}

void AssetParser::read_asset(value asset) {
  if (type_of(asset) != json_type::object) type_error("an asset (a JSON object)", asset);
  XPORT_FOR_FIELDS(object(asset), key, v) {
    PathGuard g(*this, key);
    if (key == "asset") {
      data_.url = scalar(v);
    } else if (key == "externalId") {
      data_.external_id = scalar(v);
    } else if (key == "assetId") {
      data_.asset_id = text(v);
    } else if (key == "metadata") {
      read_metadata(v);
    } else if (key == "batches") {
      if (!is_null(v)) data_.batches = read_strings(v);
    } else if (key == "dataset") {
      if (!is_null(v)) data_.dataset = read_strings(v);
    } else if (key == "task") {
      if (!is_null(v) && data_.generation == Generation::unknown) {
        data_.generation = Generation::v3;
        read_task(v);
      }
    } else if (key == "tasks") {
      if (is_null(v) || data_.generation != Generation::unknown) continue;
      data_.generation = Generation::v2;
      data_.objects_key = "objects";
      for (auto item : array(v)) {
        value first;
        check(item.get(first));
        PathGuard gi(*this, std::size_t{0});
        if (!is_null(first)) read_task(first);
        break;  // consumers read tasks[0]; consensus copies are skipped
      }
    }
  }
}

void AssetParser::read_metadata(value v) {
  if (type_of(v) != json_type::object) return;  // `{}`, null and odd values mean "no size"
  XPORT_FOR_FIELDS(object(v), key, f) {
    if (key != "width" && key != "height") continue;
    double x = 0;
    if (f.get_double().get(x) || !(x >= 1 && x <= 4294967295.0)) continue;
    (key == "width" ? data_.width : data_.height) = static_cast<std::uint32_t>(std::lround(x));
  }
}

void AssetParser::read_task(value task) {
  data_.has_task = true;
  XPORT_FOR_FIELDS(object(task), key, v) {
    PathGuard g(*this, key);
    if (key == "taskId") {
      data_.task_id = text(v);
    } else if (key == "stage") {
      data_.stage = text(v);
    } else if (key == "stageId") {
      data_.stage_id = text(v);
    } else if (key == "status" && data_.generation == Generation::v2) {
      data_.stage = text(v);
    } else if (key == "tools" || key == "objects") {
      data_.objects_key = key == "tools" ? "tools" : "objects";
      if (has(fields_, Fields::objects) && !is_null(v)) read_objects(v);
    } else if (key == "classifications") {
      if (has(fields_, Fields::classifications) && !is_null(v))
        data_.task_classes = read_classifications(v);
    } else if (key == "relations") {
      if (has(fields_, Fields::relations) && !is_null(v)) read_relations(v);
    } else if (key == "stageHistory") {
      if (has(fields_, Fields::stage_history) && !is_null(v)) read_stage_history(v);
    }
  }
}

void AssetParser::read_objects(value list) {
  std::size_t index = 0;
  for (auto item : array(list)) {
    value v;
    check(item.get(v));
    PathGuard g(*this, index++);
    // Built in place: no other vector of objects grows while one object is read.
    detail::ObjectRec& rec = data_.objects.emplace_back();
    try {
      read_object(v, rec);
    } catch (Failure& f) {
      if (!f.recoverable) throw;
      std::string here = path_text();
      std::string_view inner =
          std::string_view(f.path).substr(std::min(f.path.size(), here.size() + 1));
      rec.kind = ObjectKind::invalid;
      rec.decoded = false;
      rec.problem = keep(inner.empty() ? f.reason : std::string(inner) + ": " + f.reason);
    }
  }
}

void AssetParser::read_object(value v, detail::ObjectRec& rec) {
  XPORT_FOR_FIELDS(object(v), key, f) {
    ObjectKind kind;
    ObjectKey which = object_key(key, kind);
    if (which == ObjectKey::other) continue;
    PathGuard g(*this, key);
    switch (which) {
      case ObjectKey::title:
        rec.title = text(f);
        rec.has_title = rec.title.data() != nullptr;  // null reads as a null view
        break;
      case ObjectKey::object_id:
        rec.object_id = text(f);
        break;
      case ObjectKey::schema_id:
        rec.schema_id = text(f);
        break;
      case ObjectKey::page:
        rec.page = page(f);
        break;
      case ObjectKey::interpolation_stopped: {
        bool stopped = false;
        rec.interpolation_stopped = !f.get_bool().get(stopped) && stopped;
        break;
      }
      case ObjectKey::classifications:
        if (has(fields_, Fields::classifications) && !is_null(f))
          rec.classes = read_classifications(f);
        break;
      case ObjectKey::geometry:
        if (rec.kind != ObjectKind::unknown) break;  // the first geometry key wins
        rec.kind = kind;
        if (geometry_.contains(kind)) {
          if (is_null(f)) fail("geometry is null");
          read_geometry(kind, f, rec);
          rec.decoded = true;
        }
        break;
      case ObjectKey::other:
        break;
    }
  }
}

void AssetParser::read_geometry(ObjectKind kind, value v, detail::ObjectRec& rec) {
  switch (kind) {
    case ObjectKind::bounding_box:
      rec.geometry = static_cast<std::uint32_t>(data_.boxes.size());
      data_.boxes.push_back(read_box(v));
      break;
    case ObjectKind::rotated_bounding_box:
      rec.geometry = static_cast<std::uint32_t>(data_.rotated.size());
      data_.rotated.push_back(read_rotated_box(v));
      break;
    case ObjectKind::polygon:
    case ObjectKind::polyline:
      rec.points = read_points(v);
      break;
    case ObjectKind::point: {
      Point p = read_point(v);
      rec.points = {static_cast<std::uint32_t>(data_.points.size()), 1};
      data_.points.push_back(p);
      break;
    }
    case ObjectKind::segmentation:
      rec.zones = read_zones(v);
      break;
    case ObjectKind::ner:
      rec.geometry = static_cast<std::uint32_t>(data_.ners.size());
      data_.ners.push_back(read_ner(v));
      break;
    case ObjectKind::pdf:
      rec.geometry = static_cast<std::uint32_t>(data_.pdfs.size());
      data_.pdfs.push_back(read_pdf(v));
      break;
    default:
      break;  // spline, angle: reachable through raw()
  }
}

Box AssetParser::read_box(value v) {
  Box b;
  unsigned seen = 0;
  XPORT_FOR_FIELDS(object(v), key, f) {
    PathGuard g(*this, key);
    if (key == "x")
      b.x = number(f), seen |= 1;
    else if (key == "y")
      b.y = number(f), seen |= 2;
    else if (key == "width")
      b.width = number(f), seen |= 4;
    else if (key == "height")
      b.height = number(f), seen |= 8;
  }
  static constexpr const char* names[] = {"x", "y", "width", "height"};
  for (int i = 0; i < 4; ++i)
    if (!(seen & (1u << i))) fail(fmt::format("missing '{}'", names[i]));
  return b;
}

RotatedBox AssetParser::read_rotated_box(value v) {
  RotatedBox r;
  unsigned seen = 0;
  XPORT_FOR_FIELDS(object(v), key, f) {
    PathGuard g(*this, key);
    if (key == "x")
      r.x = number(f), seen |= 1;
    else if (key == "y")
      r.y = number(f), seen |= 2;
    else if (key == "width")
      r.width = number(f), seen |= 4;
    else if (key == "height")
      r.height = number(f), seen |= 8;
    else if (key == "rotation")
      r.rotation = optional_number(f).value_or(0.0);
    else if (key == "corners" && !is_null(f)) {
      std::size_t n = 0;
      for (auto item : array(f)) {
        value p;
        check(item.get(p));
        PathGuard gi(*this, n);
        if (n >= 4) fail("expected 4 corners");
        r.corners[n++] = read_point(p);
      }
      if (n != 4) fail(fmt::format("expected 4 corners, got {}", n));
      r.has_corners = true;
    }
  }
  static constexpr const char* names[] = {"x", "y", "width", "height"};
  for (int i = 0; i < 4; ++i)
    if (!(seen & (1u << i))) fail(fmt::format("missing '{}'", names[i]));
  return r;
}

Point AssetParser::read_point(value v) {
  Point p;
  std::size_t n = 0;
  for (auto item : array(v)) {
    value c;
    check(item.get(c));
    if (n == 0)
      p.x = number(c);
    else if (n == 1)
      p.y = number(c);
    ++n;  // a third coordinate (z, visibility) is ignored
  }
  if (n < 2)
    fail(fmt::format("expected a point [x, y], got {} coordinate{}", n, n == 1 ? "" : "s"));
  return p;
}

detail::Range AssetParser::read_points(value v) {
  detail::Range r{static_cast<std::uint32_t>(data_.points.size()), 0};
  std::size_t index = 0;
  for (auto item : array(v)) {
    value p;
    check(item.get(p));
    PathGuard g(*this, index++);
    data_.points.push_back(read_point(p));
  }
  r.count = static_cast<std::uint32_t>(data_.points.size() - r.first);
  return r;
}

detail::Range AssetParser::read_zones(value v) {
  detail::Range zones{static_cast<std::uint32_t>(data_.zones.size()), 0};
  if (type_of(v) != json_type::object) type_error("an object", v);
  XPORT_FOR_FIELDS(object(v), key, f) {
    if (key != "zones" || is_null(f)) continue;
    PathGuard g(*this, key);
    std::size_t index = 0;
    for (auto item : array(f)) {
      value z;
      check(item.get(z));
      PathGuard gi(*this, index++);
      detail::ZoneRec zone;
      zone.rings.first = static_cast<std::uint32_t>(data_.rings.size());
      data_.rings.push_back({});  // the region, filled below
      XPORT_FOR_FIELDS(object(z), zkey, zf) {
        PathGuard gz(*this, zkey);
        if (zkey == "region") {
          data_.rings[zone.rings.first] = read_points(zf);
        } else if (zkey == "holes" && !is_null(zf)) {
          std::size_t h = 0;
          for (auto hole : array(zf)) {
            value hv;
            check(hole.get(hv));
            PathGuard gh(*this, h++);
            auto ring = read_points(hv);
            data_.rings.push_back(ring);
          }
        }
      }
      zone.rings.count = static_cast<std::uint32_t>(data_.rings.size() - zone.rings.first);
      data_.zones.push_back(zone);
    }
  }
  zones.count = static_cast<std::uint32_t>(data_.zones.size() - zones.first);
  return zones;
}

NerSpan AssetParser::read_ner(value v) {
  NerSpan n;
  unsigned seen = 0;
  XPORT_FOR_FIELDS(object(v), key, f) {
    PathGuard g(*this, key);
    if (key == "start")
      n.start = number(f), seen |= 1;
    else if (key == "end")
      n.end = number(f), seen |= 2;
    else if (key == "selection" && !is_null(f))
      n.selection = text(f);
  }
  if (!(seen & 1)) fail("missing 'start'");
  if (!(seen & 2)) fail("missing 'end'");
  return n;
}

PdfRect AssetParser::read_pdf_rect(value v) {
  PdfRect r;
  XPORT_FOR_FIELDS(object(v), key, f) {
    PathGuard g(*this, key);
    if (key == "x1")
      r.x1 = number(f);
    else if (key == "y1")
      r.y1 = number(f);
    else if (key == "x2")
      r.x2 = number(f);
    else if (key == "y2")
      r.y2 = number(f);
    else if (key == "width")
      r.width = optional_number(f).value_or(0.0);
    else if (key == "height")
      r.height = optional_number(f).value_or(0.0);
  }
  return r;
}

detail::PdfRec AssetParser::read_pdf(value v) {
  detail::PdfRec rec;
  rec.rects = {static_cast<std::uint32_t>(data_.rects.size()), 0};
  XPORT_FOR_FIELDS(object(v), key, f) {
    PathGuard g(*this, key);
    if (key == "position") {
      XPORT_FOR_FIELDS(object(f), pkey, pf) {
        PathGuard gp(*this, pkey);
        if (pkey == "boundingRect") {
          rec.bounding = read_pdf_rect(pf);
        } else if (pkey == "rects" && !is_null(pf)) {
          std::size_t index = 0;
          for (auto item : array(pf)) {
            value r;
            check(item.get(r));
            PathGuard gi(*this, index++);
            data_.rects.push_back(read_pdf_rect(r));
          }
        } else if (pkey == "pageNumber") {
          rec.page_number = page(pf);
        }
      }
    } else if (key == "content" && type_of(f) == json_type::object) {
      XPORT_FOR_FIELDS(object(f), ckey, cf) {
        if (ckey == "text" && type_of(cf) == json_type::string) rec.text = text(cf);
      }
    }
  }
  rec.rects.count = static_cast<std::uint32_t>(data_.rects.size() - rec.rects.first);
  return rec;
}

detail::Range AssetParser::read_classifications(value list) {
  // Classifications nest without limit in the format: bound the recursion (a hostile asset
  // would overflow the stack), below the nesting simdjson accepts (1024 levels).
  if (depth_ > 1000) fail("classifications nested too deeply", false);
  detail::Range range{detail::kNone, 0};
  std::uint32_t previous = detail::kNone;
  std::size_t index = 0;
  for (auto item : array(list)) {
    value v;
    check(item.get(v));
    PathGuard g(*this, index++);
    auto slot = static_cast<std::uint32_t>(data_.classes.size());
    data_.classes.emplace_back();
    read_classification(v, slot);
    if (previous == detail::kNone)
      range.first = slot;
    else
      data_.classes[previous].next_sibling = slot;
    previous = slot;
    ++range.count;
  }
  return range;
}

void AssetParser::read_classification(value v, std::uint32_t slot) {
  // data_.classes may reallocate while children are read: address the record by index.
  XPORT_FOR_FIELDS(object(v), key, f) {
    PathGuard g(*this, key);
    if (key == "title") {
      data_.classes[slot].title = text(f);
    } else if (key == "tool") {
      data_.classes[slot].tool = text(f);
    } else if (key == "schemaId") {
      data_.classes[slot].schema_id = text(f);
    } else if (key == "objectId") {
      data_.classes[slot].object_id = text(f);
    } else if (key == "page") {
      data_.classes[slot].page = page(f);
    } else if (key == "answer") {
      json_type t = type_of(f);
      if (t == json_type::array) {
        auto answers = read_strings(f);
        data_.classes[slot].answers = answers;
        data_.classes[slot].kind = AnswerKind::list;
      } else if (t != json_type::null) {
        data_.classes[slot].answer = text(f);
        data_.classes[slot].kind = AnswerKind::text;
      }
    } else if (key == "classifications" && !is_null(f)) {
      auto children = read_classifications(f);
      data_.classes[slot].first_child = children.first;
      data_.classes[slot].child_count = children.count;
    }
  }
}

void AssetParser::read_relations(value list) {
  std::size_t index = 0;
  for (auto item : array(list)) {
    value v;
    check(item.get(v));
    PathGuard g(*this, index++);
    detail::RelationRec rec;
    XPORT_FOR_FIELDS(object(v), key, f) {
      PathGuard gk(*this, key);
      if (key == "title")
        rec.title = text(f);
      else if (key == "objectId")
        rec.object_id = text(f);
      else if (key == "schemaId")
        rec.schema_id = text(f);
      else if (key == "page")
        rec.page = page(f);
      else if (key == "from")
        rec.from = text(f);
      else if (key == "to")
        rec.to = text(f);
      else if (key == "direction")
        rec.direction = text(f);
      else if (key == "group" && !is_null(f))
        rec.group = read_strings(f);
    }
    data_.relations.push_back(rec);
  }
}

void AssetParser::read_stage_history(value list) {
  std::size_t index = 0;
  for (auto item : array(list)) {
    value v;
    check(item.get(v));
    PathGuard g(*this, index++);
    StageSnapshot s;
    XPORT_FOR_FIELDS(object(v), key, f) {
      PathGuard gk(*this, key);
      if (key == "stage")
        s.stage = text(f);
      else if (key == "stageId")
        s.stage_id = text(f);
      else if (key == "completedAt")
        s.completed_at = text(f);
      else if (key == "completedBy")
        s.completed_by = text(f);
      else if (key == "reviewStatus")
        s.review_status = text(f);
      else if (key == "duration")
        s.duration = optional_number(f);
    }
    data_.history.push_back(s);
  }
}

detail::Range AssetParser::read_strings(value list) {
  detail::Range r{static_cast<std::uint32_t>(data_.strings.size()), 0};
  std::size_t index = 0;
  for (auto item : array(list)) {
    value v;
    check(item.get(v));
    PathGuard g(*this, index++);
    if (is_null(v)) continue;
    data_.strings.push_back(text(v));
  }
  r.count = static_cast<std::uint32_t>(data_.strings.size() - r.first);
  return r;
}

}  // namespace xport::aaf
