// Every entry of a zip, read with xport's own reader: name → content. For tests that look
// inside a result the real binary (or an in-process writer) produced.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::test {

// In archive order (the first entry matters: it is where the platform puts an export).
inline std::vector<std::pair<std::string, std::string>> zip_entries_in_order(ByteSource& source) {
  zip::Reader reader(source);
  std::vector<std::pair<std::string, std::string>> entries;
  while (reader.next_entry()) {
    std::string data;
    char buffer[65536];
    while (std::size_t n = reader.read(buffer, sizeof buffer))
      data.append(buffer, n);
    entries.emplace_back(reader.name(), std::move(data));
  }
  return entries;
}

inline std::map<std::string, std::string> zip_entries(const std::filesystem::path& file) {
  auto source = open_file_source(file.string());
  std::map<std::string, std::string> entries;
  for (auto& [name, data] : zip_entries_in_order(*source))
    entries[name] = std::move(data);
  return entries;
}

}  // namespace xport::test
