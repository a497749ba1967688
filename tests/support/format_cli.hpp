// Helpers for format tests that run the real `xport` binary and judge its result with an
// independent reader (a Python script using only the standard library).
#pragma once

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <string>

#include "support/process.hpp"

namespace xport::test {

inline const std::string kSystemPython = "/usr/bin/python3";

// Skips the test (with the reason) when Debian's Python, which the checkers need, is absent.
#define XPORT_REQUIRE_PYTHON_CHECKER(checker, unit_suite)                                \
  if (!::xport::test::exists(::xport::test::kSystemPython))                              \
  GTEST_SKIP() << "needs " << ::xport::test::kSystemPython << " to run the independent " \
               << "reader " << (checker) << "; the unit tests (" << (unit_suite)         \
               << ") still cover the format"

// `xport convert -q -f FORMAT -c CONFIG INPUT DIR/out.zip`, then `python3 CHECKER
// DIR/out.zip CHECKER_ARGS`; expects both to succeed and returns the checker's output.
inline std::string convert_and_run_checker(const std::string& xport, const std::string& format,
                                           const std::filesystem::path& input,
                                           const std::string& config, const std::string& checker,
                                           const std::string& checker_args, const TempDir& dir) {
  const std::filesystem::path out = dir / "out.zip";
  RunResult x = run(quote(xport) + " convert -q -f " + format + " -c " + quote(config) + " " +
                    quote(input.string()) + " " + quote(out.string()));
  EXPECT_EQ(x.exit_code, 0) << x.err;
  RunResult c =
      run(kSystemPython + " " + quote(checker) + " " + quote(out.string()) + " " + checker_args);
  EXPECT_EQ(c.exit_code, 0) << input << " " << config << "\n" << c.err;
  return c.out;
}

// A count of the checker's summary (its last line, a JSON object); -1 when absent, so that
// a test compares whole numbers ("objects": 40 is not "objects": 4).
inline std::int64_t summary_count(const std::string& summary, const char* field) {
  const std::size_t end = summary.find_last_not_of("\n");
  if (end == std::string::npos) return -1;
  const std::size_t start = summary.rfind('\n', end);
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(
      std::string_view(summary).substr(start == std::string::npos ? 0 : start + 1), ec);
  const boost::json::object* o = ec ? nullptr : v.if_object();
  const boost::json::value* n = o ? o->if_contains(field) : nullptr;
  return n && n->is_int64() ? n->get_int64() : -1;
}

}  // namespace xport::test
