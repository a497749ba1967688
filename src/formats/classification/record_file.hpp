// A temporary file of length-prefixed records, written once and then read back in order:
// the classification table's rows wait here until the header (which needs every question)
// can be written. Memory stays bounded whatever the export's size.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace xport::formats {

class RecordFile {
 public:
  // An anonymous file in $TMPDIR (or /tmp), deleted when closed.
  RecordFile();
  ~RecordFile();
  RecordFile(const RecordFile&) = delete;
  RecordFile& operator=(const RecordFile&) = delete;

  void write(std::uint32_t tag, std::string_view data);
  // Switches to reading from the start; then next() yields the records in order.
  void rewind();
  bool next(std::uint32_t& tag, std::string& data);

 private:
  std::FILE* file_ = nullptr;
};

}  // namespace xport::formats
