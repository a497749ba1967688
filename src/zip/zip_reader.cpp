// Streaming zip reader on libarchive's "zip_streamable" format: it walks the local headers
// front to back and never seeks, so stdin and HTTP bodies work. The price is that it cannot
// consult the central directory: entries that defer their sizes to a data descriptor are
// delimited by the descriptor itself (deflate ends on its own; stored data is scanned for
// the "PK\7\10" signature followed by the matching CRC). The first entry of a zip FILE has
// a faster path (minizip + ISA-L, first_entry_file.cpp) that falls back to this reader.
#include <archive.h>
#include <archive_entry.h>
#include <locale.h>

#include <exception>
#include <new>
#include <stdexcept>
#include <string>
#include <utility>

#include "xport/zip.hpp"

namespace xport::zip {
namespace {

// Large enough that libarchive rarely has to stitch a header across two reads, small enough
// to stay cache-friendly.
constexpr std::size_t kReadBufferBytes = 256 * 1024;

// libarchive converts UTF-8 entry names to the current locale's charset; in the "C" locale
// every non-ASCII character would come out as '?'. uselocale() is per thread, so switching
// LC_CTYPE to UTF-8 while libarchive decodes a header affects nobody else. (Names are also
// normalized to Unicode NFC by that conversion.)
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

struct ArchiveReadFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

// Zip marks directory entries with a trailing '/' (libarchive adds one when only the
// external attributes say "directory", which the streaming reader cannot see anyway).
bool is_directory_name(const std::string& name) {
  return !name.empty() && name.back() == '/';
}

}  // namespace

struct Reader::Impl {
  explicit Impl(ByteSource& input);
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  bool next_entry();
  std::size_t read(char* buffer, std::size_t capacity);

  [[noreturn]] void fail();
  static la_ssize_t read_callback(archive*, void* self, const void** block);

  ByteSource& source;
  std::unique_ptr<char[]> buffer = std::make_unique_for_overwrite<char[]>(kReadBufferBytes);
  // An exception thrown by the source inside the callback: it must not unwind through C
  // code, so it is parked here and rethrown once libarchive has returned.
  std::exception_ptr source_error;
  std::string name;
  std::optional<std::uint64_t> size;
  bool in_entry = false;
  bool finished = false;
  // Last member: freed first, while the buffer its callback fills is still alive.
  std::unique_ptr<archive, ArchiveReadFree> ar{archive_read_new()};
};

Reader::Impl::Impl(ByteSource& input) : source(input) {
  if (!ar) throw std::bad_alloc();
  if (archive_read_support_format_zip_streamable(ar.get()) != ARCHIVE_OK) fail();
  Utf8CtypeScope utf8;
  if (archive_read_open(ar.get(), this, nullptr, &read_callback, nullptr) != ARCHIVE_OK) fail();
}

bool Reader::Impl::next_entry() {
  if (finished) return false;
  in_entry = false;
  name.clear();  // so a header error is not blamed on the previous entry
  archive_entry* entry = nullptr;
  Utf8CtypeScope utf8;
  const int rc = archive_read_next_header(ar.get(), &entry);
  if (rc == ARCHIVE_EOF) {
    finished = true;
    return false;
  }
  if (rc < ARCHIVE_WARN) fail();
  const char* path = archive_entry_pathname(entry);
  name = path != nullptr ? path : "";
  size.reset();
  if (archive_entry_size_is_set(entry))
    size = static_cast<std::uint64_t>(archive_entry_size(entry));
  in_entry = true;
  return true;
}

std::size_t Reader::Impl::read(char* out, std::size_t capacity) {
  if (!in_entry || capacity == 0) return 0;
  const la_ssize_t n = archive_read_data(ar.get(), out, capacity);
  if (n < 0) fail();
  return static_cast<std::size_t>(n);
}

void Reader::Impl::fail() {
  in_entry = false;
  finished = true;
  if (source_error) {
    std::exception_ptr error = std::exchange(source_error, nullptr);
    std::rethrow_exception(error);
  }
  const char* message = archive_error_string(ar.get());
  std::string where = source.name();
  if (!name.empty()) where += " (entry \"" + name + "\")";
  throw InputError(where + ": invalid zip archive: " +
                   (message != nullptr ? message : "unknown libarchive error"));
}

la_ssize_t Reader::Impl::read_callback(archive*, void* self, const void** block) {
  auto& impl = *static_cast<Impl*>(self);
  try {
    *block = impl.buffer.get();
    return static_cast<la_ssize_t>(impl.source.read(impl.buffer.get(), kReadBufferBytes));
  } catch (...) {
    impl.source_error = std::current_exception();
    return -1;
  }
}

Reader::Reader(ByteSource& source) : impl_(std::make_unique<Impl>(source)) {}

Reader::~Reader() = default;

bool Reader::next_entry() {
  return impl_->next_entry();
}

const std::string& Reader::name() const {
  return impl_->name;
}

std::optional<std::uint64_t> Reader::size() const {
  return impl_->size;
}

std::size_t Reader::read(char* buffer, std::size_t capacity) {
  return impl_->read(buffer, capacity);
}

namespace {

// The first regular-file entry of an archive as a ByteSource. Owns the archive's source;
// the Reader member is declared after it, so it is destroyed before the source it reads.
class FirstEntrySource final : public ByteSource {
 public:
  explicit FirstEntrySource(std::unique_ptr<ByteSource> source)
      : source_(std::move(source)), reader_(*source_) {
    while (reader_.next_entry()) {
      if (!is_directory_name(reader_.name())) {
        name_ = source_->name() + ":" + reader_.name();
        return;
      }
    }
    throw InputError(source_->name() + ": the zip archive has no file entry");
  }

  std::size_t read(char* buffer, std::size_t capacity) override {
    return reader_.read(buffer, capacity);
  }
  std::optional<std::uint64_t> size() const override { return reader_.size(); }
  std::string name() const override { return name_; }

 private:
  std::unique_ptr<ByteSource> source_;
  Reader reader_;
  std::string name_;
};

}  // namespace

std::unique_ptr<ByteSource> open_first_entry(std::unique_ptr<ByteSource> source) {
  if (!source) throw std::invalid_argument("zip::open_first_entry: null source");
  return std::make_unique<FirstEntrySource>(std::move(source));
}

}  // namespace xport::zip
