// Streaming zip writer: the zip container is written by minizip (zlib's contrib library),
// the entries' data is deflated by us and handed to minizip in "raw" mode.
//
// Why not libarchive (which xport reads zips with): its zip writer deflates with zlib on
// the caller's thread and cannot take data compressed elsewhere. Deflate is the slowest
// step of a conversion (zlib level 6 runs at ~24 MB/s here, level 1 at ~62 MB/s), so the
// writer compresses with Intel ISA-L for levels 1-3 (~390 MB/s at level 1, within 7% of
// zlib level 6's size on AAF-like JSON; see docs/performance.md) and with zlib for 4-9.
//
// minizip patches each local header (CRC, sizes) after the entry's data, so it needs to
// seek: sinks that can overwrite (files, memory) are written in place; other sinks
// (stdout, network bodies) get the archive through an anonymous temporary file, copied to
// them by close().
#include <fcntl.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <minizip/zip.h>
#include <unistd.h>
#include <zlib.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <exception>
#include <stdexcept>
#include <string>
#include <vector>

#include "util/temp_file.hpp"
#include "xport/zip.hpp"

namespace xport::zip {
namespace {

constexpr int kMinLevel = 1;
constexpr int kMaxLevel = 9;
constexpr int kIsalMaxLevel = 3;
constexpr std::size_t kOutBytes = 256 * 1024;        // compressed data handed to minizip at once
constexpr std::size_t kAppendBytes = 256 * 1024;     // small appends gathered before the sink
constexpr std::size_t kSmallEntryBytes = 64 * 1024;  // compressed in one shot below this
constexpr std::size_t kEocdBytes = 22;               // end of central directory, no comment

// A sink for the archive when the caller's sink cannot overwrite: an anonymous temp file.
class TempFileSink final : public ByteSink {
 public:
  TempFileSink() { fd_ = open_anonymous_temp_file("zip"); }
  ~TempFileSink() override { ::close(fd_); }
  void write(const char* data, std::size_t size) override {
    if (!write_at(size_, data, size)) throw IoError("cannot write a temporary file");
  }
  bool write_at(std::uint64_t offset, const char* data, std::size_t size) override {
    while (size > 0) {
      ssize_t n = ::pwrite(fd_, data, size, static_cast<off_t>(offset));
      if (n < 0) {
        if (errno == EINTR) continue;
        throw IoError(std::string("cannot write a temporary file: ") + std::strerror(errno));
      }
      data += n;
      size -= static_cast<std::size_t>(n);
      offset += static_cast<std::uint64_t>(n);
      size_ = std::max(size_, offset);
    }
    return true;
  }
  // Streams the whole file into `target`.
  void copy_to(ByteSink& target) const {
    std::vector<char> buffer(1 << 20);
    for (off_t offset = 0;;) {
      ssize_t n = ::pread(fd_, buffer.data(), buffer.size(), offset);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0)
        throw IoError(std::string("cannot read a temporary file: ") + std::strerror(errno));
      if (n == 0) return;
      target.write(buffer.data(), static_cast<std::size_t>(n));
      offset += n;
    }
  }
  std::string name() const override { return "<temporary zip>"; }

 private:
  int fd_ = -1;
  std::uint64_t size_ = 0;
};

}  // namespace

struct Writer::Impl {
  enum class State { open, in_entry, closed, failed };

  Impl(ByteSink& target, WriterOptions writer_options);
  ~Impl();

  void begin_entry(std::string_view name, const EntryOptions& entry_options);
  void write(const char* data, std::size_t size);
  void end_entry();
  void close();

  static voidpf open_cb(voidpf opaque, const void*, int);
  static uLong read_cb(voidpf, voidpf, void*, uLong);
  static uLong write_cb(voidpf opaque, voidpf, const void* buf, uLong size);
  static ZPOS64_T tell_cb(voidpf opaque, voidpf);
  static long seek_cb(voidpf opaque, voidpf, ZPOS64_T offset, int origin);
  static int close_cb(voidpf, voidpf);
  static int error_cb(voidpf opaque, voidpf);

  // Where minizip's bytes go: appended, or patched in place.
  void put(const char* data, std::size_t size);
  void flush_appends(std::size_t keep = 0);
  void add_zip64_end_records();

