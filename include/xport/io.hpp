// Byte sources and sinks: the two ends of every xport data path (files, stdin/stdout,
// zip entries, and later HTTP bodies). Kept virtual and chunk-oriented so that nothing on
// the path needs the whole input or output in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "xport/errors.hpp"

namespace xport {

// Where bytes come from. read() fills up to `capacity` bytes and returns how many it wrote;
// 0 means end of input. Throws IoError on failure.
class ByteSource {
 public:
  virtual ~ByteSource() = default;
  virtual std::size_t read(char* buffer, std::size_t capacity) = 0;
  // Total size when known up front (regular files); used for progress and ETA only.
  virtual std::optional<std::uint64_t> size() const { return std::nullopt; }
  // Human-readable name for messages: a path, "<stdin>", "export.zip:export.ndjson".
  virtual std::string name() const = 0;
};

// Where bytes go. close() flushes and commits; a sink destroyed without close() discards
// what it can (a file sink removes its temporary file), so a failed run leaves no
// half-written result behind. Throws IoError on failure.
class ByteSink {
 public:
  virtual ~ByteSink() = default;
  virtual void write(const char* data, std::size_t size) = 0;
  void write(std::string_view text) { write(text.data(), text.size()); }
  virtual void close() {}
  virtual std::string name() const = 0;
  // Overwrites bytes already written, at `offset` (offset + size must not pass the end).
  // Sinks that can (files, memory) return true; streams return false. Lets the zip writer
  // patch headers in place instead of going through a temporary file.
  virtual bool write_at(std::uint64_t offset, const char* data, std::size_t size) {
    (void)offset, (void)data, (void)size;
    return false;
  }
};

// Opens a file for reading; "-" is standard input.
std::unique_ptr<ByteSource> open_file_source(const std::string& path);

// Creates a file sink; "-" is standard output. A regular file is written to a temporary
// name beside it and renamed over `path` on close(), so readers never see a partial file.
std::unique_ptr<ByteSink> open_file_sink(const std::string& path);

// A sink that appends to a std::string (tests, small in-memory results).
class StringSink final : public ByteSink {
 public:
  void write(const char* data, std::size_t size) override { data_.append(data, size); }
  bool write_at(std::uint64_t offset, const char* data, std::size_t size) override {
    if (offset + size > data_.size()) return false;
    if (size) data_.replace(offset, size, data, size);
    return true;
  }
  std::string name() const override { return "<memory>"; }
  const std::string& data() const { return data_; }

 private:
  std::string data_;
};

// A source over a caller-owned memory buffer (tests, in-memory exports).
class MemorySource final : public ByteSource {
 public:
  explicit MemorySource(std::string_view data, std::string name = "<memory>")
      : data_(data), name_(std::move(name)) {}
  std::size_t read(char* buffer, std::size_t capacity) override;
  std::optional<std::uint64_t> size() const override { return data_.size(); }
  std::string name() const override { return name_; }

 private:
  std::string_view data_;
  std::size_t pos_ = 0;
  std::string name_;
};

}  // namespace xport
