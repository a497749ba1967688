// Streaming zip archives: entries are written incrementally from a stream into any
// ByteSink (file, stdout, HTTP body) and read back incrementally from any ByteSource.
// Neither side ever holds a whole entry in memory. Writing: minizip for the container,
// ISA-L (levels 1-3) or zlib (4-9) for deflate. Reading: libarchive, and for the first
// entry of a zip file minizip + ISA-L (open_first_entry_file).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "xport/io.hpp"

namespace xport::zip {

// A rejected entry name (absolute path, "..", backslash, NUL, empty...). Derives from
// ConfigError: names come from formats and user configuration, not from the export.
class NameError : public ConfigError {
 public:
  using ConfigError::ConfigError;
};

// Returns `name` unchanged when it is a safe relative entry name, else throws NameError
// saying which rule it breaks. Rules: not empty; no NUL or other C0 control characters; no
// backslash; not absolute ("/x", "C:..."); no "." or ".." component; no empty component
// ("a//b"); at most 65535 bytes; valid UTF-8.
std::string_view check_entry_name(std::string_view name);

// Length of the well-formed UTF-8 sequence starting at text[i], or 0 when there is none.
// Follows the Unicode "well-formed byte sequences" table, so overlong forms, surrogates and
// code points past U+10FFFF are all rejected (what check_entry_name demands of a name).
std::size_t utf8_sequence_length(std::string_view text, std::size_t i);

enum class Method { store, deflate };

struct EntryOptions {
  Method method = Method::deflate;
  // 1 (fastest) .. 9 (smallest); ignored for store. 1-3 use ISA-L (level 1: ~390 MB/s, within
  // ~7% of zlib level 6's size on JSON), 4-9 zlib (level 6: ~24 MB/s).
  int level = 1;
};

// Every entry carries zip64 extra fields (sizes are unknown up front, and any entry may pass
// 4 GiB), and the archive switches to zip64 end records when it passes 4 GiB or 65535
// entries, so there is nothing to configure for large archives.
struct WriterOptions {};

// Writes a zip archive to a sink, one entry at a time:
//   Writer w(sink); w.begin_entry("a.json"); w.write(...); ...; w.end_entry(); w.close();
// The sink's close() is not called: the caller commits the sink after Writer::close().
// Sinks that cannot overwrite (ByteSink::write_at) receive the archive from a temporary
// file at close(); others are written as the entries stream.
class Writer {
 public:
  explicit Writer(ByteSink& sink, WriterOptions options = {});
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Starts an entry (the size is not needed up front). Throws NameError for a bad name.
  void begin_entry(std::string_view name, EntryOptions options = {});
  void write(const char* data, std::size_t size);
  void write(std::string_view data) { write(data.data(), data.size()); }
  void end_entry();
  // begin_entry + write + end_entry for small entries.
  void add(std::string_view name, std::string_view data, EntryOptions options = {});
  // Writes the central directory. Must be called for a valid archive.
  void close();

  // Bytes handed to the sink so far (the archive's size once closed).
  std::uint64_t bytes_written() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads a zip archive from a source as a stream of entries:
//   Reader r(source); while (r.next_entry()) { r.name(); r.read(buf, n) ... }
// Works on non-seekable input (stdin, HTTP bodies) for deflated entries and for stored
// entries whose sizes are in the local header.
class Reader {
 public:
  explicit Reader(ByteSource& source);
  ~Reader();
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Advances to the next entry; false at the end of the archive. Throws InputError when the
  // archive is malformed (message names the source).
  bool next_entry();
  const std::string& name() const;
  // Uncompressed size when the archive states it.
  std::optional<std::uint64_t> size() const;
  // Reads the current entry's data; 0 at its end.
  std::size_t read(char* buffer, std::size_t capacity);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A ByteSource over the first entry of the zip archive that `source` carries: the
// platform's transport form of an export. Throws InputError when the archive is empty or
// malformed. name() is "<archive name>:<entry name>".
std::unique_ptr<ByteSource> open_first_entry(std::unique_ptr<ByteSource> source);

// open_first_entry(open_file_source(path)), faster for regular files: the entry is found
// through the central directory and, stored or deflated, read on a thread of its own that
// inflates with ISA-L ahead of the caller's reads; its CRC-32 and size are checked against
// the central directory at its end (InputError naming the archive and entry on mismatch or
// corrupt data). Anything else ("-", pipes, encrypted or bzip2 entries, no readable central
// directory) goes through open_first_entry() unchanged. name() is "<path>:<entry name>".
std::unique_ptr<ByteSource> open_first_entry_file(const std::string& path);

}  // namespace xport::zip
