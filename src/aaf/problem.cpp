#include <fmt/format.h>

#include "xport/aaf/reader.hpp"

namespace xport::aaf {

std::string Problem::to_string() const {
  std::string out = fmt::format("{}:{}: ", source, where.line);
  if (fatal) {
    out += fmt::format("byte {}: ", where.byte_offset);
  } else {
    out += fmt::format("asset {} (byte {}): ", where.element, where.byte_offset);
  }
  if (!path.empty()) out += path + ": ";
  out += reason;
  return out;
}

}  // namespace xport::aaf
