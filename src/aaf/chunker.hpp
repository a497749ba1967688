// Cuts an export stream into chunks of whole assets.
//
// The chunker is the only part of the reader that sees the byte stream: it fills a
// padded buffer from the source, finds where each asset's JSON text starts and ends
// (NDJSON lines, or the top-level elements of a JSON array), and carries an incomplete
// trailing asset over into the next chunk. Parsing happens elsewhere, possibly on other
// threads, straight out of the chunk's buffer (simdjson needs the padding after it).
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "xport/aaf/reader.hpp"

namespace xport::aaf {

struct DocSpan {
  std::uint32_t offset = 0;  // into Chunk::data()
  std::uint32_t size = 0;
  Location location{};
};

class Chunk {
 public:
  char* data() { return data_.get(); }
  const char* data() const { return data_.get(); }
  std::size_t capacity() const { return capacity_; }
  // Grows the buffer to hold at least `bytes` (plus simdjson's padding), keeping the first
  // `keep` bytes.
  void reserve(std::size_t wanted, std::size_t keep);

  std::size_t size = 0;
  std::vector<DocSpan> docs;
  std::vector<Problem> problems;  // stream-level problems found while cutting this chunk
  std::uint64_t sequence = 0;
  std::uint64_t bytes = 0;  // input bytes this chunk accounts for (for progress)

 private:
  std::unique_ptr<char[]> data_;
  std::size_t capacity_ = 0;
};

class Chunker {
 public:
  Chunker(std::unique_ptr<ByteSource> source, const ReadOptions& options);
  ~Chunker();

  // Fills `chunk` with the next assets; false when the input is exhausted (the chunk may
  // still carry final problems then: check chunk.problems). Throws IoError.
  bool next(Chunk& chunk);
  InputKind kind() const { return kind_; }
  std::uint64_t bytes_read() const { return stream_offset_; }
  const std::string& source_name() const { return name_; }

 private:
  struct ArrayScan;

  void detect();
  std::size_t fill(Chunk& chunk, std::size_t filled);
  bool next_ndjson(Chunk& chunk);
  bool next_array(Chunk& chunk);
  void split_lines(Chunk& chunk, std::size_t end);
  std::size_t scan_array(Chunk& chunk, std::size_t begin, std::size_t end);
  std::size_t scan_in_value(Chunk& chunk, std::size_t pos, std::size_t end);
  std::size_t scan_between(Chunk& chunk, std::size_t pos);
  void start_value(const char* data, std::size_t at);
  void add_doc(Chunk& chunk, std::size_t begin, std::size_t end, std::uint64_t line);
  void take_carry(Chunk& chunk);
  void keep_carry(const Chunk& chunk, std::size_t from, std::size_t to);
  void finish_array(Chunk& chunk, std::size_t filled);
  bool grow_or_discard(Chunk& chunk, std::size_t& filled);
  void discard_oversized(Chunk& chunk);
  void report_oversized(Chunk& chunk, std::uint64_t line, std::uint64_t offset);
  void stream_problem(Chunk& chunk, std::uint64_t line, std::uint64_t offset, std::string reason);

  std::unique_ptr<ByteSource> source_;
  ReadOptions options_;
  std::string name_;
  InputKind kind_ = InputKind::empty;
  bool eof_ = false;
  bool finished_ = false;

  std::vector<char> carry_;           // bytes read but not yet handed out (start of next chunk)
  std::uint64_t carry_offset_ = 0;    // stream offset of carry_[0]
  std::uint64_t carry_line_ = 1;      // line number at carry_[0]
  std::uint64_t stream_offset_ = 0;   // bytes consumed from the source
  std::uint64_t elements_ = 0;        // documents found so far
  std::uint64_t reported_bytes_ = 0;  // bytes already accounted to chunks

  std::uint64_t chunk_offset_ = 0;  // stream offset of the current chunk's byte 0
  std::uint64_t chunk_line_ = 1;    // line number at the current chunk's byte 0
  std::size_t carry_scanned_ = 0;   // JSON array: carried bytes the scanner has seen
  std::optional<Problem> fatal_;    // found by detect(), handed out by the first next()

  std::unique_ptr<ArrayScan> array_;  // state of the JSON-array scanner
};

}  // namespace xport::aaf
