#include <algorithm>
#include <cstring>

#include "xport/pipe.hpp"

namespace xport {

class BytePipe::Source final : public ByteSource {
 public:
  explicit Source(BytePipe& pipe) : pipe_(pipe) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    return pipe_.read(buffer, capacity);
  }
  std::string name() const override { return pipe_.name_; }

 private:
  BytePipe& pipe_;
};

BytePipe::BytePipe(std::size_t capacity, std::string name)
    : name_(std::move(name)), ring_(std::max<std::size_t>(capacity, 4096)) {}

void BytePipe::write(const char* data, std::size_t size) {
  std::unique_lock lock(mutex_);
  if (closed_ || failure_) throw IoError(name_ + ": write after the end of input");
  while (size > 0) {
    writable_.wait(lock, [&] { return cancelled_ || count_ < ring_.size(); });
    if (cancelled_) throw IoError(name_ + ": the reader stopped reading");
    // Copy into the free space after the buffered bytes, wrapping at the end of the ring.
    const std::size_t tail = (head_ + count_) % ring_.size();
    const std::size_t n = std::min({size, ring_.size() - count_, ring_.size() - tail});
    std::memcpy(ring_.data() + tail, data, n);
    count_ += n;
    data += n;
    size -= n;
    readable_.notify_one();
  }
}

void BytePipe::close() {
  std::lock_guard lock(mutex_);
  closed_ = true;
  readable_.notify_all();
}

void BytePipe::fail(std::string message) {
  std::lock_guard lock(mutex_);
  if (!failure_) failure_ = std::move(message);
  readable_.notify_all();
}

void BytePipe::cancel() {
  std::lock_guard lock(mutex_);
  cancelled_ = true;
  writable_.notify_all();
}

std::unique_ptr<ByteSource> BytePipe::source() {
  return std::make_unique<Source>(*this);
}

std::size_t BytePipe::read(char* buffer, std::size_t capacity) {
  if (capacity == 0) return 0;
  std::unique_lock lock(mutex_);
  readable_.wait(lock, [&] { return count_ > 0 || closed_ || failure_; });
  if (count_ == 0) {
    if (failure_) throw IoError(*failure_);
    return 0;  // closed and drained
  }
  const std::size_t n = std::min({capacity, count_, ring_.size() - head_});
  std::memcpy(buffer, ring_.data() + head_, n);
  head_ = (head_ + n) % ring_.size();
  count_ -= n;
  writable_.notify_one();
  return n;
}

}  // namespace xport
