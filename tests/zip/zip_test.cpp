// Tests for xport::zip: entry-name rules, the streaming writer (checked against Info-ZIP's
// unzip, Python's zipfile and our own reader), the streaming reader and open_first_entry.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "support/temp_dir.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::zip {
namespace {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------
// Helpers

// CRC-32 (IEEE, as zip and Python's zlib.crc32 use), computed independently of libarchive.
std::uint32_t crc32(std::string_view data) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t i = 0; i < 256; ++i) {
      std::uint32_t c = i;
      for (int k = 0; k < 8; ++k)
        c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  std::uint32_t c = 0xFFFFFFFFu;
  for (char ch : data)
    c = table[(c ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

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
std::string make_records(std::size_t min_bytes) {
  std::string out;
  out.reserve(min_bytes + 256);
  Lcg rng(42);
  for (std::size_t i = 0; out.size() < min_bytes; ++i) {
    out += "{\"id\":" + std::to_string(i) + ",\"value\":" + std::to_string(rng.next()) +
           ",\"label\":\"item-" + std::to_string(rng.next() % 1000) + "\"}\n";
  }
  return out;
}

// Incompressible bytes with zip signatures sprinkled in: a stored entry whose size sits in
// a data descriptor is delimited by scanning for "PK\7\10", so make the scan work for it.
std::string make_binary(std::size_t bytes) {
  std::string out(bytes, '\0');
  Lcg rng(7);
  for (char& c : out)
    c = static_cast<char>(rng.next() & 0xFFu);
  static constexpr std::string_view kSignatures[] = {"PK\x07\x08", "PK\x03\x04", "PK\x01\x02"};
  for (std::size_t pos = 1000, k = 0; pos + 16 < bytes; pos += 99991, ++k) {
    out.replace(pos, 4, kSignatures[k % 3]);
  }
  return out;
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

int exit_code_of(const std::string& command) {
  const int status = std::system(command.c_str());
  return status != -1 && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string capture(const std::string& command) {
  std::string out;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  std::array<char, 4096> chunk{};
  std::size_t n = 0;
  while ((n = std::fread(chunk.data(), 1, chunk.size(), pipe)) > 0)
    out.append(chunk.data(), n);
  ::pclose(pipe);
  return out;
}

bool executable(const char* path) {
  return ::access(path, X_OK) == 0;
}

using xport::test::TempDir;

struct Entry {
  std::string name;
  std::string content;
};

// Every entry of a Reader, read in chunks of `chunk` bytes.
std::vector<Entry> read_entries(Reader& reader, std::size_t chunk) {
  std::vector<Entry> entries;
  std::vector<char> buffer(chunk);
  while (reader.next_entry()) {
    Entry entry{reader.name(), {}};
    while (std::size_t n = reader.read(buffer.data(), buffer.size()))
      entry.content.append(buffer.data(), n);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::string read_all(ByteSource& source) {
  std::string out;
  std::vector<char> buffer(4096);
  while (std::size_t n = source.read(buffer.data(), buffer.size()))
    out.append(buffer.data(), n);
  return out;
}

void put16(std::string& out, std::uint32_t v) {
  out += static_cast<char>(v & 0xFF);
  out += static_cast<char>((v >> 8) & 0xFF);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xFFFF);
  put16(out, v >> 16);
}

// A hand-made stored zip with sizes in the local headers (as most zip tools write), so the
// reader is also tested on archives xport did not write. Names ending in '/' are
// directories.
std::string make_plain_zip(const std::vector<Entry>& entries) {
  std::string out;
  std::string central;
  for (const Entry& e : entries) {
    const auto offset = static_cast<std::uint32_t>(out.size());
    const std::uint32_t crc = crc32(e.content);
    const auto size = static_cast<std::uint32_t>(e.content.size());
    const auto name_size = static_cast<std::uint32_t>(e.name.size());
    out += "PK\x03\x04";
    put16(out, 20);    // version needed
    put16(out, 0);     // flags
    put16(out, 0);     // stored
    put16(out, 0);     // time
    put16(out, 0x21);  // date: 1980-01-01
    put32(out, crc);
    put32(out, size);
    put32(out, size);
    put16(out, name_size);
    put16(out, 0);  // extra length
    out += e.name;
    out += e.content;

    central += "PK\x01\x02";
    put16(central, 0x031E);  // made by: Unix, 3.0
    put16(central, 20);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0);
    put16(central, 0x21);
    put32(central, crc);
    put32(central, size);
    put32(central, size);
    put16(central, name_size);
    put16(central, 0);  // extra
    put16(central, 0);  // comment
    put16(central, 0);  // disk
    put16(central, 0);  // internal attributes
    const bool dir = !e.name.empty() && e.name.back() == '/';
    put32(central, (dir ? 040755u : 0100644u) << 16 | (dir ? 0x10u : 0u));
    put32(central, offset);
    central += e.name;
  }
  const auto central_offset = static_cast<std::uint32_t>(out.size());
  out += central;
  out += "PK\x05\x06";
  put16(out, 0);
  put16(out, 0);
  put16(out, static_cast<std::uint32_t>(entries.size()));
  put16(out, static_cast<std::uint32_t>(entries.size()));
  put32(out, static_cast<std::uint32_t>(central.size()));
  put32(out, central_offset);
  put16(out, 0);
  return out;
}

// A sink that fails once it has taken `limit` bytes.
class FailingSink final : public ByteSink {
 public:
  explicit FailingSink(std::size_t limit) : limit_(limit) {}
  void write(const char*, std::size_t size) override {
    if (taken_ + size > limit_) throw IoError("cannot write failing-sink: disk full");
    taken_ += size;
  }
  std::string name() const override { return "failing-sink"; }
  std::size_t taken() const { return taken_; }

 private:
  std::size_t limit_;
  std::size_t taken_ = 0;
};

// A source that fails after delivering a prefix.
class FailingSource final : public ByteSource {
 public:
  explicit FailingSource(std::string prefix) : prefix_(std::move(prefix)) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    if (pos_ == prefix_.size()) throw IoError("cannot read failing-source: connection reset");
    const std::size_t n = std::min(capacity, prefix_.size() - pos_);
    prefix_.copy(buffer, n, pos_);
    pos_ += n;
    return n;
  }
  std::string name() const override { return "failing-source"; }

 private:
  std::string prefix_;
  std::size_t pos_ = 0;
};

// ---------------------------------------------------------------------------------------
// Entry names

// The NameError message for `name`, or "" when it is accepted.
std::string rejection(std::string_view name) {
  try {
    check_entry_name(name);
  } catch (const NameError& e) {
    return e.what();
  }
  return "";
}

TEST(EntryNameTest, AcceptsSafeRelativeNames) {
  const std::string max_length(65535, 'a');
  for (std::string_view name :
       {std::string_view("a"), std::string_view("export.ndjson"),
        std::string_view("dir/sub/file.txt"), std::string_view("a..b"), std::string_view("..a"),
        std::string_view("a."), std::string_view(".hidden/x"), std::string_view("ab:c"),
        std::string_view("ñandú/日本語.txt"), std::string_view("emoji-\xF0\x9F\x98\x80"),
        std::string_view(max_length)}) {
    EXPECT_EQ(rejection(name), "") << name.substr(0, 40);
    EXPECT_EQ(check_entry_name(name).data(), name.data());
  }
}

TEST(EntryNameTest, NameErrorIsAConfigError) {
  EXPECT_THROW(check_entry_name(""), ConfigError);
}

TEST(EntryNameTest, RejectsEmptyName) {
  EXPECT_EQ(rejection(""), "invalid zip entry name \"\": it is empty");
}

TEST(EntryNameTest, RejectsAbsolutePaths) {
  EXPECT_EQ(rejection("/etc/passwd"),
            "invalid zip entry name \"/etc/passwd\": it is an absolute path (starts with '/')");
  for (std::string_view name : {"C:/x", "c:x", "Z:"}) {
    const std::string message = rejection(name);
    EXPECT_NE(message.find("drive letter"), std::string::npos) << message;
    EXPECT_NE(message.find("\"" + std::string(name) + "\""), std::string::npos) << message;
  }
}

TEST(EntryNameTest, RejectsDotDotComponents) {
  for (std::string_view name : {"..", "../x", "a/../b", "a/.."}) {
    const std::string message = rejection(name);
    EXPECT_NE(message.find("\"..\" path component"), std::string::npos) << message;
    EXPECT_NE(message.find("\"" + std::string(name) + "\""), std::string::npos) << message;
  }
}

TEST(EntryNameTest, RejectsDotComponents) {
  for (std::string_view name : {".", "./a", "a/./b", "a/."}) {
    const std::string message = rejection(name);
    EXPECT_NE(message.find("\".\" path component"), std::string::npos) << message;
    EXPECT_NE(message.find("\"" + std::string(name) + "\""), std::string::npos) << message;
  }
}

TEST(EntryNameTest, RejectsBackslashAndQuotesItEscaped) {
  EXPECT_EQ(
      rejection("a\\b"),
      "invalid zip entry name \"a\\\\b\": it contains a backslash (use '/' as the separator)");
}

TEST(EntryNameTest, RejectsNulAndControlCharactersAndEscapesThem) {
  EXPECT_EQ(rejection(std::string_view("a\0b", 3)),
            "invalid zip entry name \"a\\x00b\": it contains a NUL byte");
  EXPECT_EQ(rejection("a\tb"),
            "invalid zip entry name \"a\\x09b\": it contains the control character \\x09");
  EXPECT_NE(rejection("line\nbreak").find("\"line\\x0abreak\""), std::string::npos);
  EXPECT_NE(rejection("\x1f").find("control character \\x1f"), std::string::npos);
}

TEST(EntryNameTest, RejectsEmptyComponents) {
  for (std::string_view name : {"a//b", "a/", "dir/sub//"}) {
    const std::string message = rejection(name);
    EXPECT_NE(message.find("empty path component"), std::string::npos) << message;
    EXPECT_NE(message.find("\"" + std::string(name) + "\""), std::string::npos) << message;
  }
}

TEST(EntryNameTest, RejectsInvalidUtf8AndQuotesTheBadBytesEscaped) {
  EXPECT_EQ(rejection("bad\xFF.txt"),
            "invalid zip entry name \"bad\\xff.txt\": it is not valid UTF-8 (bad byte at "
            "offset 3)");
  for (std::string_view name : {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                "\xE6\x97", "\x80", "x\xF0\x9F\x98"}) {
    EXPECT_NE(rejection(name).find("not valid UTF-8"), std::string::npos) << rejection(name);
  }
}

TEST(EntryNameTest, RejectsOverlongNamesWithAShortMessage) {
  const std::string name(65536, 'a');
  const std::string message = rejection(name);
  EXPECT_NE(message.find("65536 bytes long; at most 65535"), std::string::npos) << message;
  EXPECT_LT(message.size(), 400u);
}

// ---------------------------------------------------------------------------------------
// Round trip: one archive written once, checked by unzip, Python and our reader.

class ZipRoundTrip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new TempDir();
    path_ = new fs::path(dir_->path() / "export.zip");
    expected_ = new std::vector<Entry>();
    methods_ = new std::map<std::string, Method>();
    write_archive();
  }
  static void TearDownTestSuite() {
    delete methods_;
    delete expected_;
    delete path_;
    delete dir_;
  }

  static void add_expected(std::string name, std::string content, Method method) {
    (*methods_)[name] = method;
    expected_->push_back({std::move(name), std::move(content)});
  }

  static void write_archive() {
    add_expected("manifest.json", "{\"format\":\"xport\",\"version\":1}\n", Method::store);
    add_expected("data/records.ndjson", make_records(20u << 20), Method::deflate);
    add_expected("assets/blob.bin", make_binary(3u << 20), Method::store);
    add_expected("empty.txt", "", Method::deflate);
    add_expected("empty-stored.bin", "", Method::store);
    add_expected("unicode/ñandú-日本語.txt", "héllo wörld\n", Method::deflate);

    auto sink = open_file_sink(path_->string());
    Writer writer(*sink);
    const auto& e = *expected_;
    writer.add(e[0].name, e[0].content, {.method = Method::store});
    write_in_small_chunks(writer, e[1]);
    write_in_mixed_chunks(writer, e[2]);
    writer.begin_entry(e[3].name);
    writer.end_entry();
    writer.begin_entry(e[4].name, {.method = Method::store});
    writer.end_entry();
    writer.add(e[5].name, e[5].content);
    writer.close();
    bytes_written_ = writer.bytes_written();
    sink->close();
  }

  // Many small writes of varying size, as a record-by-record exporter does.
  static void write_in_small_chunks(Writer& writer, const Entry& entry) {
    writer.begin_entry(entry.name, {.method = Method::deflate});
    Lcg rng(1);
    std::string_view rest = entry.content;
    while (!rest.empty()) {
      const std::size_t n = std::min<std::size_t>(rest.size(), 1 + rng.next() % 4000);
      writer.write(rest.substr(0, n));
      rest.remove_prefix(n);
    }
    writer.end_entry();
  }

  // Stored data in both small (coalesced) and large (passed through) writes.
  static void write_in_mixed_chunks(Writer& writer, const Entry& entry) {
    writer.begin_entry(entry.name, {.method = Method::store});
    std::string_view rest = entry.content;
    for (std::size_t i = 0; !rest.empty(); ++i) {
      const std::size_t n = std::min<std::size_t>(rest.size(), i % 2 == 0 ? 100 : 300000);
      writer.write(rest.substr(0, n));
      rest.remove_prefix(n);
    }
    writer.end_entry();
  }

  static void expect_entries_match(const std::vector<Entry>& actual) {
    ASSERT_EQ(actual.size(), expected_->size());
    for (std::size_t i = 0; i < actual.size(); ++i) {
      EXPECT_EQ(actual[i].name, (*expected_)[i].name);
      EXPECT_EQ(actual[i].content.size(), (*expected_)[i].content.size()) << actual[i].name;
      EXPECT_TRUE(actual[i].content == (*expected_)[i].content) << actual[i].name;
    }
  }

  static TempDir* dir_;
  static fs::path* path_;
  static std::vector<Entry>* expected_;
  static std::map<std::string, Method>* methods_;
  static std::uint64_t bytes_written_;
};

TempDir* ZipRoundTrip::dir_ = nullptr;
fs::path* ZipRoundTrip::path_ = nullptr;
std::vector<Entry>* ZipRoundTrip::expected_ = nullptr;
std::map<std::string, Method>* ZipRoundTrip::methods_ = nullptr;
std::uint64_t ZipRoundTrip::bytes_written_ = 0;

TEST_F(ZipRoundTrip, BytesWrittenIsTheArchiveSize) {
  EXPECT_EQ(bytes_written_, fs::file_size(*path_));
  // Deflate must have done something to 20 MB of text.
  EXPECT_LT(bytes_written_, 12u << 20);
}

TEST_F(ZipRoundTrip, UnzipTestsTheArchiveClean) {
  if (!executable("/usr/bin/unzip")) GTEST_SKIP() << "/usr/bin/unzip is not installed";
  EXPECT_EQ(exit_code_of("/usr/bin/unzip -tq '" + path_->string() + "' >/dev/null 2>&1"), 0);
}

// Python's zipfile reads through the central directory: checks it, every CRC, the method
// of each entry and the UTF-8 name flag.
constexpr const char* kPythonListing =
    "import sys, zipfile, zlib\n"
    "with zipfile.ZipFile(sys.argv[1]) as z:\n"
    "    print(\"testzip\", z.testzip(), sep=\"\\t\")\n"
    "    for i in z.infolist():\n"
    "        d = z.read(i)\n"
    "        print(i.filename, len(d), zlib.crc32(d), i.compress_type, sep=\"\\t\")\n";

std::string python_listing(const fs::path& archive) {
  return capture("PYTHONIOENCODING=utf-8 /usr/bin/python3 -c '" + std::string(kPythonListing) +
                 "' '" + archive.string() + "' 2>&1");
}

TEST_F(ZipRoundTrip, PythonZipfileReadsEveryEntry) {
  if (!executable("/usr/bin/python3")) GTEST_SKIP() << "/usr/bin/python3 is not installed";
  std::istringstream lines(python_listing(*path_));
  std::string line;
  std::getline(lines, line);
  ASSERT_EQ(line, "testzip\tNone");
  for (const Entry& entry : *expected_) {
    ASSERT_TRUE(std::getline(lines, line)) << "missing " << entry.name;
    const int method = (*methods_)[entry.name] == Method::store ? 0 : 8;
    EXPECT_EQ(line, entry.name + "\t" + std::to_string(entry.content.size()) + "\t" +
                        std::to_string(crc32(entry.content)) + "\t" + std::to_string(method));
  }
  EXPECT_FALSE(std::getline(lines, line)) << line;
}

TEST_F(ZipRoundTrip, ReaderReadsItBackFromAFile) {
  auto source = open_file_source(path_->string());
  Reader reader(*source);
  expect_entries_match(read_entries(reader, 64 * 1024));
}

TEST_F(ZipRoundTrip, ReaderReadsItBackFromMemoryInOddChunks) {
  const std::string bytes = read_file(*path_);
  MemorySource source(bytes, "memory.zip");
  Reader reader(source);
  expect_entries_match(read_entries(reader, 1000));
}

TEST_F(ZipRoundTrip, ReaderReportsTheSizesThatWerePatchedIntoLocalHeaders) {
  auto source = open_file_source(path_->string());
  Reader reader(*source);
  ASSERT_TRUE(reader.next_entry());
  EXPECT_EQ(reader.name(), "manifest.json");
  // The writer patches each local header after the data, so streaming readers see sizes.
  EXPECT_EQ(reader.size(), expected_->front().content.size());
}

TEST_F(ZipRoundTrip, OpenFirstEntryReadsTheFirstFile) {
  auto entry = open_first_entry(open_file_source(path_->string()));
  EXPECT_EQ(entry->name(), path_->string() + ":manifest.json");
  EXPECT_EQ(read_all(*entry), expected_->front().content);
}

// ---------------------------------------------------------------------------------------
// Writer

// Every entry is written with zip64 extra fields (sizes unknown up front): readers must
// accept them whatever the size.
TEST(ZipWriterTest, Zip64EntriesAreAcceptedByUnzipPythonAndReader) {
  TempDir dir;
  const fs::path path = dir.path() / "zip64.zip";
  const std::string text = make_records(1u << 20);
  {
    auto sink = open_file_sink(path.string());
    Writer writer(*sink);
    writer.add("a.ndjson", text);
    writer.add("b.bin", "stored bytes", {.method = Method::store});
    writer.add("c.txt", "");
    writer.close();
    sink->close();
  }
  const std::string bytes = read_file(path);
  EXPECT_NE(bytes.find(std::string_view("PK\x03\x04", 4)), std::string::npos);
  // A zip64 extended-information extra field (id 0x0001, 16 bytes of sizes) in the headers.
  EXPECT_NE(bytes.find(std::string_view("\x01\x00\x10\x00", 4)), std::string::npos)
      << "no zip64 extra field";

  if (executable("/usr/bin/unzip")) {
    EXPECT_EQ(exit_code_of("/usr/bin/unzip -tq '" + path.string() + "' >/dev/null 2>&1"), 0);
  }
  if (executable("/usr/bin/python3")) {
    const std::string listing = python_listing(path);
    EXPECT_EQ(listing,
              "testzip\tNone\n"
              "a.ndjson\t" +
                  std::to_string(text.size()) + "\t" + std::to_string(crc32(text)) + "\t8\n" +
                  "b.bin\t12\t" + std::to_string(crc32("stored bytes")) + "\t0\n" +
                  "c.txt\t0\t0\t8\n");
  }
  MemorySource source(bytes);
  Reader reader(source);
  const auto entries = read_entries(reader, 4096);
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_TRUE(entries[0].content == text);
  EXPECT_EQ(entries[1].content, "stored bytes");
  EXPECT_EQ(entries[2].content, "");
}

TEST(ZipWriterTest, WritesToAStringSink) {
  StringSink sink;
  Writer writer(sink);
  writer.add("one.txt", "first");
  writer.add("two.txt", "second", {.method = Method::store});
  writer.close();
  EXPECT_EQ(writer.bytes_written(), sink.data().size());
  EXPECT_EQ(sink.data().substr(0, 4), std::string_view("PK\x03\x04", 4));
  EXPECT_EQ(sink.data().substr(sink.data().size() - 22, 4), std::string_view("PK\x05\x06", 4));

  MemorySource source(sink.data());
  Reader reader(source);
  const auto entries = read_entries(reader, 1);
  ASSERT_EQ(entries.size(), 2u);
  EXPECT_EQ(entries[0].name, "one.txt");
  EXPECT_EQ(entries[0].content, "first");
  EXPECT_EQ(entries[1].name, "two.txt");
  EXPECT_EQ(entries[1].content, "second");
}

TEST(ZipWriterTest, CloseWithoutEntriesWritesAnEmptyArchive) {
  StringSink sink;
  Writer writer(sink);
  writer.close();
  writer.close();  // idempotent
  ASSERT_EQ(sink.data().size(), 22u);
  EXPECT_EQ(sink.data().substr(0, 4), std::string_view("PK\x05\x06", 4));
  EXPECT_EQ(writer.bytes_written(), 22u);
}

TEST(ZipWriterTest, CloseFinishesAnOpenEntry) {
  StringSink sink;
  Writer writer(sink);
  writer.begin_entry("open.txt");
  writer.write("still open");
  writer.close();
  MemorySource source(sink.data());
  Reader reader(source);
  const auto entries = read_entries(reader, 64);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].content, "still open");
}

