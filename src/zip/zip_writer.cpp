// Streaming zip writer on libarchive.
//
// libarchive's zip format writes every entry as: local header (sizes unknown, so a data
// descriptor follows the data), data, data descriptor; the central directory is kept in
// memory and written by close(). The output goes through archive_write_open2 callbacks
// with a block size of 0, so libarchive hands its buffers straight to us instead of
// copying them into 10 KiB blocks.
//
// Compression level: libarchive 3.6.2 only accepts format options ("compression-level")
// while the archive is still new, i.e. before archive_write_open2, and has no per-entry
// level API (archive_write_zip_set_compression_{store,deflate} switch the method only).
// The archive is therefore opened lazily by the first begin_entry(), and that entry's
// level becomes the deflate level of the whole archive. Later entries choose store or
// deflate freely, but their level is ignored.
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

#include <cstring>
#include <ctime>
#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "xport/zip.hpp"

namespace xport::zip {
namespace {

// Small writes (zip headers, data descriptors, a caller's small stored chunks) are gathered
// into one buffer so the sink does not see a system call per 30-byte header; writes of at
// least kDirectWriteBytes (libarchive's 64 KiB deflate blocks, large stored chunks) go to
// the sink directly from libarchive's or the caller's memory, without a copy.
constexpr std::size_t kPendingCapacity = 64 * 1024;
constexpr std::size_t kDirectWriteBytes = 16 * 1024;
constexpr int kMinLevel = 1;
constexpr int kMaxLevel = 9;
constexpr int kDefaultLevel = 6;

// libarchive sets the zip "UTF-8 name" flag only when nl_langinfo(CODESET) says UTF-8, so in
// the "C" locale non-ASCII names would be stored as CP437 for every reader. uselocale() is
// per thread, so switching LC_CTYPE around the header write affects nobody else.
class Utf8CtypeScope {
 public:
  Utf8CtypeScope() {
    static const locale_t utf8 = ::newlocale(LC_CTYPE_MASK, "C.UTF-8", locale_t{});
    if (utf8 != locale_t{}) previous_ = ::uselocale(utf8);
  }
  ~Utf8CtypeScope() {
    if (previous_ != locale_t{}) ::uselocale(previous_);
  }
  Utf8CtypeScope(const Utf8CtypeScope&) = delete;
  Utf8CtypeScope& operator=(const Utf8CtypeScope&) = delete;

 private:
  locale_t previous_{};
};

struct ArchiveWriteFree {
  void operator()(archive* a) const { archive_write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const { archive_entry_free(e); }
};

std::string archive_message(archive* a) {
  const char* message = archive_error_string(a);
  return message != nullptr ? message : "unknown libarchive error";
}

}  // namespace

struct Writer::Impl {
  enum class State { not_opened, between_entries, in_entry, closed, failed };

  Impl(ByteSink& target, WriterOptions writer_options);
  ~Impl();
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  void open(int level);
  void begin_entry(std::string_view name, const EntryOptions& options);
  void write(const char* data, std::size_t size);
  void end_entry();
  void close();

  void require(State expected, const char* operation) const;
  void select_method(Method method);
  void prepare_entry(std::string_view name);
  void flush_pending();
  void accept(const char* data, std::size_t size);
  void check(la_ssize_t rc, const std::string& action);
  [[noreturn]] void fail(const std::string& action);
  static la_ssize_t write_callback(archive*, void* self, const void* data, std::size_t size);

