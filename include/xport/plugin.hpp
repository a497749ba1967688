// The export-plugin SDK: the C++ counterpart of the platform's Python SDK
// (`imerit_ango.plugins.ExportPlugin`), speaking the same wire protocol.
//
//   xport::ExportResponse callback(xport::ExportRequest& data) {
//     auto config = data.config();                       // configJSON, parsed
//     data.logger.info("Plugin session is started!");
//     xport::Project project = data.platform().project(); // the platform's API (platform.hpp)
//     for (const xport::aaf::Asset& asset : data.jsonExport) { ... }
//     auto zip = data.new_zip();                         // a zip on a temporary file
//     zip.add(data.projectId + ".json", text);
//     return {zip.finish(), data.projectId + ".zip"};
//   }
//   int main() {
//     xport::ExportPlugin plugin(id, secret, callback, host);
//     return xport::run(plugin);                         // until SIGINT/SIGTERM
//   }
//
// What happens for each run (the `plugin` event): the export is downloaded to a temporary
// file, the callback runs on a worker thread, its result is uploaded as a stream, and the
// platform gets a `response`. Every failure (bad Config JSON, export download, callback
// exception, upload) is answered with an error response and an ERROR log: never silence.
#pragma once

#include <boost/json/object.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "xport/aaf/reader.hpp"
#include "xport/platform.hpp"
#include "xport/zip.hpp"

namespace xport {

// Logs of one run, shown to the user on the platform (the `log` event), and mirrored to
// the plugin process's own log.
class PluginLogger {
 public:
  using Sink = std::function<void(std::string_view level, std::string_view message)>;
  explicit PluginLogger(Sink sink) : sink_(std::move(sink)) {}
  void debug(std::string_view message) const { sink_("DEBUG", message); }
  void info(std::string_view message) const { sink_("INFO", message); }
  void warning(std::string_view message) const { sink_("WARNING", message); }
  void error(std::string_view message) const { sink_("ERROR", message); }

 private:
  Sink sink_;
};

// How far a run's callback has come, shown to the user as a progress bar with an ETA. Each
// pass over jsonExport moves the counters (bytes of the export and assets read), and so do
// the built-in formats; a callback may also move them itself, from any thread. The SDK
// sends them about once a second while the callback runs, and once more when it returns,
// to a hub that offers it (the `plugin` event's "acceptsProgress"; the platform's own does
// not, and gets nothing). assets_total starts as numTasks when counted; a total of 0 is
// unknown.
struct RunProgress {
  std::atomic<std::uint64_t> assets_done{0};
  std::atomic<std::uint64_t> assets_total{0};
  std::atomic<std::uint64_t> bytes_done{0};
  std::atomic<std::uint64_t> bytes_total{0};
};

// The project's export for one run, held in a temporary file: iterate over it as often as
// needed (each range-for is a new pass; a pass never holds more than a few MB).
class ExportStream {
 public:
  explicit ExportStream(std::filesystem::path zip_file);
  // The downloaded zip (its first entry is the NDJSON export). open() and the passes throw
  // xport::InputError when it is not a zip.
  const std::filesystem::path& path() const { return zip_file_; }
  // The NDJSON bytes (unzipped as they are read).
  std::unique_ptr<ByteSource> open() const;
  // A new sequential pass; ask for fewer fields to read faster.
  aaf::Reader reader(aaf::ReadOptions options = {}) const;

  // Passes of begin() and reader() (unless their options name counters of their own) move
  // these counters: each pass starts them again from 0. The SDK sets the run's.
  void track(std::shared_ptr<RunProgress> progress) { progress_ = std::move(progress); }

  aaf::Reader::iterator begin();
  std::default_sentinel_t end() { return {}; }

 private:
  aaf::ReadOptions tracked(aaf::ReadOptions options) const;

  std::filesystem::path zip_file_;
  std::unique_ptr<aaf::Reader> pass_;
  std::shared_ptr<RunProgress> progress_;
};

// The result to upload: bytes in memory, or a file streamed from disk (for results of any
// size). A std::string is taken as the bytes; a std::filesystem::path as a file.
class ResultFile {
 public:
  ResultFile() = default;
  ResultFile(std::string bytes) : bytes_(std::move(bytes)) {}
  ResultFile(std::filesystem::path file) : file_(std::move(file)) {}
  ResultFile(const char*) = delete;  // ambiguous: say std::string or std::filesystem::path

  bool in_memory() const { return !file_.has_value(); }
  const std::string& bytes() const { return bytes_; }
  const std::filesystem::path& file() const { return *file_; }

 private:
  std::string bytes_;
  std::optional<std::filesystem::path> file_;
};

// What a callback returns (the Python SDK's ExportResponse(file, file_name, storage_id,
// bucket), with the same defaults).
struct ExportResponse {
  ExportResponse(ResultFile file_, std::string file_name_ = "export.json",
                 std::string storage_id_ = {}, std::string bucket_ = {})
      : file(std::move(file_)),
        file_name(std::move(file_name_)),
        storage_id(std::move(storage_id_)),
        bucket(std::move(bucket_)) {}

