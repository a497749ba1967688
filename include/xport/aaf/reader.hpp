// Streaming readers of AAF exports.
//
// Input: NDJSON (one asset per line), a JSON array of assets, or a zip archive whose first
// entry is either (the platform's transport form); from a file or standard input;
// detected from the first bytes. A UTF-8 BOM, CRLF line ends and blank lines are accepted.
//
// Two ways to read:
//   * Reader: one asset at a time on the calling thread (`for (const Asset& a : reader)`).
//   * read_parallel(): assets parsed and consumed on a pool of worker threads, in chunks,
//     with results committed in input order; what converters use.
// Both hold at most a few chunks of the input in memory, whatever the export's size.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <memory>
#include <string>

#include "xport/aaf/model.hpp"
#include "xport/io.hpp"

namespace xport::aaf {

// Which parts of an asset the reader extracts. Asking for less reads faster: what is
// not asked for is skipped without being decoded (it stays reachable through raw()).
enum class Fields : std::uint32_t {
  basic = 0,  // asset-level fields and task ids/stage
  objects = 1,
  classifications = 2,  // task-level and nested under objects
  relations = 4,
  stage_history = 8,
  all = 15,
};
constexpr Fields operator|(Fields a, Fields b) {
  return static_cast<Fields>(static_cast<std::uint32_t>(a) | static_cast<std::uint32_t>(b));
}
constexpr bool has(Fields set, Fields f) {
  return (static_cast<std::uint32_t>(set) & static_cast<std::uint32_t>(f)) != 0;
}

// A set of object kinds: which geometries the reader decodes. Objects of other kinds keep
// their kind and everything else, but their geometry accessors throw std::logic_error
// (a format that reads a geometry it did not ask for is a bug, never silently empty).
class KindSet {
 public:
  constexpr KindSet() = default;
  constexpr KindSet(std::initializer_list<ObjectKind> kinds) {
    for (ObjectKind k : kinds)
      bits_ |= bit(k);
  }
  static constexpr KindSet all() {
    KindSet s;
    s.bits_ = ~0u;
    return s;
  }
  constexpr bool contains(ObjectKind k) const { return (bits_ & bit(k)) != 0; }

 private:
  static constexpr std::uint32_t bit(ObjectKind k) { return 1u << static_cast<unsigned>(k); }
  std::uint32_t bits_ = 0;
};

enum class InputKind { ndjson, json_array, empty };

// Something wrong with the input: a malformed asset, or a malformed stream.
struct Problem {
  std::string source;  // the input's name
  Location where{};    // line/element/byte of the asset (or of the stream position)
  std::string path;    // field inside the asset ("task.tools[3].bounding-box.x"), may be empty
  std::string reason;
  bool fatal = false;    // the stream itself is broken: nothing after this point was read
  bool warning = false;  // tolerated (e.g. a trailing comma): nothing was skipped
  // "export.ndjson:12: asset 11 (byte 40213): task.tools[3].bounding-box.x: expected a number"
  std::string to_string() const;
};

enum class OnError {
  skip,  // report the problem through on_problem, skip the asset, go on
  stop,  // report it and throw InputError
};

struct ReadOptions {
  Fields fields = Fields::all;
  KindSet geometry = KindSet::all();  // with Fields::objects: which geometries to decode
  OnError on_error = OnError::skip;
  // Also check each asset's whole JSON text (not just the fields read), as
  // `xport validate` does. Costs a full parse per asset.
  bool validate = false;
  std::size_t chunk_bytes = std::size_t{4} << 20;
  // A single asset larger than this is reported and skipped instead of read.
  std::size_t max_asset_bytes = std::size_t{1} << 30;
  unsigned threads = 0;  // read_parallel workers; 0 = one per core
  // Called once per problem, in input order, on one thread at a time.
  std::function<void(const Problem&)> on_problem;
  // Progress counters for displays on another thread (any may be null): input bytes
  // consumed, assets found, and the input's total size once known (0 when unknown).
  std::atomic<std::uint64_t>* bytes_read = nullptr;
  std::atomic<std::uint64_t>* assets_found = nullptr;
  std::atomic<std::uint64_t>* total_bytes = nullptr;
};

struct ReadStats {
  std::uint64_t assets = 0;   // assets handed to the consumer
  std::uint64_t skipped = 0;  // assets reported and skipped
  std::uint64_t bytes = 0;    // input bytes read (after unzip)
  bool truncated = false;     // a fatal stream problem ended reading early
  InputKind kind = InputKind::empty;
};

// Opens an export: `path` is a file or "-" for stdin; a zip is unwrapped to its first
// entry (a zip file through zip::open_first_entry_file, inflated ahead on a thread of its
// own). Throws IoError when the file cannot be opened, InputError when a zip file is broken.
std::unique_ptr<ByteSource> open_export(const std::string& path);

class Chunker;
class AssetParser;

// Sequential reader: `while (const Asset* a = reader.next())` or a range-for.
class Reader {
 public:
  explicit Reader(std::unique_ptr<ByteSource> source, ReadOptions options = {});
  ~Reader();
  Reader(Reader&&) noexcept;
  Reader& operator=(Reader&&) noexcept;

  // The next good asset, or nullptr at the end. Bad assets are handled per on_error.
  // The pointee is valid until the next call.
  const Asset* next();
  const ReadStats& stats() const;

  class iterator {
   public:
    using value_type = Asset;
    using difference_type = std::ptrdiff_t;
    iterator() = default;
    explicit iterator(Reader* r) : r_(r), a_(r->next()) {}
    const Asset& operator*() const { return *a_; }
    const Asset* operator->() const { return a_; }
    iterator& operator++() {
      a_ = r_->next();
      return *this;
    }
    void operator++(int) { ++*this; }
    bool operator==(std::default_sentinel_t) const { return a_ == nullptr; }

   private:
    Reader* r_ = nullptr;
    const Asset* a_ = nullptr;
  };
  iterator begin() { return iterator(this); }
  std::default_sentinel_t end() { return {}; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Per-chunk results of a ParallelConsumer (a format's partial output). Created by the
// consumer, filled on a worker thread, committed in input order, then reused.
class ChunkState {
 public:
  virtual ~ChunkState() = default;
};

class ParallelConsumer {
 public:
  virtual ~ParallelConsumer() = default;
  virtual std::unique_ptr<ChunkState> make_state() = 0;
  // Worker threads, concurrently for different chunks. Must leave `state` unchanged when it
  // throws: the asset is then reported as a problem and skipped.
  virtual void consume(const Asset& asset, ChunkState& state) = 0;
  // One thread at a time, chunks in input order. Must leave `state` empty for reuse.
  virtual void commit(ChunkState& state) = 0;
};

// Reads every asset of `source` into `consumer`. Returns when the input is exhausted;
// rethrows the first exception of commit() or of the source (IoError), and throws
// InputError for the first problem under OnError::stop.
ReadStats read_parallel(std::unique_ptr<ByteSource> source, const ReadOptions& options,
                        ParallelConsumer& consumer);

}  // namespace xport::aaf
