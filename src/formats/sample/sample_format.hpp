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

}  // namespace xport::formats
