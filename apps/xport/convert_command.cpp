// `xport convert`: export file → format → zip, with progress and a one-line summary.
#include <fmt/format.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "commands.hpp"
#include "problem_printer.hpp"
#include "progress.hpp"
#include "xport/errors.hpp"
#include "xport/format.hpp"

namespace xport::cli {
namespace {

struct ConvertArgs {
  std::string format;
  std::string config_text;
  std::string config_file;
  std::string project_id = "project";
  std::string input;
  std::string output;
  unsigned threads = 0;
  bool stop_on_error = false;
  bool quiet = false;
  std::uint64_t max_problems = 20;
};

std::string read_config_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError("cannot read config file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string human_bytes(std::uint64_t n) {
  if (n < 10'000) return fmt::format("{} B", n);
  if (n < 10'000'000) return fmt::format("{:.1f} kB", static_cast<double>(n) / 1e3);
  if (n < 10'000'000'000) return fmt::format("{:.1f} MB", static_cast<double>(n) / 1e6);
  return fmt::format("{:.2f} GB", static_cast<double>(n) / 1e9);
}

int run_convert(const ConvertArgs& args) {
  const Format* format = find_format(args.format);
  if (!format) {
    std::string names;
    for (const Format* f : all_formats())
      names += (names.empty() ? "" : ", ") + std::string(f->name());
    throw ConfigError(fmt::format("unknown format '{}' (formats: {})", args.format, names));
  }
  std::string config_text =
      args.config_file.empty() ? args.config_text : read_config_file(args.config_file);
  boost::json::object config = parse_config(config_text);
  validate_config(*format, config);

  ProgressCounters counters;
  ProblemPrinter printer(args.max_problems);
  ConvertOptions options;
  options.project_id = args.project_id;
  options.on_error = args.stop_on_error ? aaf::OnError::stop : aaf::OnError::skip;
  options.threads = args.threads;
  options.on_problem = [&](const aaf::Problem& p) { printer(p); };
  options.bytes_read = &counters.bytes;
  options.assets_found = &counters.assets;
  options.total_bytes = &counters.total;

  auto start = std::chrono::steady_clock::now();
  auto input = aaf::open_export(args.input);
  auto output = open_file_sink(args.output);
  ConvertResult result;
  {
    ProgressDisplay progress(counters, !args.quiet);
    result = convert(std::move(input), *output, *format, config, options);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  printer.print_tail();

  const auto& read = result.read;
  if (!args.quiet) {
    for (const auto& line : result.report.summary_lines())
      fmt::print(stderr, "  {}\n", line);
    fmt::print(
        stderr, "{}: {} assets, {} objects, {} skipped{}; {} read, {} written to {} in {:.2f} s\n",
        format->name(), read.assets, result.report.objects(), read.skipped,
        read.truncated ? ", input truncated" : "", human_bytes(read.bytes),
        human_bytes(result.output_bytes), args.output == "-" ? "<stdout>" : args.output, seconds);
  }
  // The output is complete for every good asset; the exit code still tells that some input
  // was bad.
  return read.skipped > 0 || read.truncated ? kExitBadInput : kExitOk;
}

}  // namespace

Action add_convert_command(CLI::App& app) {
  auto args = std::make_shared<ConvertArgs>();
  CLI::App* cmd = app.add_subcommand("convert", "Convert an AAF export into a format's zip");
  cmd->add_option("-f,--format", args->format, "Target format (see `xport formats`)")->required();
  auto* config = cmd->add_option("-c,--config", args->config_text, "Config JSON text");
  cmd->add_option("--config-file", args->config_file, "File holding the Config JSON")
      ->excludes(config);
  cmd->add_option("-p,--project-id", args->project_id,
                  "Project id (names the output entries of some formats)")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Worker threads (default: one per core)");
  cmd->add_flag("--stop-on-error", args->stop_on_error,
                "Stop at the first bad asset instead of skipping and reporting it");
  cmd->add_option("--max-problems", args->max_problems, "Print at most this many problems")
      ->capture_default_str();
  cmd->add_flag("-q,--quiet", args->quiet, "No progress and no summary");
  cmd->add_option("INPUT", args->input,
                  "AAF export: NDJSON, JSON array, or a zip holding one ('-' = stdin)")
      ->required();
  cmd->add_option("OUTPUT", args->output, "Result zip ('-' = stdout)")->required();
  return [args] { return run_convert(*args); };
}

}  // namespace xport::cli
