#include "xport/aaf/reader.hpp"

namespace xport::aaf {

// The reader itself recognises a zip (and JSON array vs NDJSON) from the first bytes, so
// stdin and files need no hint from the caller.
std::unique_ptr<ByteSource> open_export(const std::string& path) {
  return open_file_source(path);
}

}  // namespace xport::aaf
