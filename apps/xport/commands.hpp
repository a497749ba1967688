// Subcommands of the `xport` binary. Each registers its options on the CLI11 app and
// returns the exit code through run().
#pragma once

#include <CLI/CLI.hpp>

#include <functional>

namespace xport::cli {

// A registered subcommand's action, run when CLI11 selected it.
using Action = std::function<int()>;

Action add_client_command(CLI::App& app);
Action add_convert_command(CLI::App& app);
Action add_demo_command(CLI::App& app);
Action add_formats_command(CLI::App& app);
Action add_hub_command(CLI::App& app);
Action add_plugin_command(CLI::App& app);
Action add_validate_command(CLI::App& app);

}  // namespace xport::cli
