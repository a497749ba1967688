#include "formats/coco/section_spool.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "util/temp_file.hpp"
#include "xport/errors.hpp"

namespace xport::formats::coco {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

void write_all(int fd, const char* p, std::size_t left) {
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(std::string("cannot write a temporary file: ") + std::strerror(errno));
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

}  // namespace

SectionSpool::SectionSpool() {
  fd_ = open_anonymous_temp_file("coco");
}

SectionSpool::~SectionSpool() {
  if (fd_ >= 0) ::close(fd_);
}

void SectionSpool::append(std::size_t split, std::string_view data) {
  if (data.empty()) return;
  if (split >= segments_.size()) segments_.resize(split + 1);
  auto& list = segments_[split];
  if (!list.empty() && list.back().offset + list.back().length == size_) {
    list.back().length += data.size();
  } else {
    list.push_back({size_, data.size()});
  }
  size_ += data.size();
  if (buffer_.size() + data.size() > kBufferBytes) flush();
  if (data.size() >= kBufferBytes) {
    write_all(fd_, data.data(), data.size());  // large pieces bypass the buffer
    return;
  }
  if (buffer_.capacity() < kBufferBytes) buffer_.reserve(kBufferBytes);
  buffer_ += data;
}

void SectionSpool::flush() {
  write_all(fd_, buffer_.data(), buffer_.size());
  buffer_.clear();
}

void SectionSpool::copy_to(zip::Writer& zip, std::size_t split) {
  flush();
  if (split >= segments_.size()) return;
  std::vector<char> chunk(kBufferBytes);
  for (const Segment& s : segments_[split]) {
    std::uint64_t done = 0;
    while (done < s.length) {
      std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(chunk.size(), s.length - done));
      ssize_t n = ::pread(fd_, chunk.data(), want, static_cast<off_t>(s.offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw IoError(std::string("cannot read a temporary file: ") + std::strerror(errno));
      }
      if (n == 0) throw IoError("a temporary file ended early");
      zip.write(chunk.data(), static_cast<std::size_t>(n));
      done += static_cast<std::uint64_t>(n);
    }
  }
}

}  // namespace xport::formats::coco
