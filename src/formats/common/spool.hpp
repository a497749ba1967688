// A temporary file for output sections that must be written out of order: formats whose
// result is one document (COCO's images/annotations/categories, CVAT's meta before its
// images) spool sections here as they stream, then stitch them into the zip in order.
// Memory stays bounded whatever the export's size.
#pragma once

#include <cstdint>
#include <string_view>

#include "xport/zip.hpp"

namespace xport::formats {

class Spool {
 public:
  // An anonymous file in $TMPDIR (or /tmp), deleted when the Spool goes away.
  Spool();
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  void write(std::string_view data);
  std::uint64_t size() const { return size_; }
  // Appends everything written so far to the zip's current entry.
  void copy_to(zip::Writer& zip);

 private:
  void flush();
  int fd_ = -1;
  std::uint64_t size_ = 0;
  std::string buffer_;
};

}  // namespace xport::formats
