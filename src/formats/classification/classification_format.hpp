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

}  // namespace xport::formats
