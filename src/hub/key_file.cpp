#include "hub/key_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "hub/credentials.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
  throw IoError(what + " " + path.string() + ": " + std::strerror(errno));
}

// Writes `content` to a new 0600 temp file beside `path` and fsyncs it; returns its path.
std::filesystem::path write_temp(const std::filesystem::path& path, const std::string& content) {
  std::filesystem::create_directories(path.parent_path());
  auto temp = path;
  temp += ".tmp-" + new_id();
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) fail("cannot create", temp);
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      ::unlink(temp.c_str());
      fail("cannot write", temp);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp.c_str());
    fail("cannot write", temp);
  }
  return temp;
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read", path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

std::string load_or_create_key(const std::filesystem::path& path, std::size_t size) {
  if (!std::filesystem::exists(path)) {
    const auto temp = write_temp(path, random_bytes(size));
    // link() fails if another process created the key first: then its key is used.
    const int linked = ::link(temp.c_str(), path.c_str());
    const int link_errno = errno;
    ::unlink(temp.c_str());
    if (linked != 0 && link_errno != EEXIST) {
      errno = link_errno;
      fail("cannot create key file", path);
    }
  }
  std::string key = read_all(path);
  if (key.size() != size) {
    throw IoError("key file " + path.string() + " has " + std::to_string(key.size()) +
                  " bytes, expected " + std::to_string(size) +
                  " (damaged? remove it to start over)");
  }
  return key;
}

void write_private_file(const std::filesystem::path& path, const std::string& content) {
  const auto temp = write_temp(path, content);
  if (::rename(temp.c_str(), path.c_str()) != 0) {
    ::unlink(temp.c_str());
    fail("cannot write", path);
  }
}

}  // namespace xport::hub
