#include "formats/cvat/cvat_labels.hpp"

#include <boost/json.hpp>

#include "formats/common/text.hpp"
#include "xport/errors.hpp"

namespace xport::formats::cvat {

std::string_view to_string(InputType type) {
  switch (type) {
    case InputType::radio:
      return "radio";
    case InputType::select:
      return "select";
    case InputType::text:
      return "text";
  }
  return "text";
}

InputType input_type(std::string_view aaf_tool, bool list_answer) {
  if (list_answer) return InputType::text;
  if (aaf_tool == "radio") return InputType::radio;
  if (aaf_tool == "single-dropdown") return InputType::select;
  return InputType::text;
}

LabelTable LabelTable::from_list(const boost::json::array& list) {
  LabelTable table;
  if (list.empty()) return table;
  table.fixed_ = true;
  for (const auto& v : list) {
    if (!v.is_string() || v.as_string().empty())
      throw ConfigError("\"labels\": every entry must be a non-empty string");
    std::string_view name = v.as_string();
    if (table.contains(name))
      throw ConfigError("\"labels\": \"" + std::string(name) + "\" is listed twice");
    table.index_.emplace(std::string(name), static_cast<std::uint32_t>(table.labels_.size()));
    table.labels_.push_back({std::string(name), {}, {}});
  }
  return table;
}

LabelTable::Label* LabelTable::find(std::string_view label) {
  if (auto it = index_.find(label); it != index_.end()) return &labels_[it->second];
  if (fixed_) return nullptr;
  index_.emplace(std::string(label), static_cast<std::uint32_t>(labels_.size()));
  labels_.push_back({std::string(label), {}, {}});
  return &labels_.back();
}

void LabelTable::add_label(std::string_view label) {
  find(label);
}

void LabelTable::add_attribute(Label& label, std::string_view name, InputType type,
                               std::span<const std::string> values) {
  auto it = label.attribute_index.find(name);
  if (it == label.attribute_index.end()) {
    it = label.attribute_index
             .emplace(std::string(name), static_cast<std::uint32_t>(label.attributes.size()))
             .first;
    label.attributes.push_back({std::string(name), type, {}, {}});
  }
  Attribute& a = label.attributes[it->second];
  // The same title from different tools: only free text can hold every answer.
  if (a.type != type) {
    a.type = InputType::text;
    a.values.clear();
    a.value_index.clear();
  }
  if (a.type == InputType::text) return;
  for (const std::string& value : values)
    if (a.value_index.emplace(value, static_cast<std::uint32_t>(a.values.size())).second)
      a.values.push_back(value);
}

void LabelTable::add(const AttributeUse& use) {
  Label* label = find(use.label);
  if (label && !use.name.empty())
    add_attribute(*label, use.name, use.type, std::span<const std::string>(&use.value, 1));
}

void LabelTable::merge(const LabelTable& other) {
  for (const Label& from : other.labels_) {
    Label* label = find(from.name);
    if (!label) continue;
    for (const Attribute& a : from.attributes)
      add_attribute(*label, a.name, a.type, a.values);
  }
}

void LabelTable::clear() {
  labels_.clear();
  index_.clear();
}

std::size_t LabelTable::write(std::string& xml) const {
  std::size_t replaced = 0;
  xml += "      <labels>\n";
  for (const Label& label : labels_) {
    xml += "        <label>\n          <name>";
    replaced += text::append_xml_escaped(xml, label.name);
    xml += "</name>\n          <attributes>\n";
    for (const Attribute& a : label.attributes) {
      xml += "            <attribute>\n              <name>";
      replaced += text::append_xml_escaped(xml, a.name);
      xml += "</name>\n              <mutable>False</mutable>\n              <input_type>";
      xml += to_string(a.type);
      xml += "</input_type>\n              <default_value>";
      if (!a.values.empty()) replaced += text::append_xml_escaped(xml, a.values.front());
      xml += "</default_value>\n              <values>";
      // CVAT separates values with line breaks.
      for (std::size_t i = 0; i < a.values.size(); ++i) {
        if (i) xml += '\n';
        replaced += text::append_xml_escaped(xml, a.values[i]);
      }
      xml += "</values>\n            </attribute>\n";
    }
    xml += "          </attributes>\n        </label>\n";
  }
  xml += "      </labels>\n";
  return replaced;
}

}  // namespace xport::formats::cvat
