// xport: converts Ango Annotation Format exports (and, as it grows, serves them as an
// export plugin and runs the hub). One binary, one subcommand per job.
#include <fmt/format.h>

#include <iostream>
#include <vector>

#include "commands.hpp"
#include "xport/errors.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "xport: export annotations from Ango Annotation Format (AAF) to the formats ML "
      "pipelines use."};
  app.require_subcommand(1);
  app.set_version_flag("--version", std::string("xport 0.1.0"));
  std::vector<std::pair<CLI::App*, xport::cli::Action>> commands;
  auto add = [&](auto adder) {
    std::size_t before = app.get_subcommands({}).size();
    auto action = adder(app);
    commands.emplace_back(app.get_subcommands({})[before], std::move(action));
  };
  add(xport::cli::add_client_command);
  add(xport::cli::add_convert_command);
  add(xport::cli::add_demo_command);
  add(xport::cli::add_formats_command);
  add(xport::cli::add_hub_command);
  add(xport::cli::add_plugin_command);
  add(xport::cli::add_validate_command);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : xport::kExitUsage;
  }
  for (auto& [sub, action] : commands) {
    if (!sub->parsed()) continue;
    try {
      return action();
    } catch (const xport::ConfigError& e) {
      fmt::print(stderr, "xport: {}\n", e.what());
      return xport::kExitUsage;
    } catch (const xport::InputError& e) {
      fmt::print(stderr, "xport: {}\n", e.what());
      return xport::kExitBadInput;
    } catch (const xport::IoError& e) {
      fmt::print(stderr, "xport: {}\n", e.what());
      return xport::kExitIo;
    }
  }
  return xport::kExitUsage;
}
