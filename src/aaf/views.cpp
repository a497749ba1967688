// Accessors of the AAF views: thin reads of AssetData.
#include <cmath>

#include <fmt/format.h>

#include "aaf/asset_data.hpp"
#include "aaf/raw_json_dom.hpp"

namespace xport::aaf {

using detail::AssetData;

std::string_view to_string(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::bounding_box:
      return "bounding-box";
    case ObjectKind::rotated_bounding_box:
      return "rotated-bounding-box";
    case ObjectKind::polygon:
      return "polygon";
    case ObjectKind::polyline:
      return "polyline";
    case ObjectKind::point:
      return "point";
    case ObjectKind::segmentation:
      return "segmentation";
    case ObjectKind::ner:
      return "ner";
    case ObjectKind::pdf:
      return "pdf";
    case ObjectKind::spline:
      return "spline";
    case ObjectKind::angle:
      return "angle";
    case ObjectKind::unknown:
      return "unknown";
    case ObjectKind::invalid:
      return "invalid";
  }
  return "unknown";
}

Box Box::normalized() const {
  Box b = *this;
  if (b.width < 0) b.x += b.width, b.width = -b.width;
  if (b.height < 0) b.y += b.height, b.height = -b.height;
  return b;
}

std::array<Point, 4> RotatedBox::polygon() const {
  if (has_corners) return corners;
  // Matches the exported corners (see ../shared/samples: x 820, y 610, 40x120 at -30 degrees
  // gives (820,610) (880,713.923) (914.641,693.923) (854.641,590)).
  const double rad = rotation * M_PI / 180.0, c = std::cos(rad), s = std::sin(rad);
  const Point w{width * c, width * s};     // the width side, rotated
  const Point h{-height * s, height * c};  // the height side, rotated
  return {Point{x, y}, Point{x + h.x, y + h.y}, Point{x + h.x + w.x, y + h.y + w.y},
          Point{x + w.x, y + w.y}};
}

namespace {
template <class T>
std::span<const T> slice(const std::vector<T>& v, detail::Range r) {
  return {v.data() + r.first, r.count};
}
std::optional<int> opt_page(int page) {
  return page < 0 ? std::nullopt : std::optional<int>(page);
}
}  // namespace

// Classification ---------------------------------------------------------------------

const detail::ClassificationRec& Classification::rec() const {
  return d_->classes[i_];
}
std::string_view Classification::title() const {
  return rec().title;
}
std::string_view Classification::tool() const {
  return rec().tool;
}
std::string_view Classification::schema_id() const {
  return rec().schema_id;
}
std::string_view Classification::object_id() const {
  return rec().object_id;
}
std::optional<int> Classification::page() const {
  return opt_page(rec().page);
}
AnswerKind Classification::answer_kind() const {
  return rec().kind;
}
std::string_view Classification::answer() const {
  return rec().answer;
}
std::span<const std::string_view> Classification::answers() const {
  return slice(d_->strings, rec().answers);
}
ClassificationList Classification::children() const {
  return {d_, rec().first_child, rec().child_count};
}
ClassificationList::iterator& ClassificationList::iterator::operator++() {
  i_ = d_->classes[i_].next_sibling;
  return *this;
}

// Object ------------------------------------------------------------------------------

const detail::ObjectRec& Object::rec() const {
  return d_->objects[i_];
}

// Geometry of a kind the reader was not asked to decode: a bug in the caller.
static const detail::ObjectRec& decoded(const detail::ObjectRec& rec) {
  if (!rec.decoded)
    throw std::logic_error(fmt::format(
        "AAF reader: {} geometry was not decoded (add its kind to ReadOptions::geometry)",
        to_string(rec.kind)));
  return rec;
}
ObjectKind Object::kind() const {
  return rec().kind;
}
std::string Object::path() const {
  const char* task = d_->generation == Generation::v2 ? "tasks[0]" : "task";
  return fmt::format("{}.{}[{}]", task, d_->objects_key, i_);
}
std::string_view Object::title() const {
  return rec().title;
}
bool Object::has_title() const {
  return rec().has_title;
}
std::string_view Object::object_id() const {
  return rec().object_id;
}
std::string_view Object::schema_id() const {
  return rec().schema_id;
}
std::optional<int> Object::page() const {
  return opt_page(rec().page);
}
bool Object::interpolation_stopped() const {
  return rec().interpolation_stopped;
}
std::string_view Object::problem() const {
  return rec().problem;
}

