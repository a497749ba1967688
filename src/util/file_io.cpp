// File and standard-stream ends of the data path.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "util/atomic_file.hpp"
#include "xport/io.hpp"

namespace xport {
namespace {

std::string errno_text() {
  return std::strerror(errno);
}

class FdSource final : public ByteSource {
 public:
  FdSource(int fd, std::string name, bool owned) : fd_(fd), name_(std::move(name)), owned_(owned) {
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && S_ISREG(st.st_mode))
      size_ = static_cast<std::uint64_t>(st.st_size);
#ifdef POSIX_FADV_SEQUENTIAL
    if (size_) ::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
#endif
  }
  ~FdSource() override {
    if (owned_) ::close(fd_);
  }
  std::size_t read(char* buffer, std::size_t capacity) override {
    for (;;) {
      ssize_t n = ::read(fd_, buffer, capacity);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno == EINTR) continue;
      throw IoError("cannot read " + name_ + ": " + errno_text());
    }
  }
  std::optional<std::uint64_t> size() const override {
    return size_;
  }
  std::string name() const override {
    return name_;
  }

 private:
  int fd_;
  std::string name_;
  bool owned_;
  std::optional<std::uint64_t> size_;
};

void write_all(int fd, const char* data, std::size_t size, const std::string& name) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError("cannot write " + name + ": " + errno_text());
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

class StdoutSink final : public ByteSink {
 public:
  void write(const char* data, std::size_t size) override {
    write_all(STDOUT_FILENO, data, size, name());
  }
  std::string name() const override { return "<stdout>"; }
};

// Writes to "<path>.xport-tmp-<random>" and renames over the target on close(), so a
// crash or an error never leaves a truncated result where a good one is expected.
class AtomicFileSink final : public ByteSink {
 public:
  explicit AtomicFileSink(const std::string& path) : file_(path, {}) {}
  void write(const char* data, std::size_t size) override { file_.write(data, size); }
  bool write_at(std::uint64_t offset, const char* data, std::size_t size) override {
    if (!file_.is_open()) return false;
    file_.write_at(offset, data, size);
    return true;
  }
  void close() override {
    if (file_.is_open()) file_.commit();
  }
  std::string name() const override { return file_.target().string(); }

 private:
  AtomicFile file_;
};

}  // namespace

std::unique_ptr<ByteSource> open_file_source(const std::string& path) {
  if (path == "-") return std::make_unique<FdSource>(STDIN_FILENO, "<stdin>", false);
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw IoError("cannot open " + path + ": " + errno_text());
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw IoError("cannot read " + path + ": is a directory");
  }
  return std::make_unique<FdSource>(fd, path, true);
}

std::unique_ptr<ByteSink> open_file_sink(const std::string& path) {
  if (path == "-") return std::make_unique<StdoutSink>();
  return std::make_unique<AtomicFileSink>(path);
}

std::size_t MemorySource::read(char* buffer, std::size_t capacity) {
  std::size_t n = std::min(capacity, data_.size() - pos_);
  std::memcpy(buffer, data_.data() + pos_, n);
  pos_ += n;
  return n;
}

}  // namespace xport
