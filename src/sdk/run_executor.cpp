#include "sdk/run_executor.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>
#include "sdk/log.hpp"

#include <chrono>
#include <optional>
#include <random>

#include "formats/common/text.hpp"
#include "sdk/progress_reporter.hpp"
#include "sdk/run_fields.hpp"
#include "xport/errors.hpp"

namespace xport::sdk {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The run's temporary directory; removed with everything in it when the run ends, whatever
// happened (a result is uploaded before this goes).
class WorkDir {
 public:
  WorkDir(const std::filesystem::path& root, const std::string& session) {
    std::random_device rd;
    path_ = root / fmt::format("xport-run-{}-{:08x}", text::plain_file_name(session, 40, ""), rd());
    std::filesystem::create_directories(path_);
  }
  ~WorkDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
    if (ec) log().warn("could not remove {}: {}", path_.string(), ec.message());
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Counts non-empty lines of the NDJSON inside the export zip (the Python SDK's numTasks).
std::uint64_t count_tasks(ExportStream& stream) {
  auto source = stream.open();
  std::vector<char> buffer(std::size_t{1} << 20);
  std::uint64_t lines = 0;
  bool line_has_text = false;
  while (std::size_t n = source->read(buffer.data(), buffer.size())) {
    for (std::size_t i = 0; i < n; ++i) {
      char c = buffer[i];
      if (c == '\n') {
        lines += line_has_text;
        line_has_text = false;
      } else if (c != '\r' && c != ' ' && c != '\t') {
        line_has_text = true;
      }
    }
  }
  return lines + line_has_text;
}

// xport's hub takes `progress` events and an answer's `report`; the platform's does not.
bool offers_progress(const boost::json::object& data) {
  auto* v = data.if_contains("acceptsProgress");
  return v && v->is_bool() && v->get_bool();
}

std::string human_size(std::uint64_t bytes) {
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

// The user's callback, its progress sent while it runs to a hub that offers it.
ExportResponse call_back(ExportRequest& request, bool report_progress, const RunEnvironment& env) {
  std::optional<ProgressReporter> reporter;
  if (report_progress && env.send_progress)
    reporter.emplace(request.progress, env.progress_interval, [&](boost::json::object body) {
      body["session"] = request.session;
      body["pluginId"] = env.plugin_id;
      body["organization"] = request.orgId;
      env.send_progress(std::move(body));
    });
  ExportResponse response = (*env.callback)(request);
  if (reporter) reporter->finish();
  return response;
}

}  // namespace

boost::json::object execute_run(const boost::json::object& data, const RunEnvironment& env) {
  RunFields run = RunFields::from(data);
  PluginLogger logger([&](std::string_view level, std::string_view message) {
    log().log(level == "ERROR"     ? spdlog::level::err
              : level == "WARNING" ? spdlog::level::warn
              : level == "DEBUG"   ? spdlog::level::debug
                                   : spdlog::level::info,
              "[run {}] {}", run.session, message);
    if (env.send_log) {
      env.send_log({{"level", level},
                    {"organization", run.org_id},
                    {"pluginId", env.plugin_id},
                    {"runBy", run.run_by},
                    {"session", run.session},
                    {"msg", message}});
    }
  });
  auto fail = [&](const std::string& message) {
    logger.error(message);
    return boost::json::object{{"error", true}, {"session", run.session}, {"message", message}};
  };
  if (!run.problems.empty()) return fail("the run's data is malformed: " + run.problems);

  std::string step = "preparing the run";
  try {
    auto started = Clock::now();
    WorkDir work(env.temp_root, run.session);

    step = "reading the Config JSON";
    (void)parse_run_config(run.config_json);  // bad Config JSON: answer before downloading

    step = "fetching the export";
    ExportQuery query{run.project_id, run.api_key, env.export_format,
                      run.stage,      run.batches, run.key_frames_only};
    auto export_zip = work.path() / "export.zip";
    auto t0 = Clock::now();
    std::uint64_t size = env.api->download(env.api->export_url(query), export_zip);
    logger.debug(
        fmt::format("export downloaded: {} in {:.2f} s", human_size(size), seconds_since(t0)));
    ExportStream stream(export_zip);

    step = "reading the export";
    std::uint64_t tasks = env.count_tasks ? count_tasks(stream) : 0;

    step = "running the export callback";
    ExportRequest request{run.project_id, stream,
                          logger,         run.api_key,
                          run.org_id,     run.run_by,
                          run.session,    run.config_json,
                          tasks,          run.stage,
                          run.batches,    data,
                          work.path(),    env.api->platform(run.api_key, run.project_id)};
    t0 = Clock::now();
    request.progress->assets_total = tasks;
    stream.track(request.progress);  // a callback's passes over jsonExport move the bar
    ExportResponse response = call_back(request, offers_progress(data), env);
    logger.debug(fmt::format("callback finished in {:.2f} s", seconds_since(t0)));

    step = "uploading the result";
    t0 = Clock::now();
    UploadTarget target{run.api_key,         run.project_id, response.file_name,
                        response.storage_id, "export",       response.bucket};
    std::string upload = env.api->upload_url(target);
    std::string signed_url = env.api->signed_url(target, upload);
    env.api->put(upload, response.file);
    logger.debug(fmt::format("result uploaded in {:.2f} s", seconds_since(t0)));
    logger.info(
        fmt::format("export ready: {} ({:.2f} s)", response.file_name, seconds_since(started)));
    boost::json::object answer{
        {"export", true}, {"response", signed_url}, {"session", run.session}};
    if (offers_progress(data) && !response.report.empty())
      answer["report"] = std::move(response.report);
    return answer;
  } catch (const std::exception& e) {
    return fail(fmt::format("{} failed: {}", step, e.what()));
  } catch (...) {
    return fail(step + " failed: an exception that is not a std::exception");
  }
}

}  // namespace xport::sdk
