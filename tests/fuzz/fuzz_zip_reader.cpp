// libFuzzer target for the zip reader (untrusted: exports arrive as zips from the network):
// every entry of the input is listed and read to its end through small buffers, and
// open_first_entry() is exercised the way the AAF reader uses it, and open_first_entry_file()
// (minizip + ISA-L on a thread of its own) on the same bytes in an in-memory file. Malformed
// archives must end in InputError (or IoError), never in a crash, a hang or a leak.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "xport/errors.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<char> buffer(4096);
  try {
    xport::MemorySource source(bytes, "fuzz.zip");
    xport::zip::Reader reader(source);
    // Bounded: a hostile archive may claim many entries.
    for (int entries = 0; entries < 64 && reader.next_entry(); ++entries) {
      (void)reader.name();
      (void)reader.size();
      std::size_t total = 0;
      while (std::size_t n = reader.read(buffer.data(), buffer.size())) {
        total += n;
        if (total > (64u << 20)) break;  // zip bombs: stop reading, not a bug
      }
    }
  } catch (const xport::InputError&) {
  } catch (const xport::IoError&) {
  }
  try {
    auto entry =
        xport::zip::open_first_entry(std::make_unique<xport::MemorySource>(bytes, "fuzz.zip"));
    std::size_t total = 0;
    while (std::size_t n = entry->read(buffer.data(), buffer.size())) {
      total += n;
      if (total > (64u << 20)) break;
    }
  } catch (const xport::InputError&) {
  } catch (const xport::IoError&) {
  }
  // The file path: a memfd, reached by name through /proc, so no disk is involved.
  static const int fd = ::memfd_create("fuzz.zip", MFD_CLOEXEC);
  if (fd < 0 || ::ftruncate(fd, 0) != 0 ||
      ::pwrite(fd, data, size, 0) != static_cast<ssize_t>(size))
    return 0;
  try {
    auto entry = xport::zip::open_first_entry_file("/proc/self/fd/" + std::to_string(fd));
    // Half the time, stop early: the producer thread must shut down cleanly mid-entry.
    const bool stop_early = size % 2 == 1;
    std::size_t total = 0;
    while (std::size_t n = entry->read(buffer.data(), buffer.size())) {
      total += n;
      if (total > (64u << 20) || (stop_early && total >= 8192)) break;
    }
  } catch (const xport::InputError&) {
  } catch (const xport::IoError&) {
  }
  return 0;
}
