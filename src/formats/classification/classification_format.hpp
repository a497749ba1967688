// `classification`: image-classification tables.
//
// Output: `<projectId>.csv`, one row per asset (asset, externalId, assetId, line, then one
// column per task-level classification question, in first-appearance order), and, when
// the Config JSON names a "question", `labels.txt` (ImageNet style:
// `<externalId> TAB <answer>` per asset).
#pragma once

#include "xport/format.hpp"

namespace xport::formats {

class ClassificationFormat final : public Format {
 public:
  std::string_view name() const override { return "classification"; }
  std::string_view description() const override;
  std::span<const OptionSpec> options() const override;
  aaf::Fields fields() const override { return aaf::Fields::classifications; }
  aaf::KindSet geometry() const override { return {}; }
  std::unique_ptr<Conversion> start(FormatContext& context) const override;
};

}  // namespace xport::formats
