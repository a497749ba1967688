#include "formats/voc/voc_conversion.hpp"

#include <algorithm>
#include <cmath>

namespace xport::formats::voc {
namespace {

using Action = Report::Action;

constexpr std::string_view kNoSize =
    "no image size (metadata.width/height): <size> written as 0 x 0, boxes not clamped";
constexpr std::string_view kTruncated = "box clamped to the image (truncated = 1)";
constexpr std::string_view kLineBreak =
    "class name with a line break: written with spaces in classes.txt";

void append_element(std::string& xml, std::string_view indent, std::string_view tag, double value) {
  xml.append(indent).append("<").append(tag).append(">");
  text::append_number(xml, value);
  xml.append("</").append(tag).append(">\n");
}

}  // namespace

VocConversion::VocConversion(FormatContext& context, VocOptions settings)
    : context_(context),
      settings_(std::move(settings)),
      picker_("Pascal VOC", settings_.boxes_from_polygons) {
  // Declared splits get their list even when no image falls in them.
  auto declared = settings_.split.declared();
  for (const auto& name : declared)
    list_image(name, {});
  if (splits_.contains("train") && splits_.contains("val") && !splits_.contains("trainval"))
    trainval_ = std::make_unique<Spool>();
}

std::optional<VocConversion::Box> VocConversion::to_voc(dataset::Bounds b,
                                                        std::optional<double> width,
                                                        std::optional<double> height,
                                                        dataset::PendingNotes& notes) const {
  constexpr double kHuge = 1e300;  // no size: clamp only at the image's top-left corner
  bool clamped = dataset::clamp(b, width.value_or(kHuge), height.value_or(kHuge));
  if (b.width() <= 0 || b.height() <= 0) {
    notes.note(Action::dropped, dataset::kOutside);
    return std::nullopt;
  }
  if (clamped) notes.note(Action::altered, kTruncated);
  if (!settings_.one_based) return Box{b.x1, b.y1, b.x2, b.y2, clamped};
  // The devkit's 1-based pixel indices, both ends inclusive: the pixels the box touches
  // (0-based [10, 30) covers pixels 10..29, written 11..30). Edges within kSnap of a pixel
  // boundary count as on it, so rotation noise (9.9999999999999) does not add a pixel.
  constexpr double kSnap = 1e-6;
  Box v{std::floor(b.x1 + kSnap) + 1, std::floor(b.y1 + kSnap) + 1, std::ceil(b.x2 - kSnap),
        std::ceil(b.y2 - kSnap), clamped};
  // Boxes thinner than kSnap still cover one pixel inside the image.
  v.xmin = std::min(v.xmin, width.value_or(v.xmin));
  v.ymin = std::min(v.ymin, height.value_or(v.ymin));
  v.xmax = std::max(v.xmax, v.xmin);
  v.ymax = std::max(v.ymax, v.ymin);
  return v;
}

void VocConversion::consume_asset(const aaf::Asset& asset, VocChunk& chunk) {
  dataset::PendingNotes& notes = chunk.notes;
  notes.clear();
  if (auto why = dataset::not_single_image(asset); !why.empty()) {
    notes.note(Action::dropped, dataset::kNotImage,
               std::string(why) + ", " + dataset::objects_detail(asset.objects().size()));
    notes.apply(chunk.report, asset);
    return;
  }
  std::optional<double> width, height;
  if (asset.width() && asset.height()) {
    width = *asset.width();
    height = *asset.height();
  } else {
    notes.note(Action::altered, kNoSize);
  }
  std::string& xml = chunk.xml;
  xml.clear();
  std::size_t replaced = 0;
  xml += "<annotation>\n\t<folder>JPEGImages</folder>\n\t<filename>";
  replaced += text::append_xml_escaped(xml, dataset::stem_source(asset));
  xml += "</filename>\n\t<size>\n";
  append_element(xml, "\t\t", "width", width.value_or(0));
  append_element(xml, "\t\t", "height", height.value_or(0));
  xml += "\t\t<depth>3</depth>\n\t</size>\n\t<segmented>0</segmented>\n";

  const std::size_t objects_before = chunk.object_classes.size();
  try {
    for (const aaf::Object& object : asset.objects()) {
      if (!dataset::usable_object(object, &settings_.classes, notes)) continue;
      auto bounds = picker_.pick(object, notes);
      if (!bounds) continue;
      auto box = to_voc(*bounds, width, height, notes);
      if (!box) continue;
      xml += "\t<object>\n\t\t<name>";
      replaced += text::append_xml_escaped(xml, object.title());
      xml += "</name>\n\t\t<pose>Unspecified</pose>\n\t\t<truncated>";
      xml += box->truncated ? '1' : '0';
      xml += "</truncated>\n\t\t<difficult>0</difficult>\n\t\t<bndbox>\n";
      append_element(xml, "\t\t\t", "xmin", box->xmin);
      append_element(xml, "\t\t\t", "ymin", box->ymin);
      append_element(xml, "\t\t\t", "xmax", box->xmax);
      append_element(xml, "\t\t\t", "ymax", box->ymax);
      xml += "\t\t</bndbox>\n\t</object>\n";
      chunk.object_classes.push_back(chunk.classes.id(object.title()));
      if (object.title().find_first_of("\r\n") != std::string_view::npos)
        notes.note(Action::altered, kLineBreak, std::string(object.title()));
      notes.count(object.title(), object.kind());
    }
    xml += "</annotation>\n";
    auto written = static_cast<std::uint32_t>(chunk.object_classes.size() - objects_before);
    if (written == 0 && settings_.skip_empty) {
      notes.note(Action::ignored, dataset::kSkipEmpty);
      notes.apply(chunk.report, asset);
      return;
    }
    if (replaced > 0)
      notes.note(Action::altered, text::kXmlCharsReplaced, std::to_string(replaced));
    chunk.images.push_back({xml, std::string(dataset::stem_source(asset)), std::string(asset.url()),
                            settings_.split.assign(asset),
                            static_cast<std::uint32_t>(objects_before), written});
  } catch (...) {
    chunk.object_classes.resize(objects_before);
    notes.clear();
    throw;
  }
  notes.apply(chunk.report, asset);
  chunk.report.count_asset();
}

void VocConversion::list_image(std::string_view split, std::string_view stem) {
  std::size_t index = splits_.add(split);
  if (index == split_lists_.size()) split_lists_.push_back(std::make_unique<Spool>());
  if (stem.empty()) return;
  std::string line = std::string(stem) + "\n";
  split_lists_[index]->write(line);
  if (trainval_ && (split == "train" || split == "val")) trainval_->write(line);
}

void VocConversion::commit_chunk(VocChunk& chunk) {
  std::string line;
  for (const Image& image : chunk.images) {
    std::string stem = stems_.allocate(image.stem_source);
    context_.zip.add("Annotations/" + stem + ".xml", image.xml, context_.entry);
    list_image(image.split, stem);
    for (std::uint32_t i = image.first_object; i < image.first_object + image.objects; ++i)
      chunk.classes.resolve(chunk.object_classes[i], settings_.classes);
    line.clear();
    text::append_image_row(line, "JPEGImages/" + stem + ".jpg", image.url);
    image_list_.write(line);
  }
  context_.report.merge(chunk.report);
  chunk.report.clear();
  chunk.classes.clear();
  chunk.object_classes.clear();
  chunk.images.clear();
}

void VocConversion::finish() {
  const auto& splits = splits_.names();
  for (std::size_t i = 0; i < splits.size(); ++i) {
    context_.zip.begin_entry("ImageSets/Main/" + splits[i] + ".txt", context_.entry);
    split_lists_[i]->copy_to(context_.zip);
    context_.zip.end_entry();
  }
  if (trainval_) {
    context_.zip.begin_entry("ImageSets/Main/trainval.txt", context_.entry);
    trainval_->copy_to(context_.zip);
    context_.zip.end_entry();
  }
  std::string classes;
  for (const auto& name : settings_.classes.final_names())
    classes += text::one_line(name) + "\n";
  context_.zip.add("classes.txt", classes, context_.entry);
  context_.zip.begin_entry("images.txt", context_.entry);
  image_list_.copy_to(context_.zip);
  context_.zip.end_entry();
}

}  // namespace xport::formats::voc
