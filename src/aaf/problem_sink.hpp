// Applies the caller's error policy to problems, in input order.
#pragma once

#include "xport/aaf/reader.hpp"
#include "xport/errors.hpp"

namespace xport::aaf {

class ProblemSink {
 public:
  ProblemSink(const ReadOptions& options, ReadStats& stats) : options_(options), stats_(stats) {}

  // Counts and forwards the problem; throws InputError under OnError::stop.
  void report(const Problem& p) {
    if (p.fatal)
      stats_.truncated = true;
    else if (!p.warning)
      ++stats_.skipped;
    if (options_.on_problem) options_.on_problem(p);
    if (!p.warning && options_.on_error == OnError::stop) throw InputError(p.to_string());
  }

 private:
  const ReadOptions& options_;
  ReadStats& stats_;
};

}  // namespace xport::aaf
