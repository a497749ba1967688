// The fast path of zip::open_first_entry_file(), exposed to the unit tests so they can tell
// it from the libarchive fallback.
#pragma once

#include <memory>
#include <string>

#include "xport/io.hpp"

namespace xport::zip::detail {

// The first file entry of the zip archive at `path`, read through the central directory
// (minizip) and inflated by ISA-L on a thread of its own. nullptr when this path does not
// apply and the caller should stream the archive instead: not a regular file, no readable
// central directory, no file entry, an encrypted entry or a method other than store and
// deflate, a local header that disagrees with the central directory, data past the end of
// the file. Throws only for failures of the system (threads, memory).
std::unique_ptr<ByteSource> open_first_entry_fast(const std::string& path);

}  // namespace xport::zip::detail
