// A bounded in-memory pipe between two threads: one side writes bytes as they are produced
// (rows from a database, a download arriving), the other reads them as a ByteSource (the
// AAF reader, a converter). It lets a producer that pushes and a consumer that pulls run
// at the same time in constant memory, instead of meeting in a temporary file.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "xport/io.hpp"

namespace xport {

class BytePipe {
 public:
  explicit BytePipe(std::size_t capacity = std::size_t{4} << 20, std::string name = "<pipe>");
  BytePipe(const BytePipe&) = delete;
  BytePipe& operator=(const BytePipe&) = delete;

  // Producer side. write() blocks while the pipe is full; it throws IoError once the reader
  // has cancelled (so a producer stops when nobody wants its bytes any more).
  void write(const char* data, std::size_t size);
  void write(std::string_view text) { write(text.data(), text.size()); }
  // End of input: the reader gets what is buffered, then 0.
  void close();
  // The producer failed: the reader gets IoError(message) after what is buffered.
  void fail(std::string message);

  // Consumer side: read() blocks until bytes, end of input or failure. The source must not
  // outlive the pipe.
  std::unique_ptr<ByteSource> source();
  // The reader gives up: pending and later write() calls throw IoError.
  void cancel();

 private:
  class Source;
  std::size_t read(char* buffer, std::size_t capacity);

  const std::string name_;
  std::mutex mutex_;
  std::condition_variable readable_;
  std::condition_variable writable_;
  std::vector<char> ring_;
  std::size_t head_ = 0;   // next byte to read
  std::size_t count_ = 0;  // bytes buffered
  bool closed_ = false;
  bool cancelled_ = false;
  std::optional<std::string> failure_;
};

}  // namespace xport