  ResultFile file;
  std::string file_name;
  std::string storage_id;  // empty: the platform's storage; else the customer's
  std::string bucket;
  // What the conversion kept, changed and dropped (the built-in formats put their
  // report.json document here): a hub that offers progress keeps it and shows it on the
  // run's page. Empty: none. Never sent to a platform that does not ask for it.
  boost::json::object report;
};

// A zip written straight to a temporary file of the run; finish() closes it and hands it
// over as a ResultFile. The file is removed when the run ends.
class ResultZip {
 public:
  explicit ResultZip(std::filesystem::path file);
  ~ResultZip();
  ResultZip(ResultZip&&) noexcept;
  zip::Writer& writer() { return *writer_; }
  void add(std::string_view name, std::string_view data, zip::EntryOptions options = {});
  ResultFile finish();

 private:
  std::filesystem::path file_;
  std::unique_ptr<ByteSink> sink_;
  std::unique_ptr<zip::Writer> writer_;
};

// The `plugin` event's data, as the Python SDK hands it to the callback (same names).
struct ExportRequest {
  std::string projectId;
  ExportStream& jsonExport;
  const PluginLogger& logger;
  std::string apiKey;
  std::string orgId;
  std::string runBy;
  std::string session;
  std::string configJSON;  // the text the user typed ("{}" when absent)
  std::uint64_t numTasks = 0;
  // The stage filter as the platform sent it: a JSON list of stage ids (`["<id>"]`), or a
  // single stage name; nullopt when the run names none.
  std::optional<std::string> stage;
  std::vector<std::string> batches;  // batch ids
  boost::json::object raw;           // the whole event data, unknown keys included
  std::filesystem::path work_dir;    // a temporary directory of this run
  Platform platform_;                // set by the SDK; read it through platform()
  std::shared_ptr<RunProgress> progress = std::make_shared<RunProgress>();

  // The platform's read API bound to this run's host, apiKey and project (xport/platform.hpp):
  // project(), assets(page, limit), tasks(), issues(), storages(), ...
  const Platform& platform() const { return platform_; }

  // configJSON parsed; throws xport::ConfigError naming line, column and the problem.
  boost::json::object config() const;
  // A zip on a temporary file in work_dir.
  ResultZip new_zip(std::string_view name = "result.zip") const;
};

using ExportCallback = std::function<ExportResponse(ExportRequest&)>;

// The built-in converters as a callback (what `xport plugin` serves): the Config JSON key
// "format" picks the converter (else `default_format`), its other keys configure it. The
// conversion report is logged to the run; the result is `<projectId>-<format>.zip`.
ExportCallback converter_callback(std::string default_format);

enum class Connector { websocket, rest };

struct PluginOptions {
  Connector connector = Connector::websocket;
  std::uint16_t port = 8080;  // REST connector: where POST /plugin is served
  std::string listen_address = "0.0.0.0";
  unsigned concurrency = 0;  // callbacks running at once; 0 = one per core
  std::string ca_file;       // extra trusted CA (PEM) for a private platform
  bool verify_tls = true;
  std::chrono::seconds heartbeat_interval{60};
  std::chrono::seconds shutdown_grace{30};  // in-flight runs get this long to finish
  std::chrono::milliseconds reconnect_min{500};
  std::chrono::milliseconds reconnect_max{30000};
  std::filesystem::path temp_dir;  // empty: the system's temporary directory
  std::string export_format = "ndjson";
  // Count the export's lines for ExportRequest::numTasks before the callback runs (one
  // extra pass over the export); callbacks that do not read numTasks can skip it.
  bool count_tasks = true;
};

class PluginRuntime;

class ExportPlugin {
 public:
  ExportPlugin(std::string id, std::string secret, ExportCallback callback,
               std::string host = "https://api.ango.ai", PluginOptions options = {});
  ~ExportPlugin();
  ExportPlugin(const ExportPlugin&) = delete;
  ExportPlugin& operator=(const ExportPlugin&) = delete;

  const std::string& id() const { return id_; }
  const std::string& host() const { return host_; }
  const PluginOptions& options() const { return options_; }

  // Serves runs until stop() (or a signal, through xport::run). Blocks. Throws
  // xport::ConfigError for an empty id or secret, no callback, or a host that is not a URL.
  void serve();
  // Asks serve() to return: no new runs are taken, in-flight runs get the grace period.
  // Safe from any thread and from a signal-watching thread.
  void stop();

 private:
  std::string id_;
  std::string secret_;
  ExportCallback callback_;
  std::string host_;
  PluginOptions options_;
  void check() const;

  std::mutex mutex_;
  bool stop_requested_ = false;
  std::unique_ptr<PluginRuntime> runtime_;
  friend class PluginRuntime;
};

// Serves the plugin until SIGINT or SIGTERM, then finishes in-flight runs (grace period)
// and returns 0 — the process's exit code. A configuration error (empty id or secret, bad
// host) is logged and returns 2.
int run(ExportPlugin& plugin);

}  // namespace xport
