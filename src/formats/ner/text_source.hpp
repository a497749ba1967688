// Where the `ner` format finds an asset's text: a local directory of files or a JSON/JSONL
// file given by "texts", or a string inside the asset's own JSON named by "text_field".
// Without either (or when neither has the asset's text) the caller falls back to the
// entities' `selection`s.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "xport/aaf/model.hpp"

namespace xport::formats::ner {

class TextSource {
 public:
  // The source named by the options "texts" and "text_field" (either may be absent).
  // Throws ConfigError for a "texts" path that does not exist, a texts file that is not
  // what its extension says, or a "text_field" that is not a dotted path.
  static TextSource load(const std::optional<std::string>& texts,
                         const std::optional<std::string>& text_field);

  bool configured() const { return !dir_.empty() || file_ || !field_.empty(); }

  // The asset's text: a view into `storage` (read from a file) or into the asset. When
  // there is none, nullopt and `why` says where it was looked for. Thread-safe.
  std::optional<std::string_view> find(const aaf::Asset& asset, std::string& storage,
                                       std::string& why) const;

 private:
  std::optional<std::string_view> from_dir(const aaf::Asset& asset, std::string& storage,
                                           std::string& why) const;
  std::optional<std::string_view> from_map(const aaf::Asset& asset, std::string& why) const;
  std::optional<std::string_view> from_field(const aaf::Asset& asset, std::string& why) const;

  std::filesystem::path dir_;
  bool file_ = false;
  std::unordered_map<std::string, std::string> by_asset_id_, by_external_id_;
  std::vector<std::string> field_;  // "contextData.text" -> {"contextData", "text"}
  std::string field_name_;
};

// Whether `name` can be used as a file name inside a directory: not empty, not "." or
// "..", no '/', '\\' or NUL.
bool safe_file_name(std::string_view name);

}  // namespace xport::formats::ner