  ByteSink& sink;
  WriterOptions options;
  std::time_t mtime = std::time(nullptr);
  State state = State::not_opened;
  std::uint64_t handed_to_sink = 0;
  std::unique_ptr<char[]> pending = std::make_unique_for_overwrite<char[]>(kPendingCapacity);
  std::size_t pending_size = 0;
  // An exception thrown by the sink inside a libarchive callback: it must not unwind through
  // C code, so it is parked here and rethrown once libarchive has returned.
  std::exception_ptr sink_error;
  // Once set, output is dropped while libarchive is told it was written. Set after a sink
  // failure and while destroying. Reporting the failure to libarchive instead would leave its
  // deflate stream pointing into the caller's buffer (finishing the entry later reads freed
  // memory) or, in finish_entry, skip deflateEnd and leak the zlib state.
  bool discard_output = false;
  std::unique_ptr<archive_entry, EntryFree> entry{archive_entry_new()};
  // Last member: freed first, while everything its callbacks touch is still alive.
  std::unique_ptr<archive, ArchiveWriteFree> ar{archive_write_new()};
};

Writer::Impl::Impl(ByteSink& target, WriterOptions writer_options)
    : sink(target), options(writer_options) {
  if (!ar || !entry) throw std::bad_alloc();
  if (archive_write_set_format_zip(ar.get()) != ARCHIVE_OK ||
      archive_write_set_bytes_per_block(ar.get(), 0) != ARCHIVE_OK) {
    fail("cannot set up the zip writer");
  }
  // Forces zip64 extras and the zip64 end records. Without it libarchive still marks every
  // entry of unknown size as zip64 in its local header and adds zip64 records wherever
  // sizes or offsets pass 4 GiB.
  if (options.zip64 &&
      archive_write_set_format_option(ar.get(), "zip", "zip64", "1") != ARCHIVE_OK) {
    fail("cannot enable zip64");
  }
}

Writer::Impl::~Impl() {
  // archive_write_free() closes an open archive, which also finishes a half-written deflate
  // entry and so releases its zlib state. Output produced by that close is dropped.
  discard_output = true;
}

void Writer::Impl::open(int level) {
  const std::string level_text = std::to_string(level);
  if (archive_write_set_format_option(ar.get(), "zip", "compression-level", level_text.c_str()) !=
      ARCHIVE_OK) {
    fail("cannot set compression level " + level_text);
  }
  check(archive_write_open2(ar.get(), this, nullptr, &write_callback, nullptr, nullptr),
        "cannot start the archive");
  state = State::between_entries;
}

void Writer::Impl::require(State expected, const char* operation) const {
  if (state == expected) return;
  if (state == State::failed) {
    throw IoError("zip archive " + sink.name() + ": " + operation +
                  " after an earlier write error");
  }
  throw std::logic_error(std::string("zip::Writer: ") + operation + " called out of order");
}

void Writer::Impl::begin_entry(std::string_view name, const EntryOptions& entry_options) {
  check_entry_name(name);
  if (entry_options.method == Method::deflate &&
      (entry_options.level < kMinLevel || entry_options.level > kMaxLevel)) {
    throw ConfigError("zip compression level " + std::to_string(entry_options.level) +
                      " is out of range (1..9)");
  }
  if (state == State::not_opened) {
    const bool level_valid = entry_options.level >= kMinLevel && entry_options.level <= kMaxLevel;
    open(level_valid ? entry_options.level : kDefaultLevel);
  }
  require(State::between_entries, "begin_entry");
  select_method(entry_options.method);
  prepare_entry(name);
  int rc = ARCHIVE_OK;
  {
    Utf8CtypeScope utf8;
    rc = archive_write_header(ar.get(), entry.get());
  }
  check(rc, "cannot start entry \"" + std::string(name) + "\"");
  state = State::in_entry;
}

void Writer::Impl::select_method(Method method) {
  const int rc = method == Method::store ? archive_write_zip_set_compression_store(ar.get())
                                         : archive_write_zip_set_compression_deflate(ar.get());
  if (rc != ARCHIVE_OK) fail("cannot select the compression method");
}

// A regular file of unknown size: libarchive then sets the "data descriptor" flag and
// writes sizes and CRC after the data, which is what lets us stream.
void Writer::Impl::prepare_entry(std::string_view name) {
  archive_entry* e = entry.get();
  archive_entry_clear(e);
  archive_entry_copy_pathname(e, std::string(name).c_str());
  archive_entry_set_filetype(e, AE_IFREG);
  archive_entry_set_perm(e, 0644);
  archive_entry_set_mtime(e, mtime, 0);
  archive_entry_unset_size(e);
}

void Writer::Impl::write(const char* data, std::size_t size) {
  require(State::in_entry, "write");
  while (size > 0) {
    // archive_write_data() caps one call at INT_MAX bytes and returns what it took.
    const la_ssize_t taken = archive_write_data(ar.get(), data, size);
    if (taken <= 0 || sink_error) fail("cannot write entry data");
    data += taken;
    size -= static_cast<std::size_t>(taken);
  }
}

void Writer::Impl::end_entry() {
  require(State::in_entry, "end_entry");
  check(archive_write_finish_entry(ar.get()), "cannot finish the entry");
  // Entry boundaries are where callers look at bytes_written(); make it exact there.
  flush_pending();
  state = State::between_entries;
}

void Writer::Impl::close() {
  if (state == State::closed) return;
  if (state == State::not_opened) open(kDefaultLevel);  // an empty but valid archive
  if (state == State::in_entry) end_entry();
  require(State::between_entries, "close");
  check(archive_write_close(ar.get()), "cannot write the central directory");
  flush_pending();
  state = State::closed;
}

void Writer::Impl::flush_pending() {
  if (pending_size == 0) return;
  const std::size_t size = pending_size;
  pending_size = 0;
  try {
    sink.write(pending.get(), size);
  } catch (...) {
    state = State::failed;
    throw;
  }
  handed_to_sink += size;
}

void Writer::Impl::accept(const char* data, std::size_t size) {
  if (size >= kDirectWriteBytes) {
    flush_pending();
    sink.write(data, size);
    handed_to_sink += size;
    return;
  }
  if (pending_size + size > kPendingCapacity) flush_pending();
  std::memcpy(pending.get() + pending_size, data, size);
  pending_size += size;
}

// The sink's own error takes precedence: libarchive saw success (see discard_output).
void Writer::Impl::check(la_ssize_t rc, const std::string& action) {
  if (sink_error || rc < ARCHIVE_WARN) fail(action);
}

void Writer::Impl::fail(const std::string& action) {
  state = State::failed;
  if (sink_error) {
    std::exception_ptr error = std::exchange(sink_error, nullptr);
    std::rethrow_exception(error);
  }
  throw IoError("zip archive " + sink.name() + ": " + action + ": " + archive_message(ar.get()));
}

la_ssize_t Writer::Impl::write_callback(archive*, void* self, const void* data, std::size_t size) {
  auto& impl = *static_cast<Impl*>(self);
  if (impl.discard_output) return static_cast<la_ssize_t>(size);
  try {
    impl.accept(static_cast<const char*>(data), size);
    return static_cast<la_ssize_t>(size);
  } catch (...) {
    impl.sink_error = std::current_exception();
    impl.discard_output = true;
    return static_cast<la_ssize_t>(size);
  }
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
  write(data);
  end_entry();
}

void Writer::close() {
  impl_->close();
}

std::uint64_t Writer::bytes_written() const {
  return impl_->handed_to_sink;
}

}  // namespace xport::zip
