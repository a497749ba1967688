// BytePipe: bytes cross threads in order through a ring smaller than the data; end of
// input, producer failure and reader cancellation each reach the other side.
#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "xport/pipe.hpp"

namespace xport {
namespace {

std::string read_all(ByteSource& source, std::size_t chunk) {
  std::string out;
  std::string buf(chunk, '\0');
  while (std::size_t n = source.read(buf.data(), buf.size()))
    out.append(buf.data(), n);
  return out;
}

std::string pattern(std::size_t size) {
  std::string s(size, '\0');
  for (std::size_t i = 0; i < size; ++i)
    s[i] = static_cast<char>('a' + (i * 7 + i / 13) % 26);
  return s;
}

TEST(BytePipe, CarriesEverythingInOrderThroughASmallRing) {
  BytePipe pipe(4096, "rows");
  const std::string data = pattern(1'000'003);
  std::thread producer([&] {
    // Odd-sized writes so that copies wrap around the ring's end.
    for (std::size_t at = 0; at < data.size(); at += 1237)
      pipe.write(data.data() + at, std::min<std::size_t>(1237, data.size() - at));
    pipe.close();
  });
  auto source = pipe.source();
  EXPECT_EQ(source->name(), "rows");
  EXPECT_EQ(read_all(*source, 1000), data);
  producer.join();
}

TEST(BytePipe, ProducerFailureReachesTheReaderAfterTheBufferedBytes) {
  BytePipe pipe(4096);
  pipe.write("abc");
  pipe.fail("database gone");
  auto source = pipe.source();
  char buf[16];
  ASSERT_EQ(source->read(buf, sizeof buf), 3u);
  EXPECT_EQ(std::string(buf, 3), "abc");
  try {
    source->read(buf, sizeof buf);
    FAIL() << "expected IoError";
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "database gone");
  }
}

TEST(BytePipe, CancelUnblocksAWriterOnAFullPipe) {
  BytePipe pipe(4096);
  std::string error;
  std::thread producer([&] {
    try {
      const std::string block(10'000, 'x');  // more than the ring: blocks
      pipe.write(block);
    } catch (const IoError& e) {
      error = e.what();
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  pipe.cancel();
  producer.join();
  EXPECT_NE(error.find("stopped reading"), std::string::npos) << error;
}

TEST(BytePipe, WriteAfterCloseIsRefused) {
  BytePipe pipe;
  pipe.close();
  EXPECT_THROW(pipe.write("x"), IoError);
  auto source = pipe.source();
  char c;
  EXPECT_EQ(source->read(&c, 1), 0u);
}

}  // namespace
}  // namespace xport
