// The ExportWarmer's queue (src/hub/app/export_warmer.hpp) with a fake writer: each project
// is written once however often it is asked for, wait_for returns when the project's export
// is written (or at its bound), and stop() finishes the one being written and drops the rest.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

#include "hub/app/export_warmer.hpp"

namespace xport::hub {
namespace {

using namespace std::chrono_literals;

// A writer the test releases one project at a time.
struct GatedWriter {
  std::mutex mutex;
  std::condition_variable wake;
  std::vector<std::string> started;
  int released = 0;
  void write(const std::string& project) {
    std::unique_lock lock(mutex);
    started.push_back(project);
    wake.notify_all();
    const int mine = static_cast<int>(started.size());
    wake.wait(lock, [&] { return released >= mine; });
  }
  void release() {
    std::lock_guard lock(mutex);
    ++released;
    wake.notify_all();
  }
  bool wait_started(std::size_t n) {
    std::unique_lock lock(mutex);
    return wake.wait_for(lock, 5s, [&] { return started.size() >= n; });
  }
};

TEST(ExportWarmer, WritesEachProjectOnceAndWaitForReturnsWhenItIsWritten) {
  GatedWriter writer;
  ExportWarmer warmer([&](const std::string& p) { writer.write(p); });
  warmer.start();
  warmer.warm("a");
  warmer.warm("a");  // already queued: once
  warmer.warm("b");
  ASSERT_TRUE(writer.wait_started(1));
  // "a" is being written: a waiter is held, at most its bound.
  auto began = std::chrono::steady_clock::now();
  warmer.wait_for("a", 100ms);
  EXPECT_GE(std::chrono::steady_clock::now() - began, 100ms);
  // An unknown project is not waited for.
  began = std::chrono::steady_clock::now();
  warmer.wait_for("c", 5s);
  EXPECT_LT(std::chrono::steady_clock::now() - began, 1s);
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    warmer.wait_for("a", 10s);
    done = true;
  });
  writer.release();
  waiter.join();
  EXPECT_TRUE(done);
  ASSERT_TRUE(writer.wait_started(2));
  writer.release();
  warmer.stop();
  EXPECT_EQ(writer.started, (std::vector<std::string>{"a", "b"}));
}

TEST(ExportWarmer, StopFinishesTheOneBeingWrittenAndDropsTheQueue) {
  GatedWriter writer;
  ExportWarmer warmer([&](const std::string& p) { writer.write(p); });
  warmer.start();
  warmer.warm("a");
  warmer.warm("b");
  ASSERT_TRUE(writer.wait_started(1));
  std::thread stopper([&] { warmer.stop(); });
  std::this_thread::sleep_for(50ms);
  writer.release();  // "a" finishes; "b" is never started
  stopper.join();
  EXPECT_EQ(writer.started, (std::vector<std::string>{"a"}));
  warmer.warm("c");  // after stop: ignored
  warmer.wait_for("b", 1s);
  EXPECT_EQ(writer.started.size(), 1u);
}

TEST(ExportWarmer, AWriterThatThrowsIsLoggedAndTheNextProjectStillGoes) {
  std::vector<std::string> written;
  std::mutex mutex;
  ExportWarmer warmer([&](const std::string& p) {
    if (p == "bad") throw std::runtime_error("the store is gone");
    std::lock_guard lock(mutex);
    written.push_back(p);
  });
  warmer.start();
  warmer.warm("bad");
  warmer.warm("good");
  warmer.wait_for("good", 5s);
  warmer.stop();
  EXPECT_EQ(written, (std::vector<std::string>{"good"}));
}

}  // namespace
}  // namespace xport::hub
