// Prints input problems to stderr as they are found, up to a limit, then only counts them.
#pragma once

#include <fmt/format.h>

#include <cstdint>

#include "xport/aaf/reader.hpp"

namespace xport::cli {

class ProblemPrinter {
 public:
  explicit ProblemPrinter(std::uint64_t limit) : limit_(limit) {}
  void operator()(const aaf::Problem& p) {
    if (printed_ < limit_) {
      fmt::print(stderr, "\r\033[K{}: {}\n", p.warning ? "warning" : "error", p.to_string());
      ++printed_;
    } else {
      ++unprinted_;
    }
  }
  // "... and N more problems" when the limit cut the list.
  void print_tail() const {
    if (unprinted_)
      fmt::print(stderr, "... and {} more problem{} (raise --max-problems to see them)\n",
                 unprinted_, unprinted_ == 1 ? "" : "s");
  }

 private:
  std::uint64_t limit_;
  std::uint64_t printed_ = 0;
  std::uint64_t unprinted_ = 0;
};

}  // namespace xport::cli
