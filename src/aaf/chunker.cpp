#include "aaf/chunker.hpp"

#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "aaf/prefixed_source.hpp"
#include "xport/zip.hpp"

namespace xport::aaf {
namespace {

constexpr std::size_t kDetectBytes = 64 * 1024;

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_zip_magic(const std::vector<char>& b) {
  return b.size() >= 4 && b[0] == 'P' && b[1] == 'K' &&
         ((b[2] == 3 && b[3] == 4) || (b[2] == 5 && b[3] == 6));
}

std::string quote_char(char c) {
  auto u = static_cast<unsigned char>(c);
  if (u >= 0x20 && u < 0x7f) return fmt::format("'{}'", c);
  return fmt::format("byte 0x{:02x}", u);
}

}  // namespace

// State of the JSON-array scanner, kept across chunks.
struct Chunker::ArrayScan {
  enum class Phase { open, first_value_or_close, value, in_value, comma_or_close, done };
  Phase phase = Phase::open;
  int depth = 0;        // nesting depth inside the current element
  bool scalar = false;  // the current element is not an object/array
  bool in_string = false;
  std::size_t string_start = 0;  // chunk position just after the opening quote
  std::size_t value_start = 0;   // chunk position of the element's first byte
  std::uint64_t value_line = 1;
  std::uint64_t line = 1;  // line number at the scan position
};

void Chunk::reserve(std::size_t wanted, std::size_t keep) {
  if (wanted <= capacity_) return;
  // No zeroing: the buffer is overwritten by reads, and fill() initialises the padding.
  auto bigger = std::make_unique_for_overwrite<char[]>(wanted + simdjson::SIMDJSON_PADDING);
  if (keep) std::memcpy(bigger.get(), data_.get(), keep);
  data_ = std::move(bigger);
  capacity_ = wanted;
}

Chunker::Chunker(std::unique_ptr<ByteSource> source, const ReadOptions& options)
    : source_(std::move(source)), options_(options), name_(source_->name()) {
  options_.chunk_bytes = std::max<std::size_t>(options_.chunk_bytes, 1);  // 0: no buffer at all
  detect();
}

Chunker::~Chunker() = default;

// Reads until the first significant byte to tell a zip, a JSON array and NDJSON apart.
void Chunker::detect() {
  carry_.resize(kDetectBytes);
  std::size_t filled = 0;
  std::size_t first = 0;
  std::uint64_t skipped = 0, skipped_lines = 0;  // leading white space already dropped
  for (;;) {
    std::size_t n = source_->read(carry_.data() + filled, carry_.size() - filled);
    if (n == 0) eof_ = true;
    filled += n;
    stream_offset_ += n;
    carry_.resize(filled);
    if (skipped == 0 && is_zip_magic(carry_)) break;
    first = 0;
    if (skipped == 0 && filled >= 3 && std::memcmp(carry_.data(), "\xEF\xBB\xBF", 3) == 0)
      first = 3;
    while (first < filled && is_space(carry_[first]))
      ++first;
    // Short reads (pipes): decide only once a zip signature or a BOM could be recognised.
    if ((first < filled && (filled >= 4 || skipped > 0)) || eof_) break;
    if (filled == kDetectBytes) {  // nothing but white space yet: drop it and read on
      skipped_lines += static_cast<std::uint64_t>(std::count(carry_.begin(), carry_.end(), '\n'));
      skipped += filled;
      filled = 0;
    }
    carry_.resize(kDetectBytes);
  }
  if (skipped == 0 && is_zip_magic(carry_)) {
    // The transport form: the export is the zip's first entry. Start over on that entry.
    auto replay = std::make_unique<PrefixedSource>(std::move(carry_), std::move(source_));
    source_ = zip::open_first_entry(std::move(replay));
    name_ = source_->name();
    carry_.clear();
    eof_ = false;
    stream_offset_ = 0;
    detect();
    return;
  }
  if (options_.total_bytes) options_.total_bytes->store(source_->size().value_or(0));
  if (options_.bytes_read)
    options_.bytes_read->fetch_add(stream_offset_, std::memory_order_relaxed);
  if (first == filled) {  // nothing but white space: an empty export
    kind_ = InputKind::empty;
    finished_ = true;
    return;
  }
  std::uint64_t line =
      1 + skipped_lines +
      static_cast<std::uint64_t>(std::count(carry_.begin(), carry_.begin() + first, '\n'));
  // Drop the BOM and leading white space; offsets stay relative to the stream.
  carry_.erase(carry_.begin(), carry_.begin() + static_cast<std::ptrdiff_t>(first));
  carry_offset_ = skipped + first;
  carry_line_ = line;
  if (carry_[0] == '[') {
    kind_ = InputKind::json_array;
    array_ = std::make_unique<ArrayScan>();
    array_->line = line;
  } else if (carry_[0] == '{') {
    kind_ = InputKind::ndjson;
  } else {
    kind_ = InputKind::ndjson;
    finished_ = true;
    fatal_ = Problem{name_, Location{line, 0, skipped + first}, "",
                     fmt::format("not an AAF export: expected '[' (a JSON array), '{{' (NDJSON) "
                                 "or a zip archive, found {}",
                                 quote_char(carry_[0])),
                     true};
  }
}

bool Chunker::next(Chunk& chunk) {
  chunk.size = 0;
  chunk.docs.clear();
  chunk.problems.clear();
  chunk.bytes = 0;
  if (fatal_) {
    chunk.problems.push_back(std::move(*fatal_));
    fatal_.reset();
    return true;
  }
  if (finished_) return false;
  chunk.reserve(options_.chunk_bytes, 0);
  bool more = kind_ == InputKind::json_array ? next_array(chunk) : next_ndjson(chunk);
  if (options_.assets_found) options_.assets_found->fetch_add(chunk.docs.size());
  chunk.bytes = stream_offset_ - reported_bytes_;
  reported_bytes_ = stream_offset_;
  return more;
}

std::size_t Chunker::fill(Chunk& chunk, std::size_t filled) {
  while (filled < chunk.capacity() && !eof_) {
    std::size_t n = source_->read(chunk.data() + filled, chunk.capacity() - filled);
    if (n == 0) {
      eof_ = true;
      break;
    }
    filled += n;
    stream_offset_ += n;
    if (options_.bytes_read) options_.bytes_read->fetch_add(n, std::memory_order_relaxed);
  }
  // simdjson reads (but never interprets) the padding; keep it initialised.
  std::memset(chunk.data() + filled, 0, simdjson::SIMDJSON_PADDING);
  chunk.size = filled;
  return filled;
}

void Chunker::take_carry(Chunk& chunk) {
  chunk.reserve(std::max(options_.chunk_bytes, carry_.size()), 0);
  if (!carry_.empty()) std::memcpy(chunk.data(), carry_.data(), carry_.size());
  chunk.size = carry_.size();
  chunk_offset_ = carry_offset_;
  chunk_line_ = carry_line_;
  carry_.clear();
}

void Chunker::keep_carry(const Chunk& chunk, std::size_t from, std::size_t to) {
  carry_.assign(chunk.data() + from, chunk.data() + to);
  carry_offset_ = chunk_offset_ + from;
}

void Chunker::add_doc(Chunk& chunk, std::size_t begin, std::size_t end, std::uint64_t line) {
  if (end - begin > options_.max_asset_bytes) {  // whole in a chunk larger than the limit
    report_oversized(chunk, line, chunk_offset_ + begin);
    return;
  }
  DocSpan span;
  span.offset = static_cast<std::uint32_t>(begin);
  span.size = static_cast<std::uint32_t>(end - begin);
  span.location = Location{line, ++elements_, chunk_offset_ + begin};
  chunk.docs.push_back(span);
}

void Chunker::stream_problem(Chunk& chunk, std::uint64_t line, std::uint64_t offset,
                             std::string reason) {
  chunk.problems.push_back(
      Problem{name_, Location{line, elements_ + 1, offset}, "", std::move(reason), true});
  finished_ = true;
}

// A full buffer holds one incomplete asset: make room, or skip it when it is too large.
// Returns false when the asset was skipped (the chunk then restarts after it).
bool Chunker::grow_or_discard(Chunk& chunk, std::size_t& filled) {
  if (chunk.capacity() <= options_.max_asset_bytes) {
    chunk.reserve(std::min(chunk.capacity() * 2, options_.max_asset_bytes + 1), filled);
    return true;
  }
  discard_oversized(chunk);
  filled = chunk.size;
  return false;
}

// Reports an asset over max_asset_bytes as skipped. An array element cannot be
// resynchronised without scanning it, so in a JSON array reading stops there.
void Chunker::report_oversized(Chunk& chunk, std::uint64_t line, std::uint64_t offset) {
  chunk.problems.push_back(Problem{
      name_, Location{line, ++elements_, offset}, "",
      fmt::format("asset larger than the limit of {} bytes: skipped", options_.max_asset_bytes),
      false});
  if (kind_ == InputKind::json_array) {
    chunk.problems.back().fatal = true;
    finished_ = true;
  }
}

// Drops bytes up to the end of the current NDJSON line and reports the skipped asset.
void Chunker::discard_oversized(Chunk& chunk) {
  std::uint64_t line = kind_ == InputKind::json_array ? array_->value_line : chunk_line_;
  std::uint64_t offset = chunk_offset_;
  report_oversized(chunk, line, offset);
  if (finished_) {
    chunk.size = 0;
    return;
  }
  std::uint64_t dropped = chunk.size;
  chunk.size = 0;
  for (;;) {
    std::size_t filled = fill(chunk, 0);
    const char* nl = static_cast<const char*>(std::memchr(chunk.data(), '\n', filled));
    if (nl) {
      std::size_t after = static_cast<std::size_t>(nl - chunk.data()) + 1;
      std::memmove(chunk.data(), chunk.data() + after, filled - after);
      chunk.size = filled - after;
      chunk_offset_ = offset + dropped + after;
      chunk_line_ = line + 1;
      return;
    }
    dropped += filled;
    if (eof_) {
      chunk.size = 0;
      chunk_offset_ = offset + dropped;
      return;
    }
  }
}

bool Chunker::next_ndjson(Chunk& chunk) {
  take_carry(chunk);
  std::size_t filled = chunk.size;
  for (;;) {
    filled = fill(chunk, filled);
    const void* nl = filled ? ::memrchr(chunk.data(), '\n', filled) : nullptr;
    if (nl) {
      std::size_t end = static_cast<std::size_t>(static_cast<const char*>(nl) - chunk.data()) + 1;
      split_lines(chunk, end);
      keep_carry(chunk, end, filled);
      return true;
    }
    if (eof_) {  // the last line has no line end
      split_lines(chunk, filled);
      finished_ = true;
      return true;
    }
    grow_or_discard(chunk, filled);
  }
}

// Records every non-blank line of chunk[0, end) as an asset.
void Chunker::split_lines(Chunk& chunk, std::size_t end) {
  const char* data = chunk.data();
  std::uint64_t line = chunk_line_;
  std::size_t pos = 0;
  while (pos < end) {
    const char* nl = static_cast<const char*>(std::memchr(data + pos, '\n', end - pos));
    std::size_t stop = nl ? static_cast<std::size_t>(nl - data) : end;
    std::size_t first = pos;
    while (first < stop && is_space(data[first]))
      ++first;
    if (first < stop) {
      std::size_t last = stop;
      while (last > first && is_space(data[last - 1]))
        --last;  // CRLF, trailing blanks
      add_doc(chunk, first, last, line);
    }
    pos = stop + 1;
    ++line;
  }
  carry_line_ = line;
}

bool Chunker::next_array(Chunk& chunk) {
  ArrayScan& s = *array_;
  take_carry(chunk);
  // The carried bytes were scanned already; the scanner's positions were rebased on them.
  std::size_t resume = carry_scanned_;
  std::size_t filled = chunk.size;
  for (;;) {
    filled = fill(chunk, filled);
    std::size_t keep_from = scan_array(chunk, resume, filled);
    if (finished_) return true;
    if (!chunk.docs.empty() || eof_ || keep_from > 0) {
      if (eof_) {
        finish_array(chunk, filled);
        return true;
      }
      keep_carry(chunk, keep_from, filled);
      carry_scanned_ = filled - keep_from;
      if (s.phase == ArrayScan::Phase::in_value) {
        s.value_start -= keep_from;
        if (s.in_string) s.string_start -= keep_from;
      }
      return true;
    }
    // One element fills the whole buffer.
    resume = filled;
    if (!grow_or_discard(chunk, filled)) return true;
  }
}

void Chunker::finish_array(Chunk& chunk, std::size_t filled) {
  ArrayScan& s = *array_;
  using Phase = ArrayScan::Phase;
  std::uint64_t offset = chunk_offset_ + filled;
  if (s.phase == Phase::in_value) {
    stream_problem(chunk, s.value_line, chunk_offset_ + s.value_start,
                   "the export ends inside this asset: the file is truncated");
  } else if (s.phase != Phase::done) {
    stream_problem(chunk, s.line, offset,
                   "the JSON array is not closed (missing ']'): the file is truncated");
  }
  finished_ = true;
}

// Where an array element starts: a string, a nested value, or another scalar.
void Chunker::start_value(const char* d, std::size_t at) {
  ArrayScan& s = *array_;
  s.phase = ArrayScan::Phase::in_value;
  s.value_start = at;
  s.value_line = s.line;
  char c = d[at];
  s.scalar = c != '{' && c != '[';
  s.depth = s.scalar ? 0 : 1;
  s.in_string = c == '"';
  s.string_start = at + 1;
}

// Inside an element: scans until it closes (and records it) or the chunk ends. Strings are
// skipped with memchr, which is where the time goes; the loop stays here, not per byte in
// scan_array, because this is the reader's hottest loop.
std::size_t Chunker::scan_in_value(Chunk& chunk, std::size_t pos, std::size_t end) {
  ArrayScan& s = *array_;
  const char* d = chunk.data();
  auto end_value = [&](std::size_t stop) {
    add_doc(chunk, s.value_start, stop, s.value_line);
    s.phase = ArrayScan::Phase::comma_or_close;
  };
  while (pos < end) {
    if (s.in_string) {
      const char* q = static_cast<const char*>(std::memchr(d + pos, '"', end - pos));
      if (!q) return end;
      std::size_t at = static_cast<std::size_t>(q - d);
      std::size_t backslashes = 0;
      while (at - backslashes > s.string_start && d[at - backslashes - 1] == '\\')
        ++backslashes;
      pos = at + 1;
      if (backslashes % 2 == 1) continue;  // an escaped quote
      s.in_string = false;
      if (s.scalar) {
        end_value(pos);
        return pos;
      }
      continue;
    }
    char c = d[pos];
    if (s.scalar) {
      if (c == ',' || c == ']' || is_space(c)) {
        end_value(pos);
        return pos;  // the delimiter is scan_between's
      }
      ++pos;
      continue;
    }
    ++pos;
    switch (c) {
      case '"':
        s.in_string = true;
        s.string_start = pos;
        break;
      case '{':
      case '[':
        ++s.depth;
        break;
      case '}':
      case ']':
        if (--s.depth == 0) {
          end_value(pos);
          return pos;
        }
        break;
      case '\n':
        ++s.line;
        break;
      default:
        break;
    }
  }
  return pos;
}

// Between elements: '[', ',', ']' and white space. Returns the position after the byte at
// pos, or npos when the array is malformed (the problem is recorded and the stream ends).
std::size_t Chunker::scan_between(Chunk& chunk, std::size_t pos) {
  using Phase = ArrayScan::Phase;
  ArrayScan& s = *array_;
  const char* d = chunk.data();
  char c = d[pos];
  if (is_space(c)) {
    if (c == '\n') ++s.line;
    return pos + 1;
  }
  std::uint64_t offset = chunk_offset_ + pos;
  switch (s.phase) {
    case Phase::open:
      // detect() guarantees the first significant byte is '['.
      s.phase = Phase::first_value_or_close;
      break;
    case Phase::first_value_or_close:
      if (c == ']') {
        s.phase = Phase::done;
      } else {
        start_value(d, pos);
      }
      break;
    case Phase::value:
      if (c == ']') {
        chunk.problems.push_back(Problem{name_, Location{s.line, elements_ + 1, offset}, "",
                                         "trailing comma before ']' (ignored)", false, true});
        s.phase = Phase::done;
      } else if (c == ',') {
        stream_problem(chunk, s.line, offset, "expected an asset after ',', found ','");
        return std::string::npos;
      } else {
        start_value(d, pos);
      }
      break;
    case Phase::comma_or_close:
      if (c == ',') {
        s.phase = Phase::value;
      } else if (c == ']') {
        s.phase = Phase::done;
      } else {
        stream_problem(
            chunk, s.line, offset,
            fmt::format("expected ',' or ']' after asset {}, found {}", elements_, quote_char(c)));
        return std::string::npos;
      }
      break;
    case Phase::done:
      stream_problem(chunk, s.line, offset,
                     fmt::format("unexpected {} after the end of the JSON array", quote_char(c)));
      return std::string::npos;
    case Phase::in_value:
      break;  // scan_in_value's
  }
  return pos + 1;
}

// Scans chunk[pos, end) for top-level array elements, recording each complete one.
// Returns the position from which bytes must be carried into the next chunk.
std::size_t Chunker::scan_array(Chunk& chunk, std::size_t pos, std::size_t end) {
  ArrayScan& s = *array_;
  while (pos < end && !finished_) {
    if (s.phase == ArrayScan::Phase::in_value) {
      pos = scan_in_value(chunk, pos, end);
    } else {
      pos = scan_between(chunk, pos);
      if (pos == std::string::npos) return end;
    }
  }
  return s.phase == ArrayScan::Phase::in_value ? s.value_start : end;
}

}  // namespace xport::aaf