TEST(ZipWriterTest, DestroyedWithoutCloseDoesNotCrashOrWriteMore) {
  {
    StringSink sink;
    { Writer writer(sink); }
    EXPECT_EQ(sink.data(), "");
  }
  {
    StringSink sink;
    std::size_t size_before_destruction = 0;
    {
      Writer writer(sink);
      writer.add("done.txt", "complete entry");
      writer.begin_entry("half.ndjson");  // deflate state left open
      writer.write(make_records(1u << 20));
      size_before_destruction = sink.data().size();
    }
    EXPECT_EQ(sink.data().size(), size_before_destruction);
  }
  {
    StringSink sink;
    Writer writer(sink);
    writer.begin_entry("half.bin", {.method = Method::store});
    writer.write("some bytes");
  }
}

TEST(ZipWriterTest, BadNameIsRejectedBeforeAnythingIsWritten) {
  StringSink sink;
  Writer writer(sink);
  EXPECT_THROW(writer.begin_entry("../evil.sh"), NameError);
  EXPECT_EQ(sink.data(), "");
  EXPECT_EQ(writer.bytes_written(), 0u);
  // The writer stays usable.
  writer.add("good.txt", "fine");
  writer.close();
  MemorySource source(sink.data());
  Reader reader(source);
  ASSERT_TRUE(reader.next_entry());
  EXPECT_EQ(reader.name(), "good.txt");
}

