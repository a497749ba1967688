// `xport validate`: checks every asset completely (whole JSON text and every documented
// field) and reports each problem with its location.
#include <fmt/format.h>

#include <mutex>

#include "commands.hpp"
#include "problem_printer.hpp"
#include "progress.hpp"
#include "xport/aaf.hpp"
#include "xport/errors.hpp"

namespace xport::cli {
namespace {

struct ValidateArgs {
  std::string input;
  std::uint64_t max_problems = 1000;
  unsigned threads = 0;
};

// Object-level problems (malformed geometry) do not stop an asset from being read: collect
// them per chunk and report them in input order at commit.
class ObjectChecker final : public aaf::ParallelConsumer {
 public:
  ObjectChecker(std::string source, ProblemPrinter& printer)
      : source_(std::move(source)), printer_(printer) {}

  struct State final : aaf::ChunkState {
    std::vector<aaf::Problem> problems;
    std::uint64_t objects = 0;
  };
  std::unique_ptr<aaf::ChunkState> make_state() override { return std::make_unique<State>(); }
  void consume(const aaf::Asset& asset, aaf::ChunkState& state) override {
    auto& s = static_cast<State&>(state);
    for (const aaf::Object& o : asset.objects()) {
      ++s.objects;
      if (o.kind() != aaf::ObjectKind::invalid) continue;
      s.problems.push_back(
          aaf::Problem{source_, asset.location(), o.path(), std::string(o.problem())});
    }
  }
  void commit(aaf::ChunkState& state) override {
    auto& s = static_cast<State&>(state);
    for (const auto& p : s.problems)
      printer_(p);
    problems += s.problems.size();
    objects += s.objects;
    s.problems.clear();
    s.objects = 0;
  }

  std::uint64_t problems = 0;
  std::uint64_t objects = 0;

 private:
  std::string source_;
  ProblemPrinter& printer_;
};

int run_validate(const ValidateArgs& args) {
  ProgressCounters counters;
  ProblemPrinter printer(args.max_problems);
  std::uint64_t read_problems = 0;
  aaf::ReadOptions options;
  options.validate = true;
  options.threads = args.threads;
  options.on_problem = [&](const aaf::Problem& p) {
    if (!p.warning) ++read_problems;
    printer(p);
  };
  options.bytes_read = &counters.bytes;
  options.assets_found = &counters.assets;
  options.total_bytes = &counters.total;
  auto input = aaf::open_export(args.input);
  ObjectChecker checker(input->name(), printer);
  aaf::ReadStats stats;
  {
    ProgressDisplay progress(counters, true);
    stats = aaf::read_parallel(std::move(input), options, checker);
  }
  printer.print_tail();
  std::uint64_t total = read_problems + checker.problems;
  fmt::print(stderr, "{}: {} assets, {} objects checked; {} problem{}{}\n", args.input,
             stats.assets + stats.skipped, checker.objects, total, total == 1 ? "" : "s",
             stats.truncated ? " (reading stopped early: the stream is broken)" : "");
  return total ? kExitBadInput : kExitOk;
}

}  // namespace

Action add_validate_command(CLI::App& app) {
  auto args = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "Check an AAF export and report every problem");
  cmd->add_option("INPUT", args->input, "AAF export ('-' = stdin)")->required();
  cmd->add_option("--max-problems", args->max_problems, "Print at most this many problems")
      ->capture_default_str();
  cmd->add_option("--threads", args->threads, "Worker threads (default: one per core)");
  return [args] { return run_validate(*args); };
}

}  // namespace xport::cli
