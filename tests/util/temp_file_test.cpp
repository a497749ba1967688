// Anonymous temp files and atomic writes (util/temp_file.hpp, util/atomic_file.hpp).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "util/atomic_file.hpp"
#include "util/temp_file.hpp"
#include "xport/errors.hpp"
#include "xport/io.hpp"

namespace xport {
namespace {

namespace fs = std::filesystem;

// A fresh directory, removed with its contents at the end; also $TMPDIR while it lives.
class ScratchDir {
 public:
  ScratchDir() {
    std::random_device rd;
    path_ = fs::temp_directory_path() / ("xport-util-test-" + std::to_string(rd()));
    fs::create_directories(path_);
    const char* old = std::getenv("TMPDIR");
    if (old) old_tmpdir_ = old;
    had_tmpdir_ = old != nullptr;
  }
  ~ScratchDir() {
    if (had_tmpdir_)
      ::setenv("TMPDIR", old_tmpdir_.c_str(), 1);
    else
      ::unsetenv("TMPDIR");
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  void use_as_tmpdir() const { ::setenv("TMPDIR", path_.c_str(), 1); }
  const fs::path& path() const { return path_; }
  std::size_t entries() const {
    return static_cast<std::size_t>(std::distance(fs::directory_iterator(path_), {}));
  }

 private:
  fs::path path_;
  std::string old_tmpdir_;
  bool had_tmpdir_ = false;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(TempDirectory, IsTmpdirWhenSetAndNotEmpty) {
  ScratchDir dir;
  dir.use_as_tmpdir();
  EXPECT_EQ(temp_directory(), dir.path().string());
  ::setenv("TMPDIR", "", 1);
  EXPECT_EQ(temp_directory(), "/tmp");
  ::unsetenv("TMPDIR");
  EXPECT_EQ(temp_directory(), "/tmp");
}

TEST(AnonymousTempFile, HasNoNameAndReadsBackWhatWasWritten) {
  ScratchDir dir;
  dir.use_as_tmpdir();
  const int fd = open_anonymous_temp_file("test");
  ASSERT_GE(fd, 0);
  EXPECT_EQ(dir.entries(), 0u);  // nothing anyone else could open
  ASSERT_EQ(::write(fd, "hello", 5), 5);
  char buf[8] = {};
  ASSERT_EQ(::pread(fd, buf, sizeof buf, 0), 5);
  EXPECT_EQ(std::string(buf, 5), "hello");
  struct stat st {};
  ASSERT_EQ(::fstat(fd, &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_NE(::fcntl(fd, F_GETFD) & FD_CLOEXEC, 0);
  ::close(fd);
  EXPECT_EQ(dir.entries(), 0u);
}

TEST(AnonymousTempFile, StreamIsReadWrite) {
  ScratchDir dir;
  dir.use_as_tmpdir();
  std::FILE* f = open_anonymous_temp_stream("test");
  ASSERT_NE(f, nullptr);
  ASSERT_GE(std::fputs("abc", f), 0);
  std::rewind(f);
  char buf[4] = {};
  EXPECT_EQ(std::fread(buf, 1, 3, f), 3u);
  EXPECT_EQ(std::string(buf), "abc");
  std::fclose(f);
  EXPECT_EQ(dir.entries(), 0u);
}

TEST(AnonymousTempFile, MissingDirectoryIsAnIoErrorNamingIt) {
  ScratchDir dir;
  ::setenv("TMPDIR", (dir.path() / "absent").c_str(), 1);
  try {
    open_anonymous_temp_file("test");
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create a temporary file in " +
                                         (dir.path() / "absent").string() + ": "),
              std::string::npos)
        << e.what();
  }
}

TEST(AtomicFile, TargetAppearsOnlyOnCommit) {
  ScratchDir dir;
  const fs::path target = dir.path() / "out.txt";
  {
    AtomicFile file(target, {});
    file.write("hello ", 6);
    file.write("world", 5);
    file.write_at(0, "H", 1);
    EXPECT_FALSE(fs::exists(target));
    EXPECT_EQ(dir.entries(), 1u);  // the temporary file, beside the target
    EXPECT_EQ(file.temp().parent_path(), dir.path());
    file.commit();
    EXPECT_TRUE(file.committed());
    EXPECT_FALSE(file.is_open());
  }
  EXPECT_EQ(slurp(target), "Hello world");
  EXPECT_EQ(dir.entries(), 1u);
  EXPECT_EQ(fs::status(target).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                fs::perms::others_read);
}

TEST(AtomicFile, DestroyedWithoutCommitLeavesNothing) {
  ScratchDir dir;
  const fs::path target = dir.path() / "out.txt";
  std::ofstream(target) << "old";
  {
    AtomicFile file(target, {});
    file.write("new", 3);
  }
  EXPECT_EQ(slurp(target), "old");  // the old file untouched
  EXPECT_EQ(dir.entries(), 1u);
}

TEST(AtomicFile, CommitReplacesAnOlderFile) {
  ScratchDir dir;
  const fs::path target = dir.path() / "out.txt";
  std::ofstream(target) << "old";
  AtomicFile file(target, {.mode = 0600, .durable = true, .temp = {}, .name = {}});
  file.write("new", 3);
  file.commit();
  EXPECT_EQ(slurp(target), "new");
  EXPECT_EQ(fs::status(target).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
}

TEST(AtomicFile, DiscardFreesAtOnceAndLaterWritesThrow) {
  ScratchDir dir;
  AtomicFile file(dir.path() / "out.txt", {});
  file.write("x", 1);
  file.discard();
  EXPECT_EQ(dir.entries(), 0u);
  EXPECT_THROW(file.write("y", 1), IoError);
  EXPECT_THROW(file.commit(), IoError);
}

TEST(AtomicFile, ExplicitTempPathAndCreatedParents) {
  ScratchDir dir;
  fs::create_directories(dir.path() / "tmp");
  const fs::path target = dir.path() / "objects" / "a" / "b.bin";
  AtomicFile file(target,
                  {.mode = 0600, .durable = true, .temp = dir.path() / "tmp" / "t1", .name = {}});
  EXPECT_TRUE(fs::exists(dir.path() / "tmp" / "t1"));
  file.write("data", 4);
  file.commit();
  EXPECT_EQ(slurp(target), "data");
  EXPECT_FALSE(fs::exists(dir.path() / "tmp" / "t1"));
}

TEST(AtomicFile, CommitIfAbsentNeverReplaces) {
  ScratchDir dir;
  const fs::path target = dir.path() / "key";
  {
    AtomicFile first(target, {.mode = 0600, .durable = true, .temp = {}, .name = {}});
    first.write("one", 3);
    EXPECT_TRUE(first.commit_if_absent());
  }
  {
    AtomicFile second(target, {.mode = 0600, .durable = true, .temp = {}, .name = {}});
    second.write("two", 3);
    EXPECT_FALSE(second.commit_if_absent());
  }
  EXPECT_EQ(slurp(target), "one");
  EXPECT_EQ(dir.entries(), 1u);  // no temporary file left behind
}

TEST(AtomicFile, TempNameTakenOrDirectoryMissingIsAnIoError) {
  ScratchDir dir;
  std::ofstream(dir.path() / "t") << "taken";
  EXPECT_THROW(AtomicFile(dir.path() / "x",
                          {.mode = 0644, .durable = false, .temp = dir.path() / "t", .name = {}}),
               IoError);
  try {
    AtomicFile file(dir.path() / "absent" / "x", {});
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_EQ(
        std::string(e.what()).rfind("cannot create " + (dir.path() / "absent" / "x").string(), 0),
        0u)
        << e.what();
  }
}

TEST(AtomicFile, WriteFileAtomically) {
  ScratchDir dir;
  write_file_atomically(dir.path() / "f", "content", 0600);
  write_file_atomically(dir.path() / "f", "again", 0600);
  EXPECT_EQ(slurp(dir.path() / "f"), "again");
  EXPECT_EQ(dir.entries(), 1u);
}

TEST(FileSink, IsAtomic) {
  ScratchDir dir;
  const fs::path target = dir.path() / "sink.txt";
  {
    auto sink = open_file_sink(target.string());
    sink->write("abc");
    EXPECT_TRUE(sink->write_at(1, "B", 1));
    EXPECT_FALSE(fs::exists(target));
    sink->close();
    EXPECT_FALSE(sink->write_at(0, "x", 1));  // closed: no more patching
    EXPECT_THROW(sink->write("more"), IoError);
    sink->close();  // a second close does nothing
  }
  EXPECT_EQ(slurp(target), "aBc");
  {
    auto sink = open_file_sink(target.string());
    sink->write("dropped");
  }
  EXPECT_EQ(slurp(target), "aBc");
  EXPECT_EQ(dir.entries(), 1u);
}

}  // namespace
}  // namespace xport
