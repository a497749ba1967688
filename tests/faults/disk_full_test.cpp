// The hub's object store out of space for a moment (issue 14, item 3): DATA_DIR/storage is a
// small tmpfs of the test's own, filled to the last byte by a ballast file. A run whose export
// must be written, and a run whose export is already there but whose result must be stored,
// both fail with the file system's own reason (answered by `xport plugin`), leave no partial
// file behind, and the hub and the plugin serve on; once the ballast is gone the next run
// succeeds and downloads. The reasons name the object's key, never a server path. Needs mount(2)
// (root, as CI): skipped, saying so, without it.
#include <gtest/gtest.h>
#include <sys/mount.h>

#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/background_process.hpp"
#include "support/hub_process.hpp"
#include "support/temp_dir.hpp"

namespace xport::test {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using namespace std::chrono_literals;

// A tmpfs of `megabytes` at `at`, unmounted (lazily: the hub may still hold a file) at the end.
class SmallDisk {
 public:
  SmallDisk(fs::path at, int megabytes) : at_(std::move(at)) {
    fs::create_directories(at_);
    const std::string options = "size=" + std::to_string(megabytes) + "m";
    mounted_ = ::mount("tmpfs", at_.c_str(), "tmpfs", 0, options.c_str()) == 0;
    if (!mounted_) error_ = std::strerror(errno);
  }
  ~SmallDisk() {
    if (mounted_) ::umount2(at_.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& error() const { return error_; }

  // Writes a ballast file until the file system refuses another byte.
  void fill() {
    std::ofstream out(at_ / "ballast", std::ios::binary);
    const std::string block(64 * 1024, 'x');
    while (out.write(block.data(), static_cast<std::streamsize>(block.size()))) {
    }
    out.clear();
    for (int i = 0; i < 64 * 1024 && out.put('x'); ++i) {
    }
  }
  void empty() { fs::remove(at_ / "ballast"); }

  // Files under the store's temporary directory: partial writes left behind.
  std::size_t partial_files() const {
    std::size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(at_ / "tmp"))
      n += e.is_regular_file() ? 1 : 0;
    return n;
  }

 private:
  fs::path at_;
  bool mounted_ = false;
  std::string error_;
};

TEST(DiskFull, RunsMeetingAFullObjectStoreFailWithTheCauseAndTheNextOneSucceeds) {
  TempDir dir;
  SmallDisk disk(dir.path() / "data" / "storage", 4);
  if (!disk.mounted()) GTEST_SKIP() << "cannot mount a tmpfs here: " << disk.error();
  HubProcess hub(dir.path());
  auto [plugin, secret] = hub.create_plugin("sample");
  BackgroundProcess instance(
      "xport-plugin",
      {XPORT_BINARY, "plugin", "--host", hub.base(), "--id", plugin, "--secret", secret},
      dir.path());
  ASSERT_TRUE(hub.wait_online(plugin, 10s)) << instance.err();
  auto project = [&hub](const std::string& name) {
    const std::string id = hub.create_project(name);
    EXPECT_GT(hub.import_ndjson(id, sample_ndjson()), 0);
    return id;
  };
  const std::string exported = project("Exported before");
  ASSERT_EQ(str(hub.run(exported, plugin)["state"]), "succeeded") << instance.err();

  disk.fill();
  // Imported now: the export the hub writes after an import fails too (logged), so the run
  // must write it.
  const std::string fresh = project("Exported while full");
  // The export is there (reused per project revision): only the result must be stored.
  json::object upload = hub.run(exported, plugin);
  EXPECT_EQ(str(upload["state"]), "failed") << json::serialize(upload);
  EXPECT_NE(str(upload["message"]).find("No space left on device"), std::string::npos)
      << json::serialize(upload);
  // No export yet: it must be written first.
  json::object export_run = hub.run(fresh, plugin);
  EXPECT_EQ(str(export_run["state"]), "failed") << json::serialize(export_run);
  EXPECT_NE(str(export_run["message"]).find("No space left on device"), std::string::npos)
      << json::serialize(export_run);
  // The object is named by its key: the server's directories stay out of what plugins read.
  EXPECT_NE(str(upload["message"]).find("cannot write object uploads/"), std::string::npos)
      << json::serialize(upload);
  EXPECT_NE(str(export_run["message"]).find("cannot write object exports/"), std::string::npos)
      << json::serialize(export_run);
  for (const json::object* run : {&upload, &export_run})
    EXPECT_EQ(str(run->at("message")).find(dir.path().string()), std::string::npos)
        << json::serialize(*run);
  EXPECT_EQ(disk.partial_files(), 0u);

  disk.empty();
  EXPECT_FALSE(instance.wait_exit(0ms).has_value()) << instance.err();
  json::object after = hub.run(fresh, plugin);
  ASSERT_EQ(str(after["state"]), "succeeded") << json::serialize(after) << instance.err();
  net::HttpResponse zip = hub.call("GET", str(after["downloadUrl"]).substr(hub.base().size()));
  EXPECT_EQ(zip.status, 200);
  EXPECT_EQ(zip.body.substr(0, 2), "PK");
}

}  // namespace
}  // namespace xport::test
