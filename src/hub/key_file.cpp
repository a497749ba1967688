#include "hub/key_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "hub/credentials.hpp"
#include "util/atomic_file.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path) {
  throw IoError(what + " " + path.string() + ": " + std::strerror(errno));
}

std::string read_all(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail("cannot read", path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

std::string load_or_create_key(const std::filesystem::path& path, std::size_t size) {
  if (!std::filesystem::exists(path)) {
    std::filesystem::create_directories(path.parent_path());
    AtomicFile file(path, {.mode = 0600, .durable = true, .temp = {}, .name = {}});
    const std::string key = random_bytes(size);
    file.write(key.data(), key.size());
    // Never replaces: if another process created the key first, its key is used.
    file.commit_if_absent();
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
  std::filesystem::create_directories(path.parent_path());
  write_file_atomically(path, content, 0600);
}

}  // namespace xport::hub
