#include "hub/object_store.hpp"

#include <vector>

namespace xport::hub {

void ObjectStore::check_key(std::string_view key) {
  auto bad = [&](const char* why) {
    throw InputError("bad object key '" + std::string(key.substr(0, 100)) + "': " + why);
  };
  if (key.empty() || key.size() > 512) bad("empty or longer than 512 characters");
  std::size_t start = 0;
  while (start <= key.size()) {
    const std::size_t end = std::min(key.find('/', start), key.size());
    const std::string_view segment = key.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") bad("empty, '.' or '..' segment");
    for (char c : segment) {
      const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (!allowed) bad("characters other than letters, digits, '.', '_', '-' and '/'");
    }
    start = end + 1;
  }
}

ObjectInfo ObjectStore::put(std::string_view key, ByteSource& source, std::uint64_t max_bytes) {
  auto writer = create(key, max_bytes);
  std::vector<char> buffer(1 << 16);
  while (const std::size_t n = source.read(buffer.data(), buffer.size())) {
    writer->write(buffer.data(), n);
  }
  return writer->commit();
}

}  // namespace xport::hub
