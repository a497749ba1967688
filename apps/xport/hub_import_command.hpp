// `xport hub import`, a subcommand of `xport hub` (hub_command.cpp registers it).
#pragma once

#include "commands.hpp"

namespace xport::cli {

// Adds `import` under `hub`; `action` is set to run it when it was selected.
CLI::App* add_hub_import_command(CLI::App& hub, Action& action);

}  // namespace xport::cli