TEST(ZipWriterTest, HigherLevelsGiveSmallerEntries) {
  const std::string text = make_records(2u << 20);
  auto archive_size = [&](int level) {
    StringSink sink;
    Writer writer(sink);
    writer.add("data.ndjson", text, {.method = Method::deflate, .level = level});
    writer.close();
    return sink.data().size();
  };
  EXPECT_LT(archive_size(9), archive_size(1));
}

TEST(ZipWriterTest, OutOfRangeLevelIsAConfigError) {
  StringSink sink;
  Writer writer(sink);
  EXPECT_THROW(writer.begin_entry("a", {.method = Method::deflate, .level = 0}), ConfigError);
  EXPECT_THROW(writer.begin_entry("a", {.method = Method::deflate, .level = 10}), ConfigError);
  // Ignored for stored entries.
  writer.add("b", "x", {.method = Method::store, .level = 0});
  writer.close();
}

// A sink that cannot overwrite gets the archive from a temporary file at close(): its
// failure surfaces there, as the sink's own IoError, and the writer stays failed.
TEST(ZipWriterTest, SinkFailureSurfacesAsTheSinksIoError) {
  FailingSink sink(100000);
  Writer writer(sink);
  writer.begin_entry("big.bin", {.method = Method::store});
  writer.write(make_binary(1u << 20));
  try {
    writer.close();
    FAIL() << "expected an IoError";
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "cannot write failing-sink: disk full");
  }
}

