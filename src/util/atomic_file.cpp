#include "util/atomic_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>
#include <string_view>

#include "xport/errors.hpp"

namespace xport {
namespace {

namespace fs = std::filesystem;

[[noreturn]] void fail(const std::string& what, const std::string& name, int error) {
  throw IoError(what + " " + name + ": " + std::strerror(error));
}

// fsync of a directory makes a rename in it durable.
void sync_directory(const fs::path& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;  // best effort: the data itself is already synced
  ::fsync(fd);
  ::close(fd);
}

fs::path beside(const fs::path& target) {
  std::random_device rd;
  fs::path temp = target;
  temp += ".xport-tmp-" + std::to_string(rd());
  return temp;
}

}  // namespace

AtomicFile::AtomicFile(fs::path target, Options options)
    : target_(std::move(target)),
      temp_(options.temp.empty() ? beside(target_) : std::move(options.temp)),
      name_(options.name.empty() ? target_.string() : std::move(options.name)),
      durable_(options.durable) {
  fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, options.mode);
  if (fd_ < 0) fail("cannot create", name_, errno);
  temp_exists_ = true;
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) ::close(fd_);
  remove_temp();
}

void AtomicFile::remove_temp() {
  if (temp_exists_) ::unlink(temp_.c_str());
  temp_exists_ = false;
}

void AtomicFile::write(const char* data, std::size_t size) {
  if (fd_ < 0) throw IoError("write to closed file " + name_);
  while (size > 0) {
    const ssize_t n = ::write(fd_, data, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", name_, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
}

void AtomicFile::write_at(std::uint64_t offset, const char* data, std::size_t size) {
  if (fd_ < 0) throw IoError("write to closed file " + name_);
  while (size > 0) {
    const ssize_t n = ::pwrite(fd_, data, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      fail("cannot write", name_, errno);
    }
    data += n;
    size -= static_cast<std::size_t>(n);
    offset += static_cast<std::uint64_t>(n);
  }
}

void AtomicFile::close_for_commit() {
  if (fd_ < 0) throw IoError("commit of a closed file " + name_);
  const int fd = fd_;
  fd_ = -1;
  if (durable_ && ::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    remove_temp();
    fail("cannot sync", name_, error);
  }
  if (::close(fd) != 0) {
    const int error = errno;
    remove_temp();
    fail("cannot write", name_, error);
  }
  std::error_code ec;
  if (target_.has_parent_path()) fs::create_directories(target_.parent_path(), ec);
  if (ec) {
    remove_temp();
    throw IoError("cannot create the directory of " + name_ + ": " + ec.message());
  }
}

void AtomicFile::commit() {
  close_for_commit();
  if (::rename(temp_.c_str(), target_.c_str()) != 0) {
    const int error = errno;
    remove_temp();
    throw IoError("cannot rename the temporary file to " + name_ + ": " + std::strerror(error));
  }
  temp_exists_ = false;
  committed_ = true;
  if (durable_) sync_directory(target_.parent_path());
}

bool AtomicFile::commit_if_absent() {
  close_for_commit();
  const int linked = ::link(temp_.c_str(), target_.c_str());
  const int error = errno;
  remove_temp();
  if (linked != 0 && error == EEXIST) return false;
  if (linked != 0) fail("cannot create", name_, error);
  committed_ = true;
  if (durable_) sync_directory(target_.parent_path());
  return true;
}

void AtomicFile::discard() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  remove_temp();
}

void write_file_atomically(const fs::path& path, std::string_view content, mode_t mode) {
  AtomicFile file(path, {.mode = mode, .durable = true, .temp = {}, .name = {}});
  file.write(content.data(), content.size());
  file.commit();
}

}  // namespace xport