std::optional<Box> Object::bounding_box() const {
  if (rec().kind != ObjectKind::bounding_box) return std::nullopt;
  return d_->boxes[decoded(rec()).geometry];
}
std::optional<RotatedBox> Object::rotated_box() const {
  if (rec().kind != ObjectKind::rotated_bounding_box) return std::nullopt;
  return d_->rotated[decoded(rec()).geometry];
}
std::span<const Point> Object::points() const {
  switch (rec().kind) {
    case ObjectKind::polygon:
    case ObjectKind::polyline:
    case ObjectKind::point:
      return slice(d_->points, decoded(rec()).points);
    default:
      return {};
  }
}
std::vector<Zone> Object::zones() const {
  std::vector<Zone> out;
  if (rec().kind != ObjectKind::segmentation) return out;
  for (const auto& z : slice(d_->zones, decoded(rec()).zones)) {
    Zone zone;
    auto rings = slice(d_->rings, z.rings);
    for (std::size_t i = 0; i < rings.size(); ++i) {
      auto pts = slice(d_->points, rings[i]);
      if (i == 0)
        zone.region = pts;
      else
        zone.holes.push_back(pts);
    }
    out.push_back(std::move(zone));
  }
  return out;
}
std::optional<NerSpan> Object::ner() const {
  if (rec().kind != ObjectKind::ner) return std::nullopt;
  return d_->ners[decoded(rec()).geometry];
}
std::optional<PdfRegion> Object::pdf() const {
  if (rec().kind != ObjectKind::pdf) return std::nullopt;
  const detail::PdfRec& pdf = d_->pdfs[decoded(rec()).geometry];
  return PdfRegion{pdf.bounding, slice(d_->rects, pdf.rects), pdf.page_number, pdf.text};
}
ClassificationList Object::classifications() const {
  return {d_, rec().classes.first, rec().classes.count};
}
RawJson Object::raw() const {
  Asset asset(d_);
  simdjson::dom::element root = dom_of(asset.raw());
  simdjson::dom::element e;
  auto err = d_->generation == Generation::v2 ? root["tasks"].at(0)["objects"].at(i_).get(e)
                                              : root["task"]["tools"].at(i_).get(e);
  if (err) throw std::logic_error("AAF object not found in its asset's DOM");
  return RawJsonAccess::wrap(e);
}

// Relation ----------------------------------------------------------------------------

const detail::RelationRec& Relation::rec() const {
  return d_->relations[i_];
}
std::string_view Relation::title() const {
  return rec().title;
}
std::string_view Relation::object_id() const {
  return rec().object_id;
}
std::string_view Relation::schema_id() const {
  return rec().schema_id;
}
std::optional<int> Relation::page() const {
  return opt_page(rec().page);
}
std::string_view Relation::from() const {
  return rec().from;
}
std::string_view Relation::to() const {
  return rec().to;
}
std::string_view Relation::direction() const {
  return rec().direction;
}
std::span<const std::string_view> Relation::group() const {
  return slice(d_->strings, rec().group);
}

// Asset -------------------------------------------------------------------------------

Generation Asset::generation() const {
  return d_->generation;
}
Location Asset::location() const {
  return d_->location;
}
std::string_view Asset::url() const {
  return d_->url.text;
}
std::string_view Asset::external_id() const {
  return d_->external_id.text;
}
Scalar Asset::external_id_value() const {
  return d_->external_id;
}
Scalar Asset::url_value() const {
  return d_->url;
}
std::string_view Asset::asset_id() const {
  return d_->asset_id;
}
std::optional<std::uint32_t> Asset::width() const {
  return d_->width;
}
std::optional<std::uint32_t> Asset::height() const {
  return d_->height;
}
std::span<const std::string_view> Asset::batches() const {
  return slice(d_->strings, d_->batches);
}
std::span<const std::string_view> Asset::dataset() const {
  return slice(d_->strings, d_->dataset);
}
bool Asset::has_task() const {
  return d_->has_task;
}
std::string_view Asset::task_id() const {
  return d_->task_id;
}
std::string_view Asset::stage() const {
  return d_->stage;
}
std::string_view Asset::stage_id() const {
  return d_->stage_id;
}
ObjectList Asset::objects() const {
  return {d_, 0, static_cast<std::uint32_t>(d_->objects.size())};
}
ClassificationList Asset::classifications() const {
  return {d_, d_->task_classes.first, d_->task_classes.count};
}
RelationList Asset::relations() const {
  return {d_, 0, static_cast<std::uint32_t>(d_->relations.size())};
}
std::span<const StageSnapshot> Asset::stage_history() const {
  return d_->history;
}
std::string_view Asset::json() const {
  return d_->json;
}

RawJson Asset::raw() const {
  if (!d_->dom_ready) {
    // The JSON text sits in the reader's padded chunk buffer: no copy needed.
    if (auto err = d_->dom_parser->parse(d_->json.data(), d_->json.size(), false).get(d_->dom))
      throw std::runtime_error(fmt::format("asset JSON: {}", simdjson::error_message(err)));
    d_->dom_ready = true;
  }
  return RawJsonAccess::wrap(d_->dom);
}

}  // namespace xport::aaf