std::size_t open_descriptors() {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator("/proc/self/fd"))
    ++n;
  return n;
}

// Destroyed with the deflate stream open: the spool file (a sink that cannot overwrite gets
// the archive at close()) is closed, the sink got nothing, and ASan sees no leak.
TEST(ZipWriterTest, WriterDestroyedWithAnOpenDeflateEntryIsCleanedUp) {
  const std::size_t descriptors_before = open_descriptors();
  FailingSink sink(50000);
  {
    Writer writer(sink);
    writer.begin_entry("big.bin");
    writer.write(make_binary(1u << 20));
    EXPECT_GT(open_descriptors(), descriptors_before);  // the spool file is open
  }
  EXPECT_EQ(open_descriptors(), descriptors_before);
  EXPECT_EQ(sink.taken(), 0u);
}

// Fails the n-th write() call (1-based).
class NthWriteFailsSink final : public ByteSink {
 public:
  explicit NthWriteFailsSink(int n) : n_(n) {}
  void write(const char*, std::size_t) override {
    if (++calls_ == n_) throw IoError("cannot write nth-sink: injected failure");
  }
  std::string name() const override { return "nth-sink"; }
  int calls() const { return calls_; }

 private:
  int n_;
  int calls_ = 0;
};

// A sink failure in every possible place (headers, data, finishing an entry, the central
// directory) surfaces as that IoError and leaves nothing dangling (ASan checks leaks).
TEST(ZipWriterTest, SinkFailureAtAnyWriteIsReportedAndCleanedUp) {
  // Large enough that close() copies the archive to the sink in several writes.
  const std::string deflated = make_binary(2300000);
  const std::string stored = make_binary(2000000);
  auto scenario = [&](ByteSink& sink) {
    Writer writer(sink);
    writer.add("a.bin", deflated);
    writer.add("b.bin", stored, {.method = Method::store});
    writer.close();
  };
  NthWriteFailsSink counting(0);
  scenario(counting);
  ASSERT_GT(counting.calls(), 3);
  for (int n = 1; n <= counting.calls(); ++n) {
    NthWriteFailsSink sink(n);
    try {
      scenario(sink);
      ADD_FAILURE() << "no error when write " << n << " fails";
    } catch (const IoError& e) {
      EXPECT_STREQ(e.what(), "cannot write nth-sink: injected failure");
    }
  }
}

