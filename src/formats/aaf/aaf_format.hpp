// `aaf`: AAF to AAF. Assets pass through (byte for byte when nothing inside them changes)
// with asset filters (stages, batches), object filters (class whitelist, key frames only),
// optional v2 -> v3 normalisation, written as NDJSON or as a JSON array.
//
// Output: one zip entry (`export.ndjson` / `export.json`, or the Config JSON's
// "file_name"), plus report.json. See docs/formats/aaf.md for the exact rules.
#pragma once

#include "xport/format.hpp"

namespace xport::formats {

class AafFormat final : public Format {
 public:
  std::string_view name() const override { return "aaf"; }
  std::string_view description() const override;
  std::span<const OptionSpec> options() const override;
  // Everything else comes from each asset's own JSON text and its DOM.
  aaf::Fields fields() const override { return aaf::Fields::basic; }
  aaf::KindSet geometry() const override { return {}; }
  std::unique_ptr<Conversion> start(FormatContext& context) const override;
};

}  // namespace xport::formats
