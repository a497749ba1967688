// The bridge between RawJson (xport/aaf/raw_json.hpp, no third-party types) and the simdjson
// DOM it wraps. Only for code inside xport that links xport::aaf and already works on the
// DOM itself (the `aaf` format rewrites assets from it); the SDK's users see RawJson only.
#pragma once

#include <simdjson.h>

#include "xport/aaf/raw_json.hpp"

namespace xport::aaf {

struct RawJsonAccess {
  static RawJson wrap(simdjson::dom::element element);
  static simdjson::dom::element unwrap(const RawJson& json);  // absent: an invalid element
  static RawJsonElementIterator wrap(simdjson::dom::array::iterator it);
  static RawJsonMemberIterator wrap(simdjson::dom::object::iterator it);
};

// The DOM element behind a RawJson (for example an Asset's raw()).
inline simdjson::dom::element dom_of(const RawJson& json) {
  return RawJsonAccess::unwrap(json);
}

}  // namespace xport::aaf