TEST(ZipWriterTest, CallsOutOfOrderAreLogicErrors) {
  StringSink sink;
  Writer writer(sink);
  EXPECT_THROW(writer.write("x"), std::logic_error);
  EXPECT_THROW(writer.end_entry(), std::logic_error);
  writer.begin_entry("a");
  EXPECT_THROW(writer.begin_entry("b"), std::logic_error);
  writer.end_entry();
  writer.close();
  EXPECT_THROW(writer.begin_entry("c"), std::logic_error);
}

// ---------------------------------------------------------------------------------------
// Reader and open_first_entry

TEST(ZipReaderTest, ReadsArchivesWithSizesInTheLocalHeaders) {
  const std::string zip =
      make_plain_zip({{"dir/", ""}, {"dir/a.txt", "alpha"}, {"b.bin", make_binary(300000)}});
  MemorySource source(zip);
  Reader reader(source);
  ASSERT_TRUE(reader.next_entry());
  EXPECT_EQ(reader.name(), "dir/");
  ASSERT_TRUE(reader.next_entry());
  EXPECT_EQ(reader.name(), "dir/a.txt");
  EXPECT_EQ(reader.size(), 5u);
  // Not reading the data: next_entry() skips it.
  ASSERT_TRUE(reader.next_entry());
  EXPECT_EQ(reader.size(), 300000u);
  std::string data;
  std::vector<char> buffer(7777);
  while (std::size_t n = reader.read(buffer.data(), buffer.size()))
    data.append(buffer.data(), n);
  EXPECT_TRUE(data == make_binary(300000));
  EXPECT_FALSE(reader.next_entry());
  EXPECT_FALSE(reader.next_entry());
}

