// `xport formats [NAME]`: what each format writes and its Config JSON options.
#include <fmt/format.h>

#include "commands.hpp"
#include "xport/errors.hpp"
#include "xport/format.hpp"

namespace xport::cli {
namespace {

void print_format(const Format& f, bool detailed) {
  fmt::print("{}\n    {}\n", f.name(), f.description());
  auto options = f.options();
  if (options.empty()) {
    fmt::print("    Config JSON options: none\n");
    return;
  }
  fmt::print("    Config JSON options:\n");
  for (const auto& o : options) {
    fmt::print("      \"{}\" ({}, default {})\n", o.name, to_string(o.type), o.default_json);
    if (detailed) fmt::print("          {}\n", o.description);
  }
}

}  // namespace

Action add_formats_command(CLI::App& app) {
  auto name = std::make_shared<std::string>();
  CLI::App* cmd = app.add_subcommand("formats", "List the formats and their Config JSON options");
  cmd->add_option("NAME", *name, "Show one format in detail");
  return [name] {
    if (name->empty()) {
      for (const Format* f : all_formats())
        print_format(*f, false);
      return 0;
    }
    const Format* f = find_format(*name);
    if (!f) throw ConfigError(fmt::format("unknown format '{}' (see `xport formats`)", *name));
    print_format(*f, true);
    return 0;
  };
}

}  // namespace xport::cli
