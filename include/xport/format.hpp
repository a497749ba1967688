// The converter interface. A Format describes itself (name, Config JSON options) and
// starts Conversions; a Conversion is a ParallelConsumer of assets: it converts chunks of
// assets on worker threads and commits their output in input order.
//
// Formats are found only through the registry (find_format / all_formats): the CLI and the
// plugin never name one. (The hub's export writer calls one facility of the aaf format as a
// typed function, formats/aaf/key_frames.hpp, not through the registry.)
#pragma once

#include <boost/json/object.hpp>

#include <atomic>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "xport/aaf/reader.hpp"
#include "xport/config.hpp"  // parse_config
#include "xport/format_options.hpp"
#include "xport/io.hpp"
#include "xport/report.hpp"
#include "xport/zip.hpp"

namespace xport {

struct FormatContext {
  std::string project_id;
  const boost::json::object& config;  // validated against the format's options
  zip::Writer& zip;
  Report& report;
  // How result entries are compressed: pass to zip.begin_entry() for every entry, unless
  // a format must match another tool's zip exactly.
  zip::EntryOptions entry{};
};

class Conversion : public aaf::ParallelConsumer {
 public:
  // After the last commit: write whatever closes the output (footers, summaries).
  virtual void finish() = 0;
};

class Format {
 public:
  virtual ~Format() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view description() const = 0;
  virtual std::span<const OptionSpec> options() const = 0;
  // The parts of each asset the format reads; the reader skips the rest undecoded.
  virtual aaf::Fields fields() const { return aaf::Fields::all; }
  // The geometries the format reads (others are skipped undecoded).
  virtual aaf::KindSet geometry() const { return aaf::KindSet::all(); }
  virtual std::unique_ptr<Conversion> start(FormatContext& context) const = 0;
  // Whether the driver adds `report.json` (what was kept, changed, dropped and why) to the
  // result. Only formats that must reproduce another tool's zip exactly say no.
  virtual bool writes_report() const { return true; }
};

// Registry -------------------------------------------------------------------------------

const Format* find_format(std::string_view name);
std::vector<const Format*> all_formats();  // sorted by name

// Config JSON ----------------------------------------------------------------------------

// Checks the config's keys and value types against the format's options. The key "format"
// (which picks the converter in plugins) is always allowed. Throws ConfigError.
void validate_config(const Format& format, const boost::json::object& config);

// Conversion driver ------------------------------------------------------------------------

struct ConvertOptions {
  std::string project_id = "project";
  aaf::OnError on_error = aaf::OnError::skip;
  unsigned threads = 0;  // 0 = one per core
  std::function<void(const aaf::Problem&)> on_problem;
  std::atomic<std::uint64_t>* bytes_read = nullptr;  // progress counters, see aaf::ReadOptions
  std::atomic<std::uint64_t>* assets_found = nullptr;
  std::atomic<std::uint64_t>* total_bytes = nullptr;
};

struct ConvertResult {
  aaf::ReadStats read;
  Report report;
  std::uint64_t output_bytes = 0;
};

// The content of `report.json`: the format, the read statistics, the report, and the
// input problems (the first ones, with their locations).
boost::json::object report_document(std::string_view format, const ConvertResult& result,
                                    const std::vector<aaf::Problem>& problems,
                                    std::uint64_t problems_total);

// Reads an export from `input`, converts it with `format` and writes the zip to `output`
// (committing it with output.close() only when everything succeeded).
ConvertResult convert(std::unique_ptr<ByteSource> input, ByteSink& output, const Format& format,
                      const boost::json::object& config, const ConvertOptions& options);

}  // namespace xport
