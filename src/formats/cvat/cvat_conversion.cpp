#include "formats/cvat/cvat_conversion.hpp"

#include "formats/common/text.hpp"
#include "formats/cvat/cvat_shapes.hpp"

namespace xport::formats::cvat {
namespace {

using Action = Report::Action;

constexpr std::string_view kNoSize =
    "no image size (metadata.width/height): width and height written as 0";
constexpr std::string_view kNoName = "no externalId or URL: image name left empty";
constexpr std::string_view kRelations = "relations left out: CVAT for images has none";
constexpr std::string_view kNoTags = "task-level classification left out (\"include_tags\": false)";

void number_attribute(std::string& xml, std::string_view name, double value) {
  xml.append(" ").append(name).append("=\"");
  text::append_number(xml, value);
  xml += '"';
}

}  // namespace

CvatConversion::CvatConversion(FormatContext& context, CvatOptions settings)
    : context_(context), settings_(std::move(settings)), labels_(settings_.labels) {}

void CvatConversion::consume_asset(const aaf::Asset& asset, CvatChunk& chunk) {
  dataset::PendingNotes& notes = chunk.notes;
  notes.clear();
  chunk.uses.clear();
  const std::size_t start = chunk.xml.size();
  try {
    std::string& xml = chunk.xml;
    ShapeWriter shapes(settings_.labels, xml, chunk.uses, notes);
    std::string_view name = dataset::stem_source(asset);
    if (name.empty()) notes.note(Action::altered, kNoName);
    std::size_t replaced = 0;
    xml += " name=\"";
    replaced += text::append_xml_escaped(xml, name);
    xml += '"';
    if (!asset.width() || !asset.height()) notes.note(Action::altered, kNoSize);
    number_attribute(xml, "width", asset.width().value_or(0));
    number_attribute(xml, "height", asset.height().value_or(0));
    xml += ">\n";
    for (const aaf::Object& object : asset.objects())
      shapes.object(object);
    for (const aaf::Classification& c : asset.classifications()) {
      if (settings_.include_tags)
        shapes.tag(c);
      else
        notes.note(Action::ignored, kNoTags, std::string(c.title()));
    }
    if (auto relations = asset.relations().size(); relations > 0)
      notes.note(Action::ignored, kRelations, std::to_string(relations));
    xml += "  </image>\n";
    replaced += shapes.replaced();
    if (replaced > 0)
      notes.note(Action::altered, text::kXmlCharsReplaced, std::to_string(replaced));
  } catch (...) {
    chunk.xml.resize(start);
    notes.clear();
    chunk.uses.clear();
    throw;
  }
  chunk.ends.push_back(chunk.xml.size());
  for (const AttributeUse& use : chunk.uses)
    chunk.labels.add(use);
  notes.apply(chunk.report, asset);
  chunk.report.count_asset();
}

void CvatConversion::commit_chunk(CvatChunk& chunk) {
  std::size_t begin = 0;
  for (std::size_t end : chunk.ends) {
    images_.write("  <image id=\"" + std::to_string(next_id_++) + "\"");
    images_.write(std::string_view(chunk.xml).substr(begin, end - begin));
    begin = end;
  }
  labels_.merge(chunk.labels);
  context_.report.merge(chunk.report);
  chunk.report.clear();
  chunk.labels.clear();
  chunk.xml.clear();
  chunk.ends.clear();
}

void CvatConversion::finish() {
  std::string head =
      "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<annotations>\n"
      "  <version>1.1</version>\n  <meta>\n    <task>\n      <name>";
  text::append_xml_escaped(head, context_.project_id);
  head += "</name>\n      <size>" + std::to_string(next_id_) +
          "</size>\n      <mode>annotation</mode>\n      <overlap>0</overlap>\n";
  labels_.write(head);
  head += "    </task>\n  </meta>\n";
  context_.zip.begin_entry("annotations.xml", context_.entry);
  context_.zip.write(head);
  images_.copy_to(context_.zip);
  context_.zip.write("</annotations>\n");
  context_.zip.end_entry();
}

}  // namespace xport::formats::cvat
