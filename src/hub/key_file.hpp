// Server keys kept in the data dir (the secret-sealing key, the URL-signing key):
// generated on first start, then read back, so secrets and signed links survive restarts.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>

namespace xport::hub {

// Returns the key in `path`, creating it with `size` random bytes and mode 0600 if it does
// not exist. Creation is atomic (temp file + fsync + link), so two processes starting at
// once end up with the same key. Throws IoError if the file has another size or cannot be
// read or written.
std::string load_or_create_key(const std::filesystem::path& path, std::size_t size);

// Writes `content` to `path` with mode 0600, atomically (temp + fsync + rename), replacing
// any older file. For secrets handed to the operator (admin-api-key).
void write_private_file(const std::filesystem::path& path, const std::string& content);

}  // namespace xport::hub
