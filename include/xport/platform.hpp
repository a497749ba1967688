// The platform's read API, as the platform's own Python plugins use it (protocol.md §6):
// the C++ counterpart of `imerit_ango.sdk.SDK(api_key, host)`. In a callback it comes bound
// to the run's host, apiKey and project:
//
//   xport::Project project = data.platform().project();        // sdk.get_project(pid)
//   auto page = data.platform().assets(1, 100);                  // sdk.get_assets(pid, 1, 100)
//   for (const xport::Issue& issue : data.platform().issues())   // exportV3(type="issue")
//
// Records are plain structs named as the platform's JSON is (`_id` is `id`); where a field is
// open-ended (a category schema, metadata, a task's answer) it is kept as JSON text, and each
// record carries its whole JSON as `json`, so nothing the platform sends is out of reach and
// no JSON library's types appear here. Every call blocks (bounded by PlatformOptions) and
// throws PlatformError naming the endpoint, the status and the platform's message.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace xport {

namespace sdk {
class PlatformSession;
}

// A platform call that failed. what(): "<endpoint> answered <status>: <message>" (or the
// network failure, or what was wrong with the reply).
class PlatformError : public std::runtime_error {
 public:
  explicit PlatformError(const std::string& message)
      : std::runtime_error(message), message_(message) {}
  PlatformError(std::string endpoint, int status, std::string message);
  // "GET /v2/project/<id>" (no query: it may carry ids the logs should not).
  const std::string& endpoint() const noexcept { return endpoint_; }
  // The HTTP status; 0 when there was no answer (network, timeout).
  int status() const noexcept { return status_; }
  // The platform's own message (its reply's "message"), or what went wrong.
  const std::string& message() const noexcept { return message_; }

 private:
  std::string endpoint_;
  int status_ = 0;
  std::string message_;
};

struct Position {
  double x = 0;
  double y = 0;
};

struct Stage {
  std::string id;  // "Start" and "Complete" for the two stages every project has
  std::string name;
  std::string type;  // "Start", "Label", "Review", "Complete", "Consensus", ...
  Position position;
  std::string consensusId;  // stages inside a consensus stage: its id
};

struct Batch {
  std::string id;
  std::string name;
};

struct Project {
  std::string id;
  std::string name;
  std::string type;
  std::vector<Batch> batches;
  std::vector<Stage> stages;
  std::string categorySchema;  // JSON text: {"tools":[..],"classifications":[..],"relations":[..]}
  std::string json;            // the whole record

  // The stage with this id, else with this name; nullptr when there is none.
  const Stage* stage(std::string_view id_or_name) const;
  // The stages in workflow order, as the platform's plugins sort them: by position.x, then
  // by name (a stage at x 0 inside a consensus stage takes the consensus stage's x).
  std::vector<Stage> stages_in_order() const;
};

// A project as listProjects gives it.
struct ProjectSummary {
  std::string id;
  std::string name;
  std::string json;
};

// One passage of a task through a stage (stageHistory entries, task history).
struct StageHistoryEntry {
  std::string id;  // task history entries have one; stageHistory entries usually not
  std::string stageId;
  std::string stage;  // the stage's name
  std::string completedBy;
  std::string completedAt;    // ISO 8601 text, as sent
  std::int64_t duration = 0;  // milliseconds spent in the stage
  std::string reviewStatus;
  std::string json;
};

// An asset's label task as the assets call embeds it.
struct LabelTask {
  std::string id;
  std::string stage;
  std::string stageId;
  std::vector<StageHistoryEntry> stageHistory;
};

struct Asset {
  std::string id;
  std::string externalId;
  std::string data;                  // the asset's URL
  std::vector<std::string> batches;  // batch ids
  std::string metadata;              // JSON text ("{}" when none)
  std::vector<LabelTask> labelTasks;
  std::string json;
};

