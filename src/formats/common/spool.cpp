#include "formats/common/spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "util/temp_file.hpp"

namespace xport::formats {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

}  // namespace

Spool::Spool() {
  fd_ = open_anonymous_temp_file("spool");
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