TEST(ZipReaderTest, OpenFirstEntrySkipsDirectories) {
  const std::string zip = make_plain_zip({{"export/", ""},
                                          {"export/meta/", ""},
                                          {"export/export.ndjson", "{\"a\":1}\n"},
                                          {"other.txt", "other"}});
  auto entry = open_first_entry(std::make_unique<MemorySource>(zip, "bundle.zip"));
  EXPECT_EQ(entry->name(), "bundle.zip:export/export.ndjson");
  EXPECT_EQ(entry->size(), 8u);
  EXPECT_EQ(read_all(*entry), "{\"a\":1}\n");
}

TEST(ZipReaderTest, OpenFirstEntryOnAnEmptyArchiveFails) {
  StringSink sink;
  Writer writer(sink);
  writer.close();
  try {
    open_first_entry(std::make_unique<MemorySource>(sink.data(), "empty.zip"));
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "empty.zip: the zip archive has no file entry");
  }
}

TEST(ZipReaderTest, OpenFirstEntryOnDirectoriesOnlyFails) {
  const std::string zip = make_plain_zip({{"a/", ""}, {"a/b/", ""}});
  EXPECT_THROW(open_first_entry(std::make_unique<MemorySource>(zip, "dirs.zip")), InputError);
}

TEST(ZipReaderTest, GarbageIsAnInputErrorNamingTheSource) {
  const std::string garbage = "this is not a zip archive, just some text\n";
  try {
    open_first_entry(std::make_unique<MemorySource>(garbage, "garbage.bin"));
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.rfind("garbage.bin: invalid zip archive: ", 0), 0u) << message;
    EXPECT_GT(message.size(), std::string("garbage.bin: invalid zip archive: ").size());
  }
}

