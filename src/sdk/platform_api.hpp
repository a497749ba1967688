// The platform's REST endpoints a plugin calls during a run (protocol.md §2): where the
// export is, the export download, upload and signed URLs, the upload itself, and (REST
// connector) responses and logs. Each call names the endpoint and the cause when it fails.
#pragma once

#include <boost/json/object.hpp>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "xport/platform.hpp"
#include "xport/plugin.hpp"

namespace xport::sdk {

// A platform call that failed: the message says which call, the status and the reason.
using PlatformError = xport::PlatformError;

struct ExportQuery {
  std::string project_id;
  std::string api_key;
  std::string format = "ndjson";
  std::optional<std::string> stage;
  std::vector<std::string> batches;
  std::optional<bool> key_frames_only;
};

struct UploadTarget {
  std::string api_key;
  std::string project_id;
  std::string file_name;
  std::string storage_id;  // empty: the platform's storage
  std::string type = "export";
  std::string bucket;  // with storage_id: another bucket than the storage's own (empty: its own)
};

class PlatformApi {
 public:
  PlatformApi(std::string host, const PluginOptions& options);
  ~PlatformApi();

  // GET /v2/export → data.exportPath.
  std::string export_url(const ExportQuery& query);
  // Streams the export zip at `url` to `file`; returns its size.
  std::uint64_t download(const std::string& url, const std::filesystem::path& file);
  // GET /v2/getUploadUrl → data.uploadUrl.
  std::string upload_url(const UploadTarget& target);
  // GET /v2/getSignedUrl → data.signedUrl.
  std::string signed_url(const UploadTarget& target, const std::string& upload_url);
  // PUT the result to the upload URL, streamed from its file (or from memory).
  void put(const std::string& url, const ResultFile& file);
  // POST a JSON body to a platform path (REST connector: /v2/pluginResponse, /v2/pluginLog).
  void post_json(const std::string& path, const boost::json::object& body,
                 const std::string& api_key);
  // The read API (xport/platform.hpp) for one run: this host and TLS setup, its apiKey.
  Platform platform(const std::string& api_key, const std::string& project_id) const;

 private:
  std::string get_data_field(const std::string& what, const std::string& target,
                             const std::string& api_key, const std::string& field);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xport::sdk
