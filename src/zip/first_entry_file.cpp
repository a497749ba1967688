// The first entry of a zip FILE, fast: the export the platform hands us is a regular file
// (the SDK downloads it, `xport convert` is given a path), so there is no need to stream it
// like stdin. minizip reads the container (end records, zip64, the central directory, the
// local header); the entry's deflate stream is read with pread() and inflated by ISA-L
// (~2.2x zlib's speed on AAF NDJSON, see docs/performance.md), on a thread of its own that
// stays a few blocks ahead of the reader, so inflating overlaps with chunking and parsing.
// The CRC-32 (computed by ISA-L while inflating) and the size are checked against the
// central directory at the end of the entry.
//
// Anything unusual goes back to the streaming libarchive reader, which reports problems in
// its own words: see detail::open_first_entry_fast().
#include "zip/first_entry_file.hpp"

#include <fcntl.h>
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <minizip/unzip.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <exception>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "xport/zip.hpp"

namespace xport::zip {
namespace {

// Inflated data travels to the reader in blocks: the producer owns at most kBlocks - 1 of
// them ahead of the one being read (4 MiB in flight: as much as one chunker read).
constexpr std::size_t kBlockBytes = std::size_t{1} << 20;
constexpr std::size_t kBlocks = 4;
constexpr std::size_t kInputBytes = std::size_t{256} << 10;  // compressed bytes per pread()
constexpr unsigned long kFlagEncrypted = 1u << 0;
constexpr unsigned long kFlagUtf8Name = 1u << 11;
constexpr int kMethodStore = 0;
constexpr int kMethodDeflate = 8;

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// minizip's file callbacks over our descriptor: one descriptor for the container and the
// data, and nothing minizip does can block on a different file than the one we checked.
struct MinizipFile {
  int fd;
  std::uint64_t size;
  std::uint64_t pos = 0;
  bool error = false;
};

voidpf ZCALLBACK open_cb(voidpf opaque, const void*, int) {
  return opaque;
}
uLong ZCALLBACK read_cb(voidpf, voidpf stream, void* buf, uLong size) {
  auto& file = *static_cast<MinizipFile*>(stream);
  uLong done = 0;
  while (done < size) {
    const ssize_t n =
        ::pread(file.fd, static_cast<char*>(buf) + done, size - done, static_cast<off_t>(file.pos));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) file.error = true;
    if (n <= 0) break;
    done += static_cast<uLong>(n);
    file.pos += static_cast<std::uint64_t>(n);
  }
  return done;
}
uLong ZCALLBACK write_cb(voidpf, voidpf, const void*, uLong) {
  return 0;
}
ZPOS64_T ZCALLBACK tell_cb(voidpf, voidpf stream) {
  return static_cast<MinizipFile*>(stream)->pos;
}
long ZCALLBACK seek_cb(voidpf, voidpf stream, ZPOS64_T offset, int origin) {
  auto& file = *static_cast<MinizipFile*>(stream);
  switch (origin) {
    case ZLIB_FILEFUNC_SEEK_SET:
      file.pos = offset;
      return 0;
    case ZLIB_FILEFUNC_SEEK_CUR:
      file.pos += offset;
      return 0;
    case ZLIB_FILEFUNC_SEEK_END:
      file.pos = file.size + offset;
      return 0;
    default:
      return -1;
  }
}
int ZCALLBACK close_cb(voidpf, voidpf) {
  return 0;
}
int ZCALLBACK error_cb(voidpf, voidpf stream) {
  return static_cast<MinizipFile*>(stream)->error ? 1 : 0;
}

struct UnzClose {
  void operator()(void* uf) const { unzClose(uf); }
};

// Where the first file entry's data is, and what the central directory says it holds.
struct EntryInfo {
  std::string name;
  bool deflated = false;
  std::uint64_t data_offset = 0;
  std::uint64_t compressed_size = 0;
  std::uint64_t size = 0;
  std::uint32_t crc = 0;
};

bool is_ascii(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// The first file entry (directories, named "x/", are skipped as the streaming reader
// does), or nothing when the fast path does not apply to it.
std::optional<EntryInfo> locate_first_entry(int fd, std::uint64_t file_size) {
  MinizipFile file{fd, file_size};
  zlib_filefunc64_def io{open_cb, read_cb, write_cb, tell_cb, seek_cb, close_cb, error_cb, &file};
  std::unique_ptr<void, UnzClose> uf(unzOpen2_64("", &io));
  if (!uf) return std::nullopt;  // no end of central directory: truncated, or not a zip
  for (int rc = unzGoToFirstFile(uf.get()); rc == UNZ_OK; rc = unzGoToNextFile(uf.get())) {
    unz_file_info64 info{};
    if (unzGetCurrentFileInfo64(uf.get(), &info, nullptr, 0, nullptr, 0, nullptr, 0) != UNZ_OK)
      return std::nullopt;
    std::vector<char> name_buffer(info.size_filename + 1);
    if (unzGetCurrentFileInfo64(uf.get(), &info, name_buffer.data(),
                                static_cast<uLong>(name_buffer.size()), nullptr, 0, nullptr,
                                0) != UNZ_OK)
      return std::nullopt;
    std::string name(name_buffer.data(), info.size_filename);
    if (!name.empty() && name.back() == '/') continue;

    // libarchive decodes names that are not flagged UTF-8 from CP437: leave those to it.
    if ((info.flag & kFlagEncrypted) != 0 ||
        (info.compression_method != kMethodStore && info.compression_method != kMethodDeflate) ||
        ((info.flag & kFlagUtf8Name) == 0 && !is_ascii(name)))
      return std::nullopt;
    if (info.compression_method == kMethodStore && info.compressed_size != info.uncompressed_size)
      return std::nullopt;
    // Checks the local header against the central directory and finds the data after it.
    int method = 0, level = 0;
    if (unzOpenCurrentFile2(uf.get(), &method, &level, 1) != UNZ_OK) return std::nullopt;
    const ZPOS64_T offset = unzGetCurrentFileZStreamPos64(uf.get());
    unzCloseCurrentFile(uf.get());
    if (offset > file_size || info.compressed_size > file_size - offset) return std::nullopt;

    EntryInfo entry;
    entry.name = std::move(name);
    entry.deflated = info.compression_method == kMethodDeflate;
    entry.data_offset = offset;
    entry.compressed_size = info.compressed_size;
    entry.size = info.uncompressed_size;
    entry.crc = static_cast<std::uint32_t>(info.crc);
    return entry;
  }
  return std::nullopt;  // no file entry: the streaming reader says so
}

const char* isal_error_text(int rc) {
  switch (rc) {
    case ISAL_INVALID_BLOCK:
      return "invalid deflate block";
    case ISAL_INVALID_SYMBOL:
      return "invalid deflate symbol";
    case ISAL_INVALID_LOOKBACK:
      return "invalid deflate distance";
    default:
      return "invalid deflate data";
  }
}

// The entry as a ByteSource. A producer thread fills blocks (inflating or copying) and
// hands them over in order; read() copies out of them. Blocks [consumed_, produced_) are
// full and belong to the reader; the producer may fill block produced_ once fewer than
// kBlocks are full. An error of the producer (corrupt data, CRC mismatch, a failing read)
// reaches read() after the data before it, and is thrown again by every later read().
class FastEntrySource final : public ByteSource {
 public:
  FastEntrySource(Fd fd, std::string archive, EntryInfo entry)
      : fd_(std::move(fd)),
        archive_(std::move(archive)),
        entry_(std::move(entry)),
        name_(archive_ + ":" + entry_.name) {
    for (auto& block : blocks_)
      block = std::make_unique_for_overwrite<char[]>(kBlockBytes);
    producer_ = std::thread([this] { produce(); });
  }

  ~FastEntrySource() override {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    stop_requested_.store(true, std::memory_order_relaxed);
    space_.notify_all();
    producer_.join();
  }

  FastEntrySource(const FastEntrySource&) = delete;
  FastEntrySource& operator=(const FastEntrySource&) = delete;

  std::size_t read(char* buffer, std::size_t capacity) override {
    std::size_t copied = 0;
    std::unique_lock lock(mutex_);
    while (copied < capacity) {
      if (consumed_ == produced_) {
        if (copied > 0) break;  // hand over what is here rather than wait
        data_.wait(lock, [&] { return consumed_ < produced_ || done_; });
        if (consumed_ == produced_) {
          if (error_) std::rethrow_exception(error_);
          return 0;
        }
      }
      const std::size_t index = consumed_ % kBlocks;
      const std::size_t n = std::min(sizes_[index] - offset_, capacity - copied);
      lock.unlock();  // the block is ours until consumed_ moves past it
      std::memcpy(buffer + copied, blocks_[index].get() + offset_, n);
      lock.lock();
      copied += n;
      offset_ += n;
      if (offset_ == sizes_[index]) {
        offset_ = 0;
        ++consumed_;
        space_.notify_one();
      }
    }
    return copied;
  }

  std::optional<std::uint64_t> size() const override { return entry_.size; }
  std::string name() const override { return name_; }

 private:
  void produce() {
    std::exception_ptr error;
    try {
      if (entry_.deflated)
        inflate_entry();
      else
        copy_stored_entry();
    } catch (...) {
      error = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    done_ = true;
    error_ = error;
    data_.notify_all();
  }

  // The next block to fill, or nullptr when the reader has gone away.
  char* acquire_block() {
    std::unique_lock lock(mutex_);
    space_.wait(lock, [&] { return stop_ || produced_ - consumed_ < kBlocks; });
    return stop_ ? nullptr : blocks_[produced_ % kBlocks].get();
  }

  void publish_block(std::size_t bytes) {
    std::lock_guard lock(mutex_);
    sizes_[produced_ % kBlocks] = bytes;
    ++produced_;
    data_.notify_one();
  }

  bool stopping() const { return stop_requested_.load(std::memory_order_relaxed); }

  [[noreturn]] void corrupt(const std::string& what) const {
    throw InputError(archive_ + " (entry \"" + entry_.name + "\"): invalid zip archive: " + what);
  }

  // Exactly `size` bytes of the archive at `offset`.
  void read_archive(char* out, std::size_t size, std::uint64_t offset) const {
    while (size > 0) {
      const ssize_t n = ::pread(fd_.get(), out, size, static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw IoError("cannot read " + archive_ + ": " + std::strerror(errno));
      if (n == 0) corrupt("the file ends inside the entry's data (was it truncated?)");
      out += n;
      size -= static_cast<std::size_t>(n);
      offset += static_cast<std::uint64_t>(n);
    }
  }

  void check_end(std::uint64_t size, std::uint32_t crc) const {
    if (size != entry_.size)
      corrupt("the entry holds " + std::to_string(size) + " bytes, the central directory says " +
              std::to_string(entry_.size));
    if (crc != entry_.crc) corrupt("CRC-32 mismatch: the entry's data is corrupt");
  }

  void copy_stored_entry() {
    std::uint64_t offset = entry_.data_offset;
    std::uint64_t left = entry_.size;
    std::uint32_t crc = 0;
    while (left > 0) {
      char* block = acquire_block();
      if (block == nullptr) return;
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(left, kBlockBytes));
      read_archive(block, n, offset);
      crc = crc32_gzip_refl(crc, reinterpret_cast<const unsigned char*>(block), n);
      offset += n;
      left -= n;
      publish_block(n);
    }
    check_end(entry_.size, crc);
  }

  void inflate_entry() {
    auto state = std::make_unique<inflate_state>();
    isal_inflate_init(state.get());
    state->crc_flag = ISAL_GZIP_NO_HDR;  // raw deflate; keep the CRC-32 of the output
    auto input = std::make_unique_for_overwrite<char[]>(kInputBytes);
    std::uint64_t in_offset = entry_.data_offset;
    std::uint64_t in_left = entry_.compressed_size;
    std::uint64_t out_total = 0;  // state->total_out is 32 bits
    char* block = nullptr;
    std::size_t filled = 0;
    for (;;) {
      if (block == nullptr) {
        block = acquire_block();
        if (block == nullptr) return;
        filled = 0;
      }
      if (state->avail_in == 0 && in_left > 0) {
        const std::size_t n =
            static_cast<std::size_t>(std::min<std::uint64_t>(in_left, kInputBytes));
        read_archive(input.get(), n, in_offset);
        in_offset += n;
        in_left -= n;
        state->next_in = reinterpret_cast<std::uint8_t*>(input.get());
        state->avail_in = static_cast<std::uint32_t>(n);
      }
      state->next_out = reinterpret_cast<std::uint8_t*>(block + filled);
      state->avail_out = static_cast<std::uint32_t>(kBlockBytes - filled);
      const std::uint32_t in_before = state->avail_in;
      const std::uint32_t out_before = state->avail_out;
      const int rc = isal_inflate(state.get());
      if (rc < 0) corrupt(isal_error_text(rc));
      const std::size_t produced = out_before - state->avail_out;
      filled += produced;
      out_total += produced;
      if (out_total > entry_.size)
        corrupt("the entry inflates to more than the " + std::to_string(entry_.size) +
                " bytes the central directory says");
      const bool finished = state->block_state == ISAL_BLOCK_FINISH;
      if (filled == kBlockBytes || (finished && filled > 0)) {
        publish_block(filled);
        block = nullptr;
      }
      if (finished) break;
      if (produced == 0 && state->avail_in == in_before && state->avail_out > 0) {
        // No progress with room for output: the input is used up (truncated stream) or
        // ISA-L cannot go on with it.
        if (state->avail_in == 0 && in_left == 0) corrupt("the deflate stream ends early");
        corrupt("invalid deflate data");
      }
      if (stopping()) return;
    }
    check_end(out_total, state->crc);
  }

  Fd fd_;
  std::string archive_;
  EntryInfo entry_;
  std::string name_;
  std::array<std::unique_ptr<char[]>, kBlocks> blocks_;
  std::array<std::size_t, kBlocks> sizes_{};

  std::mutex mutex_;
  std::condition_variable data_;   // a block was published, or the producer is done
  std::condition_variable space_;  // a block was released, or stop_
  std::uint64_t produced_ = 0;     // blocks published
  std::uint64_t consumed_ = 0;     // blocks released by the reader
  std::size_t offset_ = 0;         // read position in block consumed_
  bool stop_ = false;
  bool done_ = false;
  std::exception_ptr error_;
  std::atomic<bool> stop_requested_{false};

  std::thread producer_;  // last: started once everything above exists
};

}  // namespace

namespace detail {

std::unique_ptr<ByteSource> open_first_entry_fast(const std::string& path) {
  if (path == "-") return nullptr;
  // stat() before open(): opening a FIFO would block, and its bytes are not ours to take.
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) return nullptr;  // the fallback reports why
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return nullptr;
  const auto file_size = static_cast<std::uint64_t>(st.st_size);
  std::optional<EntryInfo> entry = locate_first_entry(fd.get(), file_size);
  if (!entry) return nullptr;
#ifdef POSIX_FADV_SEQUENTIAL
  ::posix_fadvise(fd.get(), static_cast<off_t>(entry->data_offset),
                  static_cast<off_t>(entry->compressed_size), POSIX_FADV_SEQUENTIAL);
#endif
  return std::make_unique<FastEntrySource>(std::move(fd), path, std::move(*entry));
}

}  // namespace detail

std::unique_ptr<ByteSource> open_first_entry_file(const std::string& path) {
  if (auto fast = detail::open_first_entry_fast(path)) return fast;
  return open_first_entry(open_file_source(path));
}

}  // namespace xport::zip
