#include "formats/classification/record_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "util/temp_file.hpp"
#include "xport/errors.hpp"

namespace xport::formats {
namespace {

[[noreturn]] void fail(const char* what) {
  throw IoError(std::string("temporary file: ") + what + ": " + std::strerror(errno));
}

}  // namespace

RecordFile::RecordFile() : file_(open_anonymous_temp_stream("records")) {}

RecordFile::~RecordFile() {
  std::fclose(file_);
}

void RecordFile::write(std::uint32_t tag, std::string_view data) {
  const std::uint64_t size = data.size();
  if (std::fwrite(&tag, sizeof tag, 1, file_) != 1 ||
      std::fwrite(&size, sizeof size, 1, file_) != 1 ||
      std::fwrite(data.data(), 1, data.size(), file_) != data.size())
    fail("cannot write");
}

void RecordFile::rewind() {
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0) fail("cannot rewind");
}

bool RecordFile::next(std::uint32_t& tag, std::string& data) {
  std::uint64_t size = 0;
  if (std::fread(&tag, sizeof tag, 1, file_) != 1) {
    if (std::ferror(file_)) fail("cannot read");
    return false;
  }
  if (std::fread(&size, sizeof size, 1, file_) != 1) fail("cannot read (truncated)");
  data.resize(size);
  if (std::fread(data.data(), 1, size, file_) != size) fail("cannot read (truncated)");
  return true;
}

}  // namespace xport::formats
