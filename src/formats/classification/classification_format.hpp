// `classification`: image-classification tables.
//
// Output: `<projectId>.csv`, one row per asset (asset, externalId, assetId, line, then one
// column per task-level classification question, in first-appearance order), and, when
// the Config JSON names a "question", `labels.txt` (ImageNet style:
// `<externalId> TAB <answer>` per asset).
#pragma once

#include <optional>
#include <string>

#include "xport/typed_format.hpp"

namespace xport::formats {

struct ClassificationOptions {
  // The task-level radio question whose answers become labels.txt; none: no labels.txt.
  std::optional<std::string> question;
  static const OptionList<ClassificationOptions>& declarations();
};

class ClassificationFormat final : public TypedFormat<ClassificationOptions> {
 public:
  std::string_view name() const override { return "classification"; }
  std::string_view description() const override;
  aaf::Fields fields() const override { return aaf::Fields::classifications; }
  aaf::KindSet geometry() const override { return {}; }
  std::unique_ptr<Conversion> start_with(FormatContext& context,
                                         ClassificationOptions options) const override;
};

}  // namespace xport::formats
