// libFuzzer target for the zip reader (untrusted: exports arrive as zips from the network):
// every entry of the input is listed and read to its end through small buffers, and
// open_first_entry() is exercised the way the AAF reader uses it. Malformed archives must
// end in InputError (or IoError), never in a crash, a hang or a leak.
#include <cstddef>
#include <cstdint>
#include <memory>
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
  return 0;
}
