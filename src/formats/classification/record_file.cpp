#include "formats/classification/record_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "xport/errors.hpp"

namespace xport::formats {
namespace {

[[noreturn]] void fail(const char* what) {
  throw IoError(std::string("temporary file: ") + what + ": " + std::strerror(errno));
}

// In $TMPDIR like formats::Spool, so that users who move large spools elsewhere move
// this one too.
std::FILE* open_anonymous() {
  const char* env = std::getenv("TMPDIR");
  const std::string dir = env && *env ? env : "/tmp";
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {  // file systems without O_TMPFILE: create, then unlink at once
    std::string path = dir + "/xport-records-XXXXXX";
    std::vector<char> name(path.begin(), path.end());
    name.push_back('\0');
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(name.data());
  }
  if (fd < 0) fail(("cannot create in " + dir).c_str());
  std::FILE* file = ::fdopen(fd, "w+b");
  if (!file) {
    ::close(fd);
    fail("cannot open");
  }
  return file;
}

}  // namespace

RecordFile::RecordFile() : file_(open_anonymous()) {}

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
