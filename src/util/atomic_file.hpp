// A file that appears whole or not at all: written under a temporary name, then renamed
// (or linked) over its target. The one implementation behind file sinks (open_file_sink),
// the hub's object store and its key files.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace xport {

class AtomicFile {
 public:
  struct Options {
    mode_t mode = 0644;
    // fsync the file before the rename and its directory after it (survives power loss).
    bool durable = false;
    // The temporary file; empty: "<target>.xport-tmp-<random>" beside the target. Must be
    // on the target's file system.
    std::filesystem::path temp;
    // What error messages call the file; empty: its path. The hub's object store names the
    // object's key, so that a plugin told why its upload failed learns nothing of the
    // server's directories.
    std::string name;
  };

  // Creates the temporary file (O_EXCL). Throws IoError.
  AtomicFile(std::filesystem::path target, Options options);
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;
  // Removes the temporary file unless committed.
  ~AtomicFile();

  void write(const char* data, std::size_t size);
  void write_at(std::uint64_t offset, const char* data, std::size_t size);
  // Closes (fsync first when durable) and renames over the target, creating its parent
  // directories. Throws IoError; the temporary file is gone either way.
  void commit();
  // Like commit() but never replaces: links the file to the target; false (and nothing
  // written) when the target exists already.
  bool commit_if_absent();
  // Closes and removes the temporary file now (frees its space); later writes throw.
  void discard();

  bool is_open() const { return fd_ >= 0; }
  bool committed() const { return committed_; }
  const std::filesystem::path& target() const { return target_; }
  const std::filesystem::path& temp() const { return temp_; }

 private:
  void close_for_commit();
  void remove_temp();

  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::string name_;  // in error messages
  bool durable_;
  int fd_ = -1;
  bool committed_ = false;
  bool temp_exists_ = false;
};

// Writes `content` to `path` at once through an AtomicFile (durable), replacing any file.
void write_file_atomically(const std::filesystem::path& path, std::string_view content,
                           mode_t mode = 0644);

}  // namespace xport
