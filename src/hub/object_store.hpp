// Where run results and generated exports live: an interface (a local directory, or an
// S3-compatible bucket: src/s3). Objects are written whole or not at all: a reader never
// sees a partial object, and a failed or oversized upload leaves nothing behind.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "xport/errors.hpp"
#include "xport/io.hpp"

namespace xport::hub {

// An upload passed its size limit. HTTP: 413.
class ObjectTooLarge : public InputError {
 public:
  using InputError::InputError;
};

struct ObjectInfo {
  std::uint64_t size = 0;
  std::string sha256_hex;
};

// An object being written. write() as the bytes arrive (e.g. from an HTTP body), then
// commit(); destroyed without commit() (an error, a dropped connection), it discards
// everything. write() throws ObjectTooLarge past the limit, IoError on disk failures.
class ObjectWriter {
 public:
  virtual ~ObjectWriter() = default;
  virtual void write(const char* data, std::size_t size) = 0;
  // Makes the object visible under its key (replacing an older one) and returns its size
  // and SHA-256.
  virtual ObjectInfo commit() = 0;
};

class ObjectStore {
 public:
  virtual ~ObjectStore() = default;

  // Keys are relative paths: segments of [A-Za-z0-9._-] (not "." or ".."), joined by '/',
  // at most 512 characters. Anything else throws InputError (a key comes from a URL).
  static void check_key(std::string_view key);

  virtual std::unique_ptr<ObjectWriter> create(std::string_view key, std::uint64_t max_bytes) = 0;
  // Reads `source` to its end into the object (create + write + commit).
  ObjectInfo put(std::string_view key, ByteSource& source, std::uint64_t max_bytes);
  // The writer as a ByteSink (for the zip writer): close() commits.
  std::unique_ptr<ByteSink> sink(std::string_view key, std::uint64_t max_bytes);
  // Makes the complete file at `path` the object (the file is consumed: a rename where the
  // store can, else it is uploaded and removed).
  virtual void adopt_file(std::string_view key, const std::filesystem::path& path);
  // True when calls go over the network (S3): callers on a network thread hand them to a
  // worker instead of blocking the thread's other connections.
  virtual bool remote() const { return false; }
  // The object as a local file, when the store keeps it as one (the HTTP layer sends it
  // with sendfile); nullopt otherwise.
  virtual std::optional<std::filesystem::path> file_of(std::string_view key) {
    (void)key;
    return std::nullopt;
  }
  // Throws NotFound (hub/store.hpp) if there is no such object.
  virtual std::unique_ptr<ByteSource> open(std::string_view key) = 0;
  virtual bool exists(std::string_view key) = 0;
  virtual bool remove(std::string_view key) = 0;  // false if it was not there
  // Removes the objects under `prefix` ("exports/") last written before `before`; returns
  // how many. For objects that are only reachable through links that have expired.
  virtual std::size_t remove_older_than(std::string_view prefix,
                                        std::chrono::system_clock::time_point before) = 0;

  // Direct links: URLs whose holder may GET / PUT the object without the hub (S3 presigned
  // URLs), so that export and result bytes never pass through the hub. nullopt when the store
  // has none (a local directory: the hub's own signed /objects/ and /upload/ links serve it).
  // GET links make browsers save the file as `download_name`.
  virtual std::optional<std::string> presign_get(std::string_view key, std::chrono::seconds ttl,
                                                 std::string_view download_name) {
    (void)key, (void)ttl, (void)download_name;
    return std::nullopt;
  }
  virtual std::optional<std::string> presign_put(std::string_view key, std::chrono::seconds ttl) {
    (void)key, (void)ttl;
    return std::nullopt;
  }
  // The key a direct link of this store names, or nullopt when the URL is not one of its.
  virtual std::optional<std::string> key_of_url(std::string_view url) {
    (void)url;
    return std::nullopt;
  }
};

}  // namespace xport::hub