  void open_minizip_entry();
  void start_streaming();
  void finish_small_entry();
  void feed(const char* data, std::size_t size, bool last);
  void hand_to_minizip(const unsigned char* data, std::size_t size);
  void require(State expected, const char* operation) const;
  [[noreturn]] void fail(const std::string& what);
  void check(int rc, const std::string& what) {
    if (rc != ZIP_OK) fail(what + " (minizip error " + std::to_string(rc) + ")");
  }

  ByteSink& final_sink;
  std::unique_ptr<TempFileSink> temp;  // set when final_sink cannot overwrite
  ByteSink* out = nullptr;             // where minizip's bytes go
  WriterOptions options;
  zipFile zf = nullptr;
  State state = State::open;
  std::exception_ptr error;  // an exception of the sink, parked while in minizip's C code

  std::uint64_t pos = 0;      // minizip's current position
  std::uint64_t end = 0;      // bytes of the archive so far
  std::uint64_t sent = 0;     // bytes handed to final_sink
  std::string appends;        // sequential bytes not yet given to `out`
  bool closing = false;       // zipClose() is writing the central directory
  std::uint64_t entries = 0;  // entries finished

  // Current entry. Its data is held in `pending` until it passes kSmallEntryBytes (then it
  // is compressed as a stream) or ends (then it is compressed at once).
  std::string entry_name;
  Method method = Method::store;
  int level = 1;
  bool streaming = false;
  std::string pending;
  isal_zstream isal{};
  std::vector<std::uint8_t> isal_level_buffer;
  z_stream zlib{};
  bool zlib_ready = false;
  std::uint32_t crc = 0;
  std::uint64_t entry_size = 0;
  std::vector<unsigned char> compressed;
  std::tm entry_time{};
};

// minizip's file callbacks: the archive is one "file" whose position is Impl::pos.
voidpf Writer::Impl::open_cb(voidpf opaque, const void*, int) {
  return opaque;
}
uLong Writer::Impl::read_cb(voidpf, voidpf, void*, uLong) {
  return 0;
}
uLong Writer::Impl::write_cb(voidpf opaque, voidpf, const void* buf, uLong size) {
  auto* w = static_cast<Impl*>(opaque);
  try {
    w->put(static_cast<const char*>(buf), size);
    return size;
  } catch (...) {  // must not unwind through minizip's C code: parked, rethrown by fail()
    if (!w->error) w->error = std::current_exception();
    return 0;
  }
}
ZPOS64_T Writer::Impl::tell_cb(voidpf opaque, voidpf) {
  return static_cast<Impl*>(opaque)->pos;
}
long Writer::Impl::seek_cb(voidpf opaque, voidpf, ZPOS64_T offset, int origin) {
  auto* w = static_cast<Impl*>(opaque);
  switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET:
      w->pos = offset;
      break;
    case ZLIB_FILEFUNC_SEEK_CUR:
      w->pos += offset;
      break;
    case ZLIB_FILEFUNC_SEEK_END:
      w->pos = w->end + offset;
      break;
    default:
      return -1;
  }
  return 0;
}
int Writer::Impl::close_cb(voidpf, voidpf) {
  return 0;
}
int Writer::Impl::error_cb(voidpf opaque, voidpf) {
  return static_cast<Impl*>(opaque)->error ? 1 : 0;
}

Writer::Impl::Impl(ByteSink& target, WriterOptions writer_options)
    : final_sink(target), options(writer_options) {
  // A zero-byte overwrite tells whether the sink can patch headers in place.
  if (final_sink.write_at(0, nullptr, 0)) {
    out = &final_sink;
  } else {
    temp = std::make_unique<TempFileSink>();
    out = temp.get();
  }
  zlib_filefunc64_def io{};
  io.zopen64_file = open_cb;
  io.zread_file = read_cb;
  io.zwrite_file = write_cb;
  io.ztell64_file = tell_cb;
  io.zseek64_file = seek_cb;
  io.zclose_file = close_cb;
  io.zerror_file = error_cb;
  io.opaque = this;
  zf = zipOpen2_64("", APPEND_STATUS_CREATE, nullptr, &io);
  if (!zf) throw IoError("zip archive " + final_sink.name() + ": cannot start the archive");
  std::time_t now = std::time(nullptr);
  localtime_r(&now, &entry_time);
  compressed.resize(kOutBytes);
}

