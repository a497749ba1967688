// ObjectStore on a local directory: objects at ROOT/objects/<key>, uploads in progress at
// ROOT/tmp/ (same file system, so the final rename is atomic). Temp files left by a crash
// are removed when the store opens.
#pragma once

#include <filesystem>

#include "hub/object_store.hpp"

namespace xport::hub {

class LocalObjectStore final : public ObjectStore {
 public:
  explicit LocalObjectStore(std::filesystem::path root);

  std::unique_ptr<ObjectWriter> create(std::string_view key, std::uint64_t max_bytes) override;
  std::unique_ptr<ByteSource> open(std::string_view key) override;
  bool exists(std::string_view key) override;
  bool remove(std::string_view key) override;
  std::size_t remove_older_than(std::string_view prefix,
                                std::chrono::system_clock::time_point before) override;

  void adopt_file(std::string_view key, const std::filesystem::path& path) override;
  std::optional<std::filesystem::path> file_of(std::string_view key) override;

  std::filesystem::path path_of(std::string_view key) const;  // checks the key

 private:
  std::filesystem::path root_;
};

}  // namespace xport::hub
