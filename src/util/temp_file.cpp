#include "util/temp_file.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "xport/errors.hpp"

namespace xport {

std::string temp_directory() {
  const char* dir = std::getenv("TMPDIR");
  return dir && *dir ? dir : "/tmp";
}

int open_anonymous_temp_file(std::string_view tag) {
  const std::string dir = temp_directory();
  int fd = ::open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {  // file systems without O_TMPFILE: create, then unlink at once
    std::string name = dir + "/xport-" + std::string(tag) + "-XXXXXX";
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd >= 0) ::unlink(name.c_str());
  }
  if (fd < 0)
    throw IoError("cannot create a temporary file in " + dir + ": " + std::strerror(errno));
  return fd;
}

std::FILE* open_anonymous_temp_stream(std::string_view tag) {
  const int fd = open_anonymous_temp_file(tag);
  std::FILE* file = ::fdopen(fd, "w+b");
  if (!file) {
    const int saved = errno;
    ::close(fd);
    throw IoError(std::string("cannot open a temporary file: ") + std::strerror(saved));
  }
  return file;
}

}  // namespace xport