struct Task {
  std::string id;
  std::string asset;  // the asset's id
  std::string externalId;
  std::string stage;
  std::string stageId;
  std::string status;
  std::vector<std::string> batches;
  std::vector<StageHistoryEntry> stageHistory;
  std::string json;  // everything else (assignee, answer, ...)
};

struct Storage {
  std::string id;
  std::string name;
  std::string provider;
  std::string bucket;
  std::string json;  // never holds credentials: the platform does not send them
};

struct IssueComment {
  std::string createdBy;
  std::string content;
  std::string createdAt;
};

// An issue raised on a task (the issue export's records).
struct Issue {
  std::string id;
  std::string externalId;  // of the asset
  std::string labelTask;   // the task's id
  std::string stage;
  std::string stageId;
  std::string status;
  std::string errorType;
  std::string errorCode;
  std::string content;
  std::string createdBy;
  std::string createdAt;
  std::string position;  // as the platform writes it: the text "[x, y]"
  std::string objectId;  // the annotation it is about ("" for the whole asset)
  std::vector<IssueComment> comments;
  std::string json;
};

// One page of a listing. `page` is 1-based; `total` counts every match, not this page.
template <class T>
struct Page {
  std::vector<T> items;
  std::int64_t total = 0;
  int page = 1;
  int limit = 10;
};

// get_assets' filters (sent as `filters=<JSON>`; empty members are left out).
struct AssetFilters {
  std::string asset_id;
  std::string external_id;
  std::vector<std::string> batches;
};

// get_tasks' filters (sent as `filter=<JSON>`; empty members are left out).
struct TaskFilters {
  std::string status;  // "TODO", "Completed", ...
  std::string stage;   // a stage id
  std::vector<std::string> batches;
};

struct PlatformOptions {
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};  // per read/write
  std::string ca_file;  // extra trusted CA (PEM) for a private platform
  bool verify_tls = true;
};

class Platform {
 public:
  // Unbound: every call throws PlatformError (what an ExportRequest built by hand holds).
  Platform();
  // host "https://api.ango.ai" (a path prefix is kept); project_id: what project() reads.
  Platform(std::string host, std::string api_key, std::string project_id = {},
           PlatformOptions options = {});

  const std::string& host() const;
  const std::string& project_id() const;

  // GET /v2/project/{id}: the bound project (get_project(project_id)), or another one.
  Project project() const;
  Project project(const std::string& id) const;
  // GET /v2/listProjects?page=&limit=
  Page<ProjectSummary> list_projects(int page = 1, int limit = 10) const;

  // GET /v2/project/{pid}/assets?page=&limit=&filters=<JSON> (get_assets).
  Page<Asset> assets(int page = 1, int limit = 10, const AssetFilters& filters = {}) const;
  // Every matching asset, page after page (`page_size` per request), handed to `each` as it
  // arrives: a project of any size in bounded memory.
  void for_each_asset(const std::function<void(const Asset&)>& each,
                      const AssetFilters& filters = {}, int page_size = 1000) const;
  std::vector<Asset> all_assets(const AssetFilters& filters = {}, int page_size = 1000) const;

  // GET /v2/project/{pid}/tasks?page=&limit=&includeAnswer=false[&filter=<JSON>] (get_tasks).
  Page<Task> tasks(int page = 1, int limit = 10, const TaskFilters& filters = {}) const;
  // GET /v2/task/{id}?includeAnswer=False (get_task) and GET /v2/task/{id}/history.
  Task task(const std::string& id) const;
  std::vector<StageHistoryEntry> task_history(const std::string& id) const;

  // GET /v2/storages and GET /v2/storages?_id= (get_storages). storage(): nullopt when the
  // platform lists no storage of that id or answers 404.
  std::vector<Storage> storages() const;
  std::optional<Storage> storage(const std::string& id) const;

  // The project's issues: GET /v2/export?...&type=issue&format=json (as the newest SDK asks,
  // without a stage), then the zip it points to, whose first entry is the JSON list.
  std::vector<Issue> issues() const;

 private:
  std::shared_ptr<const sdk::PlatformSession> session_;
};

}  // namespace xport