Writer::Impl::~Impl() {
  if (zlib_ready) deflateEnd(&zlib);
  // Without close() the archive is abandoned: release minizip's memory, write nothing more.
  if (zf) {
    out = nullptr;
    zipClose(zf, nullptr);  // its writes fail quietly (out is null)
  }
}

void Writer::Impl::put(const char* data, std::size_t size) {
  if (!out) throw IoError("zip archive abandoned");
  if (pos == end) {  // appending: gather small writes
    appends.append(data, size);
    // While closing, the end of central directory record must stay here to be amended.
    if (appends.size() >= kAppendBytes) flush_appends(closing ? kEocdBytes : 0);
  } else {  // minizip patching a header it wrote before
    std::uint64_t flushed_end = end - appends.size();
    if (pos + size > flushed_end) flush_appends();
    if (!out->write_at(pos, data, size))
      throw IoError("zip archive " + final_sink.name() + ": the output cannot be overwritten");
  }
  pos += size;
  end = std::max(end, pos);
}

void Writer::Impl::flush_appends(std::size_t keep) {
  if (appends.size() <= keep) return;
  const std::size_t n = appends.size() - keep;
  out->write(appends.data(), n);
  if (out == &final_sink) sent += n;
  appends.erase(0, n);
}

void Writer::Impl::require(State expected, const char* operation) const {
  if (state == expected) return;
  if (state == State::failed)
    throw IoError("zip archive " + final_sink.name() + ": " + operation + " after a failed write");
  throw std::logic_error(std::string("zip::Writer: ") + operation + " called out of order");
}

void Writer::Impl::fail(const std::string& what) {
  state = State::failed;
  if (error) {
    auto e = error;
    error = nullptr;
    std::rethrow_exception(e);
  }
  throw IoError("zip archive " + final_sink.name() + ": " + what);
}

void Writer::Impl::begin_entry(std::string_view name, const EntryOptions& entry_options) {
  require(State::open, "begin_entry");
  entry_name = std::string(check_entry_name(name));
  if (entry_options.method == Method::deflate &&
      (entry_options.level < kMinLevel || entry_options.level > kMaxLevel)) {
    throw ConfigError("zip compression level " + std::to_string(entry_options.level) +
                      " is out of range (1-9)");
  }
  method = entry_options.method;
  level = entry_options.level;
  crc = 0;
  entry_size = 0;
  pending.clear();
  streaming = false;
  state = State::in_entry;
}

// Opens the entry in minizip (raw: we hand it compressed data) once the data's fate is known.
void Writer::Impl::open_minizip_entry() {
  zip_fileinfo info{};
  info.tmz_date.tm_sec = static_cast<uInt>(entry_time.tm_sec);
  info.tmz_date.tm_min = static_cast<uInt>(entry_time.tm_min);
  info.tmz_date.tm_hour = static_cast<uInt>(entry_time.tm_hour);
  info.tmz_date.tm_mday = static_cast<uInt>(entry_time.tm_mday);
  info.tmz_date.tm_mon = static_cast<uInt>(entry_time.tm_mon);
  info.tmz_date.tm_year = static_cast<uInt>(entry_time.tm_year + 1900);
  info.external_fa = 0100644u << 16;  // a regular file, rw-r--r--
  constexpr uLong kMadeByUnix = (3u << 8) | 45u;
  constexpr uLong kUtf8Names = 1u << 11;
  const bool deflated = method == Method::deflate;
  // zip64 extra fields on every entry: sizes are not known up front, and an entry may pass
  // 4 GiB. Readers (unzip, Python's zipfile, libarchive) take them whatever the size.
  int rc = zipOpenNewFileInZip4_64(zf, entry_name.c_str(), &info, nullptr, 0, nullptr, 0, nullptr,
                                   deflated ? Z_DEFLATED : 0, deflated ? level : 0,
                                   /*raw=*/1, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY, nullptr, 0,
                                   kMadeByUnix, kUtf8Names, /*zip64=*/1);
  check(rc, "cannot start entry " + entry_name);
}