TEST(ZipReaderTest, EmptyInputIsAnInputError) {
  MemorySource source("", "nothing.zip");
  EXPECT_THROW(
      {
        Reader reader(source);
        reader.next_entry();
      },
      InputError);
}

TEST(ZipReaderTest, TruncatedArchiveIsAnInputError) {
  StringSink sink;
  Writer writer(sink);
  writer.add("a.ndjson", make_records(200000));
  writer.add("b.bin", make_binary(200000), {.method = Method::store});
  writer.close();
  for (std::size_t cut : {sink.data().size() / 4, sink.data().size() * 3 / 4}) {
    MemorySource source(std::string_view(sink.data()).substr(0, cut), "cut.zip");
    Reader reader(source);
    try {
      read_entries(reader, 4096);
      ADD_FAILURE() << "no error for an archive cut at " << cut;
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind("cut.zip", 0), 0u) << e.what();
    }
  }
}

TEST(ZipReaderTest, CorruptedDataIsAnInputError) {
  std::string zip = make_plain_zip({{"a.txt", "some stored content"}});
  zip[30 + 5 + 3] ^= 0x20;  // a byte of the data: the CRC no longer matches
  MemorySource source(zip, "bad-crc.zip");
  Reader reader(source);
  ASSERT_TRUE(reader.next_entry());
  char buffer[64];
  try {
    while (reader.read(buffer, sizeof buffer) > 0) {
    }
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("bad-crc.zip (entry \"a.txt\")"), std::string::npos)
        << e.what();
  }
}

