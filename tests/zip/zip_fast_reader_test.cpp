// Tests for zip::open_first_entry_file(): the fast path for zip files (minizip for the
// container, ISA-L inflating on a thread of its own) on archives of our Writer and of
// Python's zipfile, its checks (corrupt data, CRC and size mismatches, truncation), early
// destruction, and the fallback to the streaming reader for what it does not handle.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/process.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"
#include "zip/first_entry_file.hpp"

namespace xport::zip {
namespace {

namespace fs = std::filesystem;

constexpr const char* kPython = "/usr/bin/python3";

// Deterministic pseudo-random numbers, so failures reproduce.
class Lcg {
 public:
  explicit Lcg(std::uint64_t seed) : state_(seed) {}
  std::uint32_t next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<std::uint32_t>(state_ >> 33);
  }

 private:
  std::uint64_t state_;
};

// NDJSON-like text: compressible, but not trivially so.
std::string make_records(std::size_t min_bytes, std::uint64_t seed = 42) {
  std::string out;
  out.reserve(min_bytes + 256);
  Lcg rng(seed);
  for (std::size_t i = 0; out.size() < min_bytes; ++i) {
    out += "{\"id\":" + std::to_string(i) + ",\"value\":" + std::to_string(rng.next()) +
           ",\"label\":\"item-" + std::to_string(rng.next() % 1000) + "\"}\n";
  }
  return out;
}

std::string make_binary(std::size_t bytes) {
  std::string out(bytes, '\0');
  Lcg rng(7);
  for (char& c : out)
    c = static_cast<char>(rng.next() & 0xFFu);
  return out;
}

using xport::test::TempDir;  // tests/support/process.hpp

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

void write_file(const fs::path& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

bool have_python() {
  return ::access(kPython, X_OK) == 0;
}

int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string quote(const std::string& text) {
  std::string out = "'";
  for (char c : text)
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Writes `entries` with Python's zipfile. `compression` is a zipfile constant name;
// `streamed` writes through a non-seekable stream, so sizes go to data descriptors.
void python_zip(const fs::path& zip, const std::vector<std::pair<std::string, fs::path>>& entries,
                const std::string& compression, bool streamed = false) {
  std::string script = "import sys, zipfile\n";
  if (streamed) {
    script +=
        "class Unseekable:\n"
        "    def __init__(self, f): self.f = f\n"
        "    def write(self, b): return self.f.write(b)\n"
        "    def flush(self): self.f.flush()\n"
        "out = Unseekable(open(sys.argv[1], 'wb'))\n";
  } else {
    script += "out = sys.argv[1]\n";
  }
  script += "with zipfile.ZipFile(out, 'w', zipfile." + compression +
            ") as z:\n"
            "    for i in range(2, len(sys.argv), 2):\n"
            "        z.write(sys.argv[i + 1], sys.argv[i])\n";
  std::string command = std::string(kPython) + " -c " + quote(script) + " " + quote(zip.string());
  for (const auto& [name, file] : entries)
    command += " " + quote(name) + " " + quote(file.string());
  ASSERT_EQ(run(command), 0) << command;
}

// A zip written by our Writer.
std::string writer_zip(const std::vector<std::pair<std::string, std::string>>& entries,
                       EntryOptions options) {
  StringSink sink;
  Writer writer(sink);
  for (const auto& [name, data] : entries)
    writer.add(name, data, options);
  writer.close();
  return sink.data();
}

std::string read_all(ByteSource& source, std::size_t chunk = 64 * 1024) {
  std::string out;
  std::vector<char> buffer(chunk);
  while (std::size_t n = source.read(buffer.data(), buffer.size()))
    out.append(buffer.data(), n);
  return out;
}

// Reads the entry through the fast path, which must apply.
std::string read_fast(const fs::path& zip, std::size_t chunk = 64 * 1024) {
  auto source = detail::open_first_entry_fast(zip.string());
  EXPECT_NE(source, nullptr) << "the fast path did not take " << zip;
  if (!source) return {};
  return read_all(*source, chunk);
}

// Offsets of the first local header's and the first central header's fields.
std::size_t central_header(const std::string& zip) {
  const std::size_t pos = zip.rfind(std::string("PK\x01\x02", 4));
  EXPECT_NE(pos, std::string::npos);
  return pos;
}

void patch32(std::string& zip, std::size_t offset, std::uint32_t value) {
  for (int i = 0; i < 4; ++i)
    zip[offset + i] = static_cast<char>((value >> (8 * i)) & 0xFF);
}

std::uint32_t get32(const std::string& zip, std::size_t offset) {
  std::uint32_t v = 0;
  for (int i = 3; i >= 0; --i)
    v = v << 8 | static_cast<unsigned char>(zip[offset + i]);
  return v;
}

// The InputError that reading `zip` (through the public function) ends with.
std::string read_error(const fs::path& zip) {
  try {
    auto source = open_first_entry_file(zip.string());
    read_all(*source);
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

// ---------------------------------------------------------------------------------------
// Round trips

TEST(ZipFastReaderTest, ReadsWriterArchivesAtEveryMethod) {
  TempDir dir;
  const std::string data = make_records(3 << 20);
  for (EntryOptions options : {EntryOptions{Method::deflate, 1}, EntryOptions{Method::deflate, 6},
                               EntryOptions{Method::store, 1}}) {
    SCOPED_TRACE(std::to_string(static_cast<int>(options.method)) + "/" +
                 std::to_string(options.level));
    const fs::path zip = dir / "w.zip";
    write_file(zip, writer_zip({{"export.ndjson", data}, {"other.txt", "not read"}}, options));
    EXPECT_EQ(read_fast(zip), data);
    auto source = open_first_entry_file(zip.string());
    EXPECT_EQ(source->name(), zip.string() + ":export.ndjson");
    EXPECT_EQ(source->size(), data.size());
    EXPECT_EQ(read_all(*source, 4096), data);
  }
}

TEST(ZipFastReaderTest, ReadsPythonArchivesDeflatedStoredAndStreamed) {
  if (!have_python()) GTEST_SKIP() << kPython << " is not installed";
  TempDir dir;
  const std::string data = make_records(2 << 20, 5);
  write_file(dir / "export.ndjson", data);
  write_file(dir / "b.txt", "second");
  for (const char* compression : {"ZIP_DEFLATED", "ZIP_STORED"}) {
    for (bool streamed : {false, true}) {
      SCOPED_TRACE(std::string(compression) + (streamed ? " streamed" : ""));
      const fs::path zip = dir / "p.zip";
      python_zip(zip, {{"export.ndjson", dir / "export.ndjson"}, {"b.txt", dir / "b.txt"}},
                 compression, streamed);
      if (streamed) {  // the sizes are in data descriptors: general purpose flag bit 3
        ASSERT_NE(read_file(zip)[6] & 0x08, 0);
      }
      EXPECT_EQ(read_fast(zip, 1000), data);
    }
  }
}

TEST(ZipFastReaderTest, ReadsPythonForcedZip64Entries) {
  if (!have_python()) GTEST_SKIP() << kPython << " is not installed";
  TempDir dir;
  const std::string data = make_records(1 << 20, 9);
  write_file(dir / "in", data);
  const fs::path zip = dir / "z64.zip";
  // Local header sizes 0xFFFFFFFF, the real ones in a zip64 extra field.
  ASSERT_EQ(run(std::string(kPython) + " -c " +
                quote("import sys, zipfile\n"
                      "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
                      "    with z.open('export.ndjson', 'w', force_zip64=True) as f:\n"
                      "        f.write(open(sys.argv[2], 'rb').read())\n") +
                " " + quote(zip.string()) + " " + quote((dir / "in").string())),
            0);
  EXPECT_EQ(read_fast(zip), data);
}

TEST(ZipFastReaderTest, EmptyEntries) {
  TempDir dir;
  const fs::path zip = dir / "e.zip";
  for (Method method : {Method::deflate, Method::store}) {
    write_file(zip, writer_zip({{"empty.ndjson", ""}, {"b", "b"}}, {.method = method}));
    auto source = detail::open_first_entry_fast(zip.string());
    ASSERT_NE(source, nullptr);
    EXPECT_EQ(source->size(), 0u);
    char c = 0;
    EXPECT_EQ(source->read(&c, 1), 0u);
    EXPECT_EQ(source->read(&c, 1), 0u);
  }
  if (have_python()) {
    write_file(dir / "empty", "");
    python_zip(zip, {{"empty.ndjson", dir / "empty"}}, "ZIP_DEFLATED");
    EXPECT_EQ(read_fast(zip), "");
  }
}

TEST(ZipFastReaderTest, LargeEntryInOddReadSizes) {
  TempDir dir;
  const std::string data = make_records(9 << 20, 11) + make_binary(1 << 20);
  const fs::path zip = dir / "big.zip";
  write_file(zip, writer_zip({{"big", data}}, {.method = Method::deflate, .level = 6}));
  for (std::size_t chunk : {std::size_t{1} << 22, std::size_t{1048577}, std::size_t{4093}}) {
    EXPECT_EQ(read_fast(zip, chunk), data) << chunk;
  }
  // A reader slower than the producer: the queue fills and drains.
  auto source = detail::open_first_entry_fast(zip.string());
  ASSERT_NE(source, nullptr);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  EXPECT_EQ(read_all(*source, 3 << 20), data);
}

TEST(ZipFastReaderTest, SkipsDirectoriesLikeTheStreamingReader) {
  if (!have_python()) GTEST_SKIP() << kPython << " is not installed";
  TempDir dir;
  const fs::path zip = dir / "d.zip";
  ASSERT_EQ(run(std::string(kPython) + " -c " +
                quote("import sys, zipfile\n"
                      "with zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED) as z:\n"
                      "    z.writestr(zipfile.ZipInfo('dir/'), '')\n"
                      "    z.writestr('dir/export.ndjson', '{\"a\":1}\\n')\n") +
                " " + quote(zip.string())),
            0);
  auto source = detail::open_first_entry_fast(zip.string());
  ASSERT_NE(source, nullptr);
  EXPECT_EQ(source->name(), zip.string() + ":dir/export.ndjson");
  EXPECT_EQ(read_all(*source), "{\"a\":1}\n");
}

// ---------------------------------------------------------------------------------------
// Bad archives

TEST(ZipFastReaderTest, CorruptDeflateDataIsAnInputErrorNamingArchiveAndEntry) {
  TempDir dir;
  const std::string good =
      writer_zip({{"export.ndjson", make_records(2 << 20)}}, {.method = Method::deflate});
  const std::size_t data_end = central_header(good);
  const fs::path zip = dir / "bad.zip";
  int errors = 0;
  for (std::size_t k = 1; k < 16; ++k) {
    std::string bad = good;
    const std::size_t at = 100 + (data_end - 200) * k / 16;
    bad[at] = static_cast<char>(bad[at] ^ (1 << (k % 8)));
    write_file(zip, bad);
    ASSERT_NE(detail::open_first_entry_fast(zip.string()), nullptr);
    const std::string message = read_error(zip);
    SCOPED_TRACE(at);
    EXPECT_NE(message.find(zip.string() + " (entry \"export.ndjson\"): invalid zip archive: "),
              std::string::npos)
        << message;
    errors += !message.empty();
  }
  EXPECT_EQ(errors, 15);
}

TEST(ZipFastReaderTest, CrcMismatchIsAnInputErrorAfterTheData) {
  TempDir dir;
  for (Method method : {Method::deflate, Method::store}) {
    const std::string data = make_records(1 << 20);
    std::string zip_bytes = writer_zip({{"x.ndjson", data}}, {.method = method});
    // Both headers, so that the local header still agrees with the central directory.
    const std::size_t central = central_header(zip_bytes);
    const std::uint32_t wrong = get32(zip_bytes, 14) ^ 0x00010000u;
    patch32(zip_bytes, 14, wrong);
    patch32(zip_bytes, central + 16, wrong);
    const fs::path zip = dir / "crc.zip";
    write_file(zip, zip_bytes);
    auto source = detail::open_first_entry_fast(zip.string());
    ASSERT_NE(source, nullptr);
    std::string got;
    std::vector<char> buffer(65536);
    try {
      while (std::size_t n = source->read(buffer.data(), buffer.size()))
        got.append(buffer.data(), n);
      ADD_FAILURE() << "no error for a wrong CRC";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("CRC-32"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("crc.zip (entry \"x.ndjson\")"), std::string::npos);
    }
    EXPECT_EQ(got, data);  // every byte came first
    // The error stays.
    EXPECT_THROW(source->read(buffer.data(), buffer.size()), InputError);
  }
}

TEST(ZipFastReaderTest, SizeMismatchIsAnInputError) {
  if (!have_python()) GTEST_SKIP() << kPython << " is not installed";
  TempDir dir;
  write_file(dir / "in", make_records(300000));
  const fs::path zip = dir / "size.zip";
  python_zip(zip, {{"in", dir / "in"}}, "ZIP_DEFLATED");  // 32-bit sizes, no zip64 extra
  const std::string good = read_file(zip);
  const std::size_t central = central_header(good);
  for (std::int64_t delta : {-1, 1}) {
    std::string bad = good;
    const auto size = static_cast<std::uint32_t>(get32(good, 22) + delta);
    patch32(bad, 22, size);
    patch32(bad, central + 24, size);
    write_file(zip, bad);
    ASSERT_NE(detail::open_first_entry_fast(zip.string()), nullptr);
    const std::string message = read_error(zip);
    EXPECT_NE(message.find("central directory"), std::string::npos) << delta << ": " << message;
  }
}

TEST(ZipFastReaderTest, TruncatedFileIsAnInputError) {
  TempDir dir;
  for (Method method : {Method::deflate, Method::store}) {
    const std::string good =
        writer_zip({{"export.ndjson", make_records(1 << 20)}}, {.method = method});
    const fs::path zip = dir / "cut.zip";
    // Cut inside the entry's data. (Cut after it, the first entry is whole: the streaming
    // reader reads it, as it always did.)
    for (std::size_t cut : {good.size() / 3, good.size() * 2 / 3}) {
      write_file(zip, good.substr(0, cut));
      const std::string message = read_error(zip);
      EXPECT_EQ(message.rfind(zip.string(), 0), 0u) << cut << ": " << message;
    }
  }
}

TEST(ZipFastReaderTest, FileTruncatedWhileReadingIsAnInputError) {
  TempDir dir;
  const std::string good =
      writer_zip({{"export.ndjson", make_records(8 << 20)}}, {.method = Method::deflate});
  const fs::path zip = dir / "shrinking.zip";
  write_file(zip, good);
  auto source = detail::open_first_entry_fast(zip.string());
  ASSERT_NE(source, nullptr);
  fs::resize_file(zip, good.size() / 2);
  // The producer may have read ahead before the cut; the error comes at the latest at the
  // end of what it read.
  try {
    read_all(*source);
    ADD_FAILURE() << "no error for a file cut while reading";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("shrinking.zip (entry \"export.ndjson\")"),
              std::string::npos)
        << e.what();
  }
}

// ---------------------------------------------------------------------------------------
// Lifetime

TEST(ZipFastReaderTest, DestroyedWhileTheProducerRunsOrWaits) {
  TempDir dir;
  const fs::path zip = dir / "big.zip";
  write_file(zip, writer_zip({{"big", make_records(16 << 20)}}, {.method = Method::deflate}));
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 50; ++i) {
    auto source = detail::open_first_entry_fast(zip.string());
    ASSERT_NE(source, nullptr);
    if (i % 3 == 1) {
      char c;
      ASSERT_EQ(source->read(&c, 1), 1u);
    } else if (i % 3 == 2) {
      std::vector<char> buffer(5 << 20);  // more than the queue holds
      ASSERT_GT(source->read(buffer.data(), buffer.size()), 0u);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }  // each destroyed with the producer inflating or waiting for room
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(ZipFastReaderTest, DestroyedAfterAnErrorOrTheEnd) {
  TempDir dir;
  const fs::path zip = dir / "small.zip";
  write_file(zip, writer_zip({{"a", "hello"}}, {}));
  {
    auto source = detail::open_first_entry_fast(zip.string());
    ASSERT_NE(source, nullptr);
    EXPECT_EQ(read_all(*source), "hello");
  }
  {
    auto source = detail::open_first_entry_fast(zip.string());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // producer done, nothing read
  }
}

// ---------------------------------------------------------------------------------------
// Fallback to the streaming reader

TEST(ZipFastReaderTest, FallsBackForBzip2Entries) {
  if (!have_python()) GTEST_SKIP() << kPython << " is not installed";
  TempDir dir;
  const std::string data = make_records(200000);
  write_file(dir / "in", data);
  const fs::path zip = dir / "bz.zip";
  python_zip(zip, {{"export.ndjson", dir / "in"}}, "ZIP_BZIP2");
  EXPECT_EQ(detail::open_first_entry_fast(zip.string()), nullptr);
  auto source = open_first_entry_file(zip.string());
  EXPECT_EQ(source->name(), zip.string() + ":export.ndjson");
  EXPECT_EQ(read_all(*source), data);
}

TEST(ZipFastReaderTest, FallsBackForEncryptedEntries) {
  TempDir dir;
  std::string zip_bytes = writer_zip({{"secret", "data"}}, {});
  const std::size_t central = central_header(zip_bytes);
  zip_bytes[6] = static_cast<char>(zip_bytes[6] | 1);
  zip_bytes[central + 8] = static_cast<char>(zip_bytes[central + 8] | 1);
  const fs::path zip = dir / "enc.zip";
  write_file(zip, zip_bytes);
  EXPECT_EQ(detail::open_first_entry_fast(zip.string()), nullptr);
  EXPECT_NE(read_error(zip).rfind(zip.string(), 0), std::string::npos);
}

TEST(ZipFastReaderTest, FallsBackForPipes) {
  TempDir dir;
  const std::string data = make_records(300000);
  const std::string zip_bytes = writer_zip({{"export.ndjson", data}}, {});
  const fs::path fifo = dir / "pipe.zip";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(detail::open_first_entry_fast(fifo.string()), nullptr);  // does not open it
  // The reader stops after the first entry: the rest of the archive may meet a closed pipe.
  std::signal(SIGPIPE, SIG_IGN);
  std::thread writer([&] { write_file(fifo, zip_bytes); });
  std::string got;
  {
    auto source = open_first_entry_file(fifo.string());
    EXPECT_EQ(source->name(), fifo.string() + ":export.ndjson");
    got = read_all(*source);
  }
  writer.join();
  EXPECT_EQ(got, data);
}

TEST(ZipFastReaderTest, NotAZipOrMissingFile) {
  TempDir dir;
  const fs::path text = dir / "export.ndjson";
  write_file(text, "{\"a\":1}\n");
  EXPECT_EQ(detail::open_first_entry_fast(text.string()), nullptr);
  EXPECT_EQ(read_error(text).rfind(text.string() + ": invalid zip archive: ", 0), 0u);
  EXPECT_THROW(open_first_entry_file((dir / "missing.zip").string()), IoError);
  const fs::path empty_zip = dir / "empty.zip";
  write_file(empty_zip, writer_zip({}, {}));
  EXPECT_EQ(detail::open_first_entry_fast(empty_zip.string()), nullptr);
  EXPECT_THROW(open_first_entry_file(empty_zip.string()), InputError);
}

}  // namespace
}  // namespace xport::zip
