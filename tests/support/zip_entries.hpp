// Every entry of a zip file, read with xport's own reader: name → content. For tests that
// look inside a result the real binary produced.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::test {

inline std::map<std::string, std::string> zip_entries(const std::filesystem::path& file) {
  auto source = open_file_source(file.string());
  zip::Reader reader(*source);
  std::map<std::string, std::string> entries;
  while (reader.next_entry()) {
    std::string data;
    char buffer[65536];
    while (std::size_t n = reader.read(buffer, sizeof buffer))
      data.append(buffer, n);
    entries[reader.name()] = data;
  }
  return entries;
}

}  // namespace xport::test
