// A source that first replays bytes already read (to sniff the input's kind), then
// continues with the rest of the underlying source.
#pragma once

#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "xport/io.hpp"

namespace xport::aaf {

class PrefixedSource final : public ByteSource {
 public:
  PrefixedSource(std::vector<char> prefix, std::unique_ptr<ByteSource> rest)
      : prefix_(std::move(prefix)), rest_(std::move(rest)) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    if (pos_ < prefix_.size()) {
      std::size_t n = std::min(capacity, prefix_.size() - pos_);
      std::memcpy(buffer, prefix_.data() + pos_, n);
      pos_ += n;
      return n;
    }
    return rest_->read(buffer, capacity);
  }
  std::optional<std::uint64_t> size() const override { return rest_->size(); }
  std::string name() const override { return rest_->name(); }

 private:
  std::vector<char> prefix_;
  std::size_t pos_ = 0;
  std::unique_ptr<ByteSource> rest_;
};

}  // namespace xport::aaf
