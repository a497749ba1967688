// `aaf`: AAF to AAF. Assets pass through (byte for byte when nothing inside them changes)
// with asset filters (stages, batches), object filters (class whitelist, key frames only),
// optional v2 -> v3 normalisation, written as NDJSON or as a JSON array.
//
// Output: one zip entry (`export.ndjson` / `export.json`, or the Config JSON's
// "file_name"), plus report.json. See docs/formats/aaf.md for the exact rules.
#pragma once

#include <set>
#include <string>
#include <string_view>

#include "xport/typed_format.hpp"

namespace xport::formats {

struct AafOptions {
  // A filter by name ("stages", "batches", "classes"); inactive when not configured.
  struct NameSet {
    bool active = false;
    std::set<std::string, std::less<>> names;
    bool contains(std::string_view name) const { return names.find(name) != names.end(); }
  };
  enum class Layout { ndjson, json } layout;
  bool normalize;  // v2 -> v3
  NameSet stages, batches, classes;
  bool key_frames_only;
  std::string file_name;  // the zip entry (its default follows the layout)
  bool object_filters() const { return classes.active || key_frames_only; }
  static const OptionList<AafOptions>& declarations();
};

}  // namespace xport::formats