// An entry that outgrew the small-entry buffer: compress it as a stream from here on.
void Writer::Impl::start_streaming() {
  streaming = true;
  open_minizip_entry();
  if (method == Method::deflate && level <= kIsalMaxLevel) {
    static constexpr std::uint32_t sizes[] = {ISAL_DEF_LVL1_DEFAULT, ISAL_DEF_LVL2_DEFAULT,
                                              ISAL_DEF_LVL3_DEFAULT};
    isal_deflate_init(&isal);
    isal_level_buffer.resize(sizes[level - 1]);
    isal.level = static_cast<std::uint32_t>(level);
    isal.level_buf = isal_level_buffer.data();
    isal.level_buf_size = sizes[level - 1];
    isal.end_of_stream = 0;
    isal.flush = NO_FLUSH;
  } else if (method == Method::deflate) {
    zlib = z_stream{};
    if (deflateInit2(&zlib, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
      throw std::bad_alloc();
    zlib_ready = true;
  }
  std::string held = std::move(pending);
  pending.clear();
  feed(held.data(), held.size(), false);
}

// A whole entry that fit the small-entry buffer, compressed at once: ISA-L's stateless
// mode with small hash tables costs far less per entry than a stream's setup, which
// matters for formats that write one tiny file per image.
void Writer::Impl::finish_small_entry() {
  open_minizip_entry();
  const auto* in = reinterpret_cast<const unsigned char*>(pending.data());
  if (method == Method::store) {
    hand_to_minizip(in, pending.size());
    return;
  }
  if (level <= kIsalMaxLevel) {
    static constexpr std::uint32_t sizes[] = {ISAL_DEF_LVL1_SMALL, ISAL_DEF_LVL2_SMALL,
                                              ISAL_DEF_LVL3_SMALL};
    isal_deflate_stateless_init(&isal);
    if (isal_level_buffer.size() < sizes[level - 1]) isal_level_buffer.resize(sizes[level - 1]);
    isal.level = static_cast<std::uint32_t>(level);
    isal.level_buf = isal_level_buffer.data();
    isal.level_buf_size = sizes[level - 1];
    isal.end_of_stream = 1;
    isal.flush = NO_FLUSH;
    isal.next_in = const_cast<unsigned char*>(in);
    isal.avail_in = static_cast<std::uint32_t>(pending.size());
    isal.next_out = compressed.data();
    isal.avail_out = static_cast<std::uint32_t>(compressed.size());
    // The output buffer (256 KiB) holds any deflated 64 KiB input.
    if (isal_deflate_stateless(&isal) != COMP_OK) fail("ISA-L deflate failed");
    hand_to_minizip(compressed.data(), compressed.size() - isal.avail_out);
    return;
  }
  zlib = z_stream{};
  if (deflateInit2(&zlib, level, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::bad_alloc();
  zlib_ready = true;
  feed(pending.data(), pending.size(), true);
}

void Writer::Impl::hand_to_minizip(const unsigned char* data, std::size_t size) {
  if (size == 0) return;
  check(zipWriteInFileInZip(zf, data, static_cast<unsigned>(size)), "cannot write entry data");
}

void Writer::Impl::feed(const char* data, std::size_t size, bool last) {
  if (method == Method::store) {
    hand_to_minizip(reinterpret_cast<const unsigned char*>(data), size);
    return;
  }
  const auto* in = reinterpret_cast<const unsigned char*>(data);
  if (!zlib_ready) {  // ISA-L (levels 1-3)
    isal.next_in = const_cast<unsigned char*>(in);
    isal.avail_in = static_cast<std::uint32_t>(size);
    isal.end_of_stream = last ? 1 : 0;
    do {
      isal.next_out = compressed.data();
      isal.avail_out = static_cast<std::uint32_t>(compressed.size());
      if (isal_deflate(&isal) != COMP_OK) fail("ISA-L deflate failed");
      hand_to_minizip(compressed.data(), compressed.size() - isal.avail_out);
    } while (isal.avail_in > 0 || (last && isal.internal_state.state != ZSTATE_END));
    return;
  }
  zlib.next_in = const_cast<unsigned char*>(in);
  zlib.avail_in = static_cast<uInt>(size);
  int rc;
  do {
    zlib.next_out = compressed.data();
    zlib.avail_out = static_cast<uInt>(compressed.size());
    rc = deflate(&zlib, last ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_ERROR) fail("zlib deflate failed");
    hand_to_minizip(compressed.data(), compressed.size() - zlib.avail_out);
  } while (zlib.avail_out == 0 || (last && rc != Z_STREAM_END));
}

void Writer::Impl::write(const char* data, std::size_t size) {
  require(State::in_entry, "write");
  // Entries are fed in pieces small enough for the 32-bit counts of zlib and ISA-L.
  constexpr std::size_t kPiece = std::size_t{1} << 30;
  while (size > 0) {
    std::size_t n = std::min(size, kPiece);
    crc = crc32_gzip_refl(crc, reinterpret_cast<const unsigned char*>(data), n);
    entry_size += n;
    if (!streaming && pending.size() + n <= kSmallEntryBytes) {
      pending.append(data, n);
    } else {
      if (!streaming) start_streaming();
      feed(data, n, false);
    }
    data += n;
    size -= n;
  }
}

void Writer::Impl::end_entry() {
  require(State::in_entry, "end_entry");
  if (streaming) {
    if (method == Method::deflate) feed(nullptr, 0, true);
  } else {
    finish_small_entry();
  }
  if (zlib_ready) {
    deflateEnd(&zlib);
    zlib_ready = false;
  }
  pending.clear();
  check(zipCloseFileInZipRaw64(zf, entry_size, crc), "cannot finish entry");
  ++entries;
  state = State::open;
}

void Writer::Impl::close() {
  if (state == State::closed) return;
  if (state == State::in_entry) end_entry();
  require(State::open, "close");
  zipFile handle = zf;
  zf = nullptr;
  closing = true;
  check(zipClose(handle, nullptr), "cannot write the central directory");
  if (error) fail("cannot write the archive");
  add_zip64_end_records();
  flush_appends();
  if (temp) {
    temp->copy_to(final_sink);
    sent = end;
  }
  state = State::closed;
}

namespace {
void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i)
    out += static_cast<char>((value >> (8 * i)) & 0xff);
}
std::uint64_t get_le(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i)
    v = (v << 8) | static_cast<unsigned char>(in[at + i]);
  return v;
}
}  // namespace

// minizip 1.1 (Debian 12) writes the zip64 end records only when the central directory
// starts past 4 GiB, not when there are more than 65535 entries: a YOLO export of 100k
// images would have a saturated entry count that unzip rejects. Insert the zip64 end of
// central directory record and its locator (APPNOTE 4.3.14, 4.3.15) before the plain
// record, which stays as minizip wrote it (its counts already saturated at 0xFFFF).
void Writer::Impl::add_zip64_end_records() {
  if (entries <= 0xFFFF || appends.size() < kEocdBytes) return;
  const std::size_t at = appends.size() - kEocdBytes;
  std::string_view eocd(appends.data() + at, kEocdBytes);
  if (eocd.substr(0, 4) != std::string_view("PK\x05\x06", 4)) fail("unexpected end of archive");
  const std::uint64_t cd_size = get_le(eocd, 12, 4);
  const std::uint64_t cd_offset = get_le(eocd, 16, 4);
  if (cd_offset == 0xFFFFFFFFu) return;  // minizip wrote the zip64 records itself
  const std::uint64_t record_offset = end - kEocdBytes;
  std::string records;
  records += std::string_view("PK\x06\x06", 4);
  put_le(records, 44, 8);  // size of the rest of this record
  put_le(records, 45, 2);  // version made by: 4.5 (zip64)
  put_le(records, 45, 2);  // version needed to extract
  put_le(records, 0, 4);   // this disk
  put_le(records, 0, 4);   // disk where the central directory starts
  put_le(records, entries, 8);
  put_le(records, entries, 8);
  put_le(records, cd_size, 8);
  put_le(records, cd_offset, 8);
  records += std::string_view("PK\x06\x07", 4);
  put_le(records, 0, 4);  // disk with the zip64 end record
  put_le(records, record_offset, 8);
  put_le(records, 1, 4);  // total number of disks
  appends.insert(at, records);
  end += records.size();
  pos = end;
}

Writer::Writer(ByteSink& sink, WriterOptions options)
    : impl_(std::make_unique<Impl>(sink, options)) {}
Writer::~Writer() = default;

void Writer::begin_entry(std::string_view name, EntryOptions options) {
  impl_->begin_entry(name, options);
}
void Writer::write(const char* data, std::size_t size) {
  impl_->write(data, size);
}
void Writer::end_entry() {
  impl_->end_entry();
}
void Writer::add(std::string_view name, std::string_view data, EntryOptions options) {
  begin_entry(name, options);
  write(data.data(), data.size());
  end_entry();
}
void Writer::close() {
  impl_->close();
}
std::uint64_t Writer::bytes_written() const {
  return impl_->sent;
}

}  // namespace xport::zip
