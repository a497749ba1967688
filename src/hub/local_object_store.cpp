#include "hub/local_object_store.hpp"

#include <openssl/evp.h>

#include "hub/credentials.hpp"
#include "hub/store.hpp"
#include "util/atomic_file.hpp"

namespace xport::hub {

namespace fs = std::filesystem;

namespace {

// Uploads are written to root/tmp and renamed into objects/ on commit (fsync of the file
// and of its directory, so that a committed object survives a crash).
class LocalWriter final : public ObjectWriter {
 public:
  // `key`: what errors call the object (never the server's path: they reach plugins).
  LocalWriter(fs::path temp, fs::path target, std::string_view key, std::uint64_t max_bytes)
      : file_(std::move(target), {.mode = 0600,
                                  .durable = true,
                                  .temp = std::move(temp),
                                  .name = "object " + std::string(key)}),
        max_bytes_(max_bytes),
        digest_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!digest_ || EVP_DigestInit_ex(digest_.get(), EVP_sha256(), nullptr) != 1) {
      throw IoError("OpenSSL: cannot start SHA-256");
    }
  }

  void write(const char* data, std::size_t size) override {
    if (!file_.is_open()) throw IoError("write after commit or failure of the object");
    if (size > max_bytes_ - size_) {
      file_.discard();  // frees the disk space at once
      throw ObjectTooLarge("upload larger than the limit of " + std::to_string(max_bytes_) +
                           " bytes");
    }
    EVP_DigestUpdate(digest_.get(), data, size);
    try {
      file_.write(data, size);
    } catch (...) {
      file_.discard();
      throw;
    }
    size_ += size;
  }

  ObjectInfo commit() override {
    if (!file_.is_open()) throw IoError("commit after commit or failure of the object");
    file_.commit();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    EVP_DigestFinal_ex(digest_.get(), md, &length);
    return ObjectInfo{size_, to_hex(std::string_view(reinterpret_cast<char*>(md), length))};
  }

 private:
  AtomicFile file_;
  std::uint64_t max_bytes_;
  std::uint64_t size_ = 0;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> digest_;
};

}  // namespace

LocalObjectStore::LocalObjectStore(fs::path root) : root_(std::move(root)) {
  fs::create_directories(root_ / "objects");
  // Uploads that were in progress when the process died: never committed, never visible.
  std::error_code ignored;
  fs::remove_all(root_ / "tmp", ignored);
  fs::create_directories(root_ / "tmp");
}

fs::path LocalObjectStore::path_of(std::string_view key) const {
  check_key(key);
  return root_ / "objects" / fs::path(std::string(key));
}

std::unique_ptr<ObjectWriter> LocalObjectStore::create(std::string_view key,
                                                       std::uint64_t max_bytes) {
  auto target = path_of(key);
  return std::make_unique<LocalWriter>(root_ / "tmp" / new_id(), std::move(target), key, max_bytes);
}

void LocalObjectStore::adopt_file(std::string_view key, const fs::path& path) {
  const fs::path dest = path_of(key);
  fs::create_directories(dest.parent_path());
  std::error_code ec;
  fs::rename(path, dest, ec);  // the same file system: atomic, no copy
  if (ec) ObjectStore::adopt_file(key, path);
}

std::optional<fs::path> LocalObjectStore::file_of(std::string_view key) {
  fs::path path = path_of(key);
  if (!fs::is_regular_file(path)) return std::nullopt;
  return path;
}

std::unique_ptr<ByteSource> LocalObjectStore::open(std::string_view key) {
  const auto path = path_of(key);
  if (!fs::is_regular_file(path)) throw NotFound("no object " + std::string(key));
  return open_file_source(path.string());
}

bool LocalObjectStore::exists(std::string_view key) {
  return fs::is_regular_file(path_of(key));
}

bool LocalObjectStore::remove(std::string_view key) {
  const auto path = path_of(key);
  if (!fs::is_regular_file(path)) return false;
  return fs::remove(path);
}

std::size_t LocalObjectStore::remove_older_than(std::string_view prefix,
                                                std::chrono::system_clock::time_point before) {
  std::string dir(prefix);
  while (!dir.empty() && dir.back() == '/')
    dir.pop_back();
  const fs::path top = path_of(dir);
  std::error_code ec;
  if (!fs::is_directory(top, ec)) return 0;
  // file_time_type's clock is not system_clock: compare ages, not time points.
  const auto age_limit = std::chrono::system_clock::now() - before;
  const auto file_now = fs::file_time_type::clock::now();
  std::size_t removed = 0;
  for (auto it = fs::recursive_directory_iterator(top, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    std::error_code entry_ec;
    // Directories stay: an export being written may have just created its own.
    if (it->is_directory(entry_ec)) continue;
    const auto written = it->last_write_time(entry_ec);
    if (entry_ec || file_now - written < age_limit) continue;
    if (fs::remove(it->path(), entry_ec)) ++removed;
  }
  return removed;
}

}  // namespace xport::hub
