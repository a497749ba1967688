// The built-in formats served as an export plugin's callback.
#include <fmt/format.h>

#include <thread>

#include "formats/common/text.hpp"
#include "xport/errors.hpp"
#include "xport/format.hpp"
#include "xport/plugin.hpp"

namespace xport {
namespace {

const Format& pick_format(const boost::json::object& config, const std::string& fallback) {
  std::string name = fallback;
  if (auto it = config.find("format"); it != config.end()) {
    if (!it->value().is_string())
      throw ConfigError("Config JSON: \"format\" must be a string naming a format");
    name = std::string(it->value().get_string());
  }
  if (name.empty())
    throw ConfigError("Config JSON: no \"format\" given and the plugin has no default format");
  const Format* format = find_format(name);
  if (!format) {
    std::string names;
    for (const Format* f : all_formats())
      names += (names.empty() ? "" : ", ") + std::string(f->name());
    throw ConfigError(fmt::format("Config JSON: unknown format \"{}\" (formats: {})", name, names));
  }
  return *format;
}

}  // namespace

ExportCallback converter_callback(std::string default_format) {
  if (!default_format.empty() && !find_format(default_format))
    throw ConfigError(fmt::format("unknown default format \"{}\"", default_format));
  return [default_format](ExportRequest& request) -> ExportResponse {
    boost::json::object config = request.config();
    const Format& format = pick_format(config, default_format);
    config.erase("format");
    validate_config(format, config);
    request.logger.info(
        fmt::format("converting project {} to {}", request.projectId, format.name()));

    constexpr std::uint64_t kMaxLoggedProblems = 20;
    std::uint64_t problems = 0;
    std::vector<aaf::Problem> first_problems;
    ConvertOptions options;
    options.project_id = request.projectId;
    options.on_problem = [&](const aaf::Problem& p) {
      if (++problems > kMaxLoggedProblems) return;
      request.logger.warning(p.to_string());
      first_problems.push_back(p);
    };
    // The reader moves the run's progress: bytes of the export and assets read.
    options.bytes_read = &request.progress->bytes_done;
    options.assets_found = &request.progress->assets_done;
    options.total_bytes = &request.progress->bytes_total;
    std::string name = fmt::format(
        "{}-{}.zip", text::plain_file_name(request.projectId, std::string_view::npos, "export"),
        format.name());
    auto path = request.work_dir / name;
    auto sink = open_file_sink(path.string());
    ConvertResult result = convert(request.jsonExport.open(), *sink, format, config, options);
    if (problems > kMaxLoggedProblems)
      request.logger.warning(
          fmt::format("{} more input problems (see report.json)", problems - kMaxLoggedProblems));
    for (const auto& line : result.report.summary_lines())
      request.logger.info(line);
    request.logger.info(fmt::format("{}: {} assets, {} objects, {} skipped; {:.1f} MB written",
                                    format.name(), result.read.assets, result.report.objects(),
                                    result.read.skipped,
                                    static_cast<double>(result.output_bytes) / 1e6));
    ExportResponse response{ResultFile(path), name};
    response.report = report_document(format.name(), result, first_problems, problems);
    return response;
  };
}

}  // namespace xport