TEST(ZipReaderTest, SourceFailureSurfacesAsTheSourcesIoError) {
  StringSink sink;
  Writer writer(sink);
  writer.add("a.bin", make_binary(1u << 20), {.method = Method::store});
  writer.close();
  FailingSource source(sink.data().substr(0, 300000));
  try {
    Reader reader(source);
    read_entries(reader, 4096);
    FAIL() << "expected an IoError";
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "cannot read failing-source: connection reset");
  }
}

// More than 65535 entries needs the zip64 end records (minizip 1.1 adds them only past
// 4 GiB; the writer adds them itself): unzip, Python and our reader must see every entry.
TEST(ZipWriterTest, MoreThan65535EntriesAreReadableEverywhere) {
  TempDir dir;
  const fs::path path = dir.path() / "many.zip";
  constexpr int kEntries = 70000;
  {
    auto sink = open_file_sink(path.string());
    Writer writer(*sink);
    for (int i = 0; i < kEntries; ++i)
      writer.add("labels/" + std::to_string(i) + ".txt", "0 0.5 0.5 0.1 0.1\n");
    writer.close();
    sink->close();
  }
  const std::string bytes = read_file(path);
  EXPECT_NE(bytes.find(std::string_view("PK\x06\x06", 4)), std::string::npos);
  if (executable("/usr/bin/unzip")) {
    EXPECT_EQ(exit_code_of("/usr/bin/unzip -tq '" + path.string() + "' >/dev/null 2>&1"), 0);
  }
  if (executable("/usr/bin/python3")) {
    EXPECT_EQ(
        exit_code_of("/usr/bin/python3 -c \"import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); "
                     "sys.exit(0 if len(z.namelist())==70000 and z.testzip() is None else 1)\" '" +
                     path.string() + "'"),
        0);
  }
  MemorySource source(bytes);
  Reader reader(source);
  int count = 0;
  while (reader.next_entry())
    ++count;
  EXPECT_EQ(count, kEntries);
}

}  // namespace
}  // namespace xport::zip
