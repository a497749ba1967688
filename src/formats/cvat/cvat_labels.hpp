// The labels of CVAT's <meta>: each label with the attributes its shapes and tags carried
// (input_type and the values seen). Only known after the last asset, so each chunk keeps
// its own table and commit() merges it into the export's one in input order; both keep
// first-appearance order, so the merged order is the export's first-appearance order.
#pragma once

#include <boost/json/array.hpp>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "formats/common/class_table.hpp"

namespace xport::formats::cvat {

// CVAT input types the AAF tools map to: radio -> radio, single-dropdown -> select, anything
// else (text, checkbox, multi- and tree-dropdown, whose answers are joined with ",") -> text.
enum class InputType { radio, select, text };
std::string_view to_string(InputType type);
InputType input_type(std::string_view aaf_tool, bool list_answer);

// One attribute value as met while converting an asset (applied once the asset is done).
struct AttributeUse {
  std::string label, name, value;
  InputType type;
};

class LabelTable {
 public:
  // The configured "labels" (fixed: no others are added; [] is no list). Throws
  // ConfigError for an empty, repeated or non-string entry.
  static LabelTable from_list(const boost::json::array& list);
  bool fixed() const { return fixed_; }
  bool contains(std::string_view label) const { return index_.find(label) != index_.end(); }

  void add_label(std::string_view label);  // ignored when fixed and not configured
  void add(const AttributeUse& use);       // adds the label too
  void merge(const LabelTable& other);
  void clear();
  // <labels>...</labels>; returns the count of characters replaced by escaping.
  std::size_t write(std::string& xml) const;

 private:
  struct Attribute {
    std::string name;
    InputType type;
    std::vector<std::string> values;  // radio/select only, first-appearance order
    dataset::StringMap<std::uint32_t> value_index;
  };
  struct Label {
    std::string name;
    std::vector<Attribute> attributes;
    dataset::StringMap<std::uint32_t> attribute_index;
  };
  Label* find(std::string_view label);
  void add_attribute(Label& label, std::string_view name, InputType type,
                     std::span<const std::string> values);

  bool fixed_ = false;
  std::vector<Label> labels_;
  dataset::StringMap<std::uint32_t> index_;
};

}  // namespace xport::formats::cvat
