// `sample`: the seed's sample export plugin, reproduced byte for byte.
//
// Output: one zip entry `<projectId>.json` (stored, as Python's zipfile does by default)
// holding json.dumps(list, indent=4) of [{"externalId", "URL", "Annotations"}], where
// Annotations joins "<title> <x> <y> <w> <h>" of every bounding box (coordinates as
// int(round(v))) with the Config JSON's "separator-character".
#pragma once

#include <string>

#include "xport/typed_format.hpp"

namespace xport::formats {

struct SampleOptions {
  std::string separator;  // between the annotations of one asset
  static const OptionList<SampleOptions>& declarations();
};

class SampleFormat final : public TypedFormat<SampleOptions> {
 public:
  std::string_view name() const override { return "sample"; }
  std::string_view description() const override;
  aaf::Fields fields() const override { return aaf::Fields::objects; }
  aaf::KindSet geometry() const override { return {aaf::ObjectKind::bounding_box}; }
  std::unique_ptr<Conversion> start_with(FormatContext& context,
                                         SampleOptions options) const override;
  // The seed's zip holds only the JSON; the report goes to the log and the CLI summary.
  bool writes_report() const override { return false; }
};

}  // namespace xport::formats
