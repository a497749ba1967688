#include "formats/common/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace xport::formats {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

std::string temp_dir() {
  const char* dir = std::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

}  // namespace

Spool::Spool() {
  std::string dir = temp_dir();
  fd_ = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd_ < 0) {  // file systems without O_TMPFILE: create, then unlink at once
    std::string path = dir + "/xport-spool-XXXXXX";
    std::vector<char> name(path.begin(), path.end());
    name.push_back('\0');
    fd_ = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd_ >= 0) ::unlink(name.data());
  }
  if (fd_ < 0)
    throw IoError("cannot create a temporary file in " + dir + ": " + std::strerror(errno));
  buffer_.reserve(kBufferBytes);
}

Spool::~Spool() {
  if (fd_ >= 0) ::close(fd_);
}

void Spool::write(std::string_view data) {
  size_ += data.size();
  if (buffer_.size() + data.size() > kBufferBytes) flush();
  if (data.size() >= kBufferBytes) {
    buffer_ = data;  // rare: one huge section
    flush();
    return;
  }
  buffer_ += data;
}

void Spool::flush() {
  const char* p = buffer_.data();
  std::size_t left = buffer_.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(std::string("cannot write a temporary file: ") + std::strerror(errno));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  buffer_.clear();
}

void Spool::copy_to(zip::Writer& zip) {
  flush();
  std::vector<char> chunk(kBufferBytes);
  off_t offset = 0;
  for (;;) {
    ssize_t n = ::pread(fd_, chunk.data(), chunk.size(), offset);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(std::string("cannot read a temporary file: ") + std::strerror(errno));
    }
    if (n == 0) break;
    zip.write(chunk.data(), static_cast<std::size_t>(n));
    offset += n;
  }
}

}  // namespace xport::formats
