// The hub's persistence interface. Every SQL statement lives behind it (SQLite now,
// PostgreSQL later as another implementation), so the domain and the HTTP layer never see
// a database. Times are Unix milliseconds; JSON columns are kept as text.
#pragma once

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace xport::hub {

// A record that should exist does not (unknown id, session, ...). HTTP: 404.
class NotFound : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A write contradicts what is stored (duplicate name or external id). HTTP: 409.
class Conflict : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Organization {
  std::string id;
  std::string name;
  std::int64_t created_at = 0;
};

struct User {
  std::string id;
  std::string org_id;
  std::string name;
  std::string email;
  std::string role = "member";  // "admin" | "member"
  std::string api_key_hash;     // hex SHA-256 of the API key; the key itself is never stored
  std::int64_t created_at = 0;
  bool server_admin = false;  // may create organisations: the hub's first user
  // When the user was removed from their organisation; 0 while they are in it. A removed
  // user keeps their row (their runs and notifications name them) but no key and no email.
  std::int64_t removed_at = 0;
};

// A user's role in one project (the platform's project members). Organisation admins need
// none: they manage every project of their organisation.
struct ProjectMember {
  std::string project_id;
  std::string user_id;
  std::string role;  // "manager" | "annotator" | "reviewer"
  std::int64_t added_at = 0;
};

// A stage of a project's workflow, as the platform describes it (GET /v2/project/{id}).
struct Stage {
  std::string id;    // stable; the platform's own stages are "Start" and "Complete"
  std::string name;  // what exports write in task.stage
  std::string type;  // "Start" | "Label" | "Review" | "Complete" | ...
  double x = 0;      // position in the workflow editor: plugins order stages by x
  double y = 0;
  // Other ids the same stage goes by: a stage declared by name gets an id of the hub's, and
  // the platform's own id for it once an imported export shows it.
  std::vector<std::string> aliases = {};
};

// A batch: exports name batches, the platform's events and queries use their ids.
struct Batch {
  std::string id;
  std::string name;
};

struct Project {
  std::string id;
  std::string org_id;
  std::string name;
  std::vector<Stage> stages;  // Start first, Complete last (project_meta.hpp)
  std::int64_t created_at = 0;
  std::string type = "image";  // the platform's project type, as plugins read it
  std::vector<Batch> batches;
  std::string category_schema = "{}";  // the ontology: {tools, classifications, relations}
  // Moves on with every write that changes what the project exports (imports, issues, the
  // project's own fields): a generated export is reused only within one revision.
  std::int64_t revision = 0;
};

// One imported asset: its AAF JSON line exactly as imported, plus the columns exports
// filter on.
struct AssetRow {
  std::string project_id;
  std::int64_t seq = 0;  // import order within the project (assigned by the store)
  // The asset's identity within its project: assetId, else dataId, else one the hub made.
  // External ids may repeat (the same file name in two folders).
  std::string asset_id;
  std::string external_id;
  std::string stage;                // task.stage (name)
  std::string stage_id;             // task.stageId
  std::string task_id;              // task.taskId / tasks[0].taskId
  std::string batches_json = "[]";  // JSON array of batch names
  std::string json_text;
};

// Which assets an export or a listing contains. A stage matches by id or by name (assets of
// older exports carry only the name); `key_frames_only` is not a row filter: the store
// hands it through so that the export writer can thin video assets.
struct AssetFilter {
  std::vector<std::string> stage_ids;    // with stage_names: empty = any stage
  std::vector<std::string> stage_names;  // an asset in any of these stages passes
  std::vector<std::string> batches;      // empty = all; else assets in any of these batches
  std::optional<std::string> asset_id;
  std::optional<std::string> external_id;
  bool key_frames_only = false;
};

// One issue (a reviewer's remark on an asset), kept as the platform's issue export has it.
struct IssueRow {
  std::string project_id;
  std::string id;        // the issue's _id
  std::string asset_id;  // the asset it is about ("" when the export did not say)
  std::string json_text;
  std::int64_t created_at = 0;
};

struct Plugin {
  std::string id;
  std::string org_id;
  std::string name;
  std::string type = "Export";
  std::string description;
  std::string default_config = "{}";  // Config JSON text
  std::string secret_hash;            // hex SHA-256 of the secret (heartbeat verification)
  std::string secret;                 // the secret sealed with the data dir's key (see
                                      // credentials.hpp): shown again to org admins
  std::string rest_url;               // empty: the plugin connects over Socket.IO
  std::int64_t created_at = 0;
  // A dispatched run with no answer after this long ends timed out ("the plugin did not
  // answer within N s"): old SDKs never answer a failed run.
  std::int64_t timeout_seconds = 1800;
  // Several hubs: when the hub that dispatched a run dies (its lease expires), the run is
  // queued again for another instance instead of failing. For plugins whose runs are safe
  // to repeat; off by default, since a repeated run does the work twice.
  bool redispatch_on_hub_loss = false;
  // At most this many runs at a time on each instance (0: no limit). The others wait queued
  // (back-pressure) and their answer's timeout starts when they are sent.
  std::int64_t instance_concurrency = 0;
};

// A customer's own S3-compatible bucket, registered by an organisation's admin: results of
// runs whose plugin answers with its id (ExportResponse's storage_id) are written there.
struct Storage {
  std::string id;
  std::string org_id;
  std::string name;
  std::string provider = "S3";  // what GET /v2/storages says; S3-compatible is all there is
  std::string endpoint;         // http(s)://host[:port], path-style requests
  std::string bucket;           // the default bucket (a plugin may name another)
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;  // sealed with the data dir's key (credentials.hpp), never returned
  std::int64_t created_at = 0;
};

enum class RunState { queued, dispatched, succeeded, failed, timed_out, cancelled };
std::string_view to_string(RunState state);
RunState run_state_from_string(std::string_view text);  // throws std::invalid_argument
bool is_finished(RunState state);

struct Run {
  std::string session;
  std::string project_id;
  std::string plugin_id;
  std::string user_id;
  std::string config_json = "{}";
  std::optional<std::string> stage;
  std::string batches_json = "[]";
  RunState state = RunState::queued;
  std::string message;
  // Where the result is, once succeeded: a key of the hub's object store, or a place in a
  // customer's storage (result_location.hpp: "storage/<storage id>/<bucket>/<key>").
  std::string result_object;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> dispatched_at;
  std::optional<std::int64_t> finished_at;
  // The hub that dispatched it (its identity, cluster.hpp), while dispatched and after.
  std::string dispatched_by;
  // What the plugin last said of its progress ({assetsDone, assetsTotal, bytesDone,
  // bytesTotal, at}) and the conversion report it answered with: JSON texts, empty when it
  // sent none. list_runs leaves report_json empty (a report can be kilobytes).
  std::string progress_json;
  std::string report_json;
};

struct RunLog {
  std::string session;
  std::int64_t seq = 0;
  std::string level;  // "INFO" | "WARNING" | "ERROR" | "DEBUG" (as the plugin sent it)
  std::string msg;
  std::int64_t at = 0;
};

struct Notification {
  std::int64_t id = 0;  // assigned by the store
  std::string user_id;
  std::string session;
  std::string kind;  // "run_succeeded" | "run_failed"
  std::string text;
  std::string link;
  bool read = false;
  std::int64_t created_at = 0;
};

// What a state transition writes besides the state. Timestamps: `dispatched_at` is set
// when entering `dispatched`, `finished_at` when entering a finished state.
struct RunTransition {
  std::vector<RunState> from;  // the transition happens only if the run is in one of these
  RunState to = RunState::queued;
  std::string message;
  std::optional<std::string> result_object;
  std::int64_t at = 0;
  // Entering `dispatched`: the hub that sends it. Entering `queued` (a run given back by a
  // lost hub) clears it.
  std::string dispatched_by;
};

struct RunQuery {
  std::optional<std::string> project_id;
  std::optional<std::string> user_id;
  std::optional<std::string> plugin_id;
  std::vector<RunState> states;  // empty = any
  std::int64_t limit = 100;      // newest first
};

// A generated export (GET /v2/export): the object, what it was made of (the project at a
// revision, a query whose canonical text hashes to spec_hash), its size and age.
struct ExportSnapshot {
  std::string key;  // object key, "exports/<project>/..."
  std::string org_id;
  std::string project_id;
  std::int64_t revision = 0;
  std::string spec_hash;
  std::int64_t bytes = 0;
  std::int64_t created_at = 0;
};

struct ExportUsage {
  std::int64_t count = 0;
  std::int64_t bytes = 0;
};

// Implementations are safe to call from several threads at once.
class Store {
 public:
  virtual ~Store() = default;

  // Organizations and users. create_* fill nothing in: callers choose ids and times.
  virtual void create_organization(const Organization& org) = 0;
  virtual std::optional<Organization> get_organization(const std::string& id) = 0;
  virtual std::vector<Organization> list_organizations() = 0;

  virtual void create_user(const User& user) = 0;  // Conflict on a duplicate email
  virtual std::optional<User> get_user(const std::string& id) = 0;
  virtual std::optional<User> find_user_by_api_key_hash(const std::string& hash) = 0;
  virtual std::vector<User> list_users(const std::string& org_id) = 0;
  virtual std::int64_t count_users() = 0;
  virtual void set_user_api_key_hash(const std::string& user_id, const std::string& hash) = 0;
  // Removes a user from their organisation, in one transaction: their key stops working,
  // their email is free for a new user, their project memberships go, and list_users no
  // longer shows them. NotFound for an unknown or already removed user.
  virtual void remove_user(const std::string& user_id, std::int64_t removed_at) = 0;

  // Project members. set_project_member adds the member or changes their role (NotFound:
  // no such project or user).
  virtual void set_project_member(const ProjectMember& member) = 0;
  virtual bool remove_project_member(const std::string& project_id,
                                     const std::string& user_id) = 0;  // false: not a member
  virtual std::optional<ProjectMember> get_project_member(const std::string& project_id,
                                                          const std::string& user_id) = 0;
  virtual std::vector<ProjectMember> list_project_members(const std::string& project_id) = 0;
  virtual std::vector<ProjectMember> list_memberships(const std::string& user_id) = 0;

  // Generated exports: recorded when written, found again for the same project revision and
  // query, counted per organisation for its quota, forgotten when the janitor removes them.
  virtual void add_export_snapshot(const ExportSnapshot& snapshot) = 0;
  virtual std::optional<ExportSnapshot> find_export_snapshot(const std::string& project_id,
                                                             std::int64_t revision,
                                                             const std::string& spec_hash,
                                                             std::int64_t created_after) = 0;
  virtual ExportUsage export_usage(const std::string& org_id, std::int64_t created_after) = 0;
  virtual std::int64_t forget_export_snapshots(std::int64_t created_before) = 0;

  // Projects and their assets.
  virtual void create_project(const Project& project) = 0;
  virtual std::optional<Project> get_project(const std::string& id) = 0;
  virtual std::vector<Project> list_projects(const std::string& org_id) = 0;
  // Reads the project, lets `change` edit its stages, batches, schema, type and name, and
  // writes it back, in one write transaction (concurrent imports each add what they saw).
  // NotFound for an unknown project.
  virtual void update_project(const std::string& id,
                              const std::function<void(Project&)>& change) = 0;

  // Imports assets in one transaction: `next` fills the row and returns true, or returns
  // false at the end. If `next` throws, nothing is imported and the exception propagates.
  // A row whose asset id is already in the project (or came earlier in this import) is
  // replaced by the new row when `replace` (keeping its place in the project's order);
  // otherwise it goes to `on_conflict` (row, reason): true skips that row and goes on;
  // false, or no `on_conflict`, throws Conflict and nothing is imported. Returns the number
  // of rows imported (replacements included).
  using ConflictHandler = std::function<bool(const AssetRow&, const std::string&)>;
  virtual std::int64_t import_assets(const std::string& project_id, bool replace,
                                     const std::function<bool(AssetRow&)>& next,
                                     const ConflictHandler& on_conflict) = 0;
  std::int64_t import_assets(const std::string& project_id, bool replace,
                             const std::function<bool(AssetRow&)>& next) {
    return import_assets(project_id, replace, next, ConflictHandler{});
  }
  // Calls `each` for the project's assets that pass the filter, in import order, one row
  // at a time (never all of them in memory). Returns how many were passed.
  virtual std::int64_t for_each_asset(const std::string& project_id, const AssetFilter& filter,
                                      const std::function<void(const AssetRow&)>& each) = 0;
  virtual std::int64_t count_assets(const std::string& project_id) = 0;
  // One page of the assets that pass `filter` (import order) and how many pass in all.
  virtual std::vector<AssetRow> list_assets(const std::string& project_id,
                                            const AssetFilter& filter, std::int64_t offset,
                                            std::int64_t limit, std::int64_t* total) = 0;
  // The asset whose task has this id, in any project (the caller checks access); a task
  // without an id goes by its asset's id.
  virtual std::optional<AssetRow> find_task(const std::string& task_id) = 0;
  // How many external ids of the project are shared by more than one asset.
  virtual std::int64_t count_repeated_external_ids(const std::string& project_id) = 0;

  // Issues: added in one transaction (an id already in the project is replaced), listed
  // in the order they were added.
  virtual std::int64_t add_issues(const std::string& project_id,
                                  const std::vector<IssueRow>& issues) = 0;
  virtual std::vector<IssueRow> list_issues(const std::string& project_id, std::int64_t offset,
                                            std::int64_t limit, std::int64_t* total) = 0;

  // Plugins.
  virtual void create_plugin(const Plugin& plugin) = 0;
  virtual std::optional<Plugin> get_plugin(const std::string& id) = 0;
  virtual std::vector<Plugin> list_plugins(const std::string& org_id) = 0;
  virtual void set_plugin_secret(const std::string& id, const std::string& secret_hash,
                                 const std::string& sealed_secret) = 0;  // NotFound
  virtual bool delete_plugin(const std::string& id) = 0;                 // also deletes its runs
  // Writes what an admin tunes after creating it: timeout_seconds, redispatch_on_hub_loss and
  // instance_concurrency of `plugin` (by its id; NotFound).
  virtual void set_plugin_settings(const Plugin& plugin) = 0;

  // Customers' storages. create_storage: Conflict on a name already in the organisation.
  virtual void create_storage(const Storage& storage) = 0;
  virtual std::optional<Storage> get_storage(const std::string& id) = 0;
  virtual std::vector<Storage> list_storages(const std::string& org_id) = 0;
  virtual bool delete_storage(const std::string& id) = 0;  // false if it was not there

  // Runs. transition() is a compare-and-set: it changes the run only if its state is one
  // of `t.from`, atomically, and says whether it did. Of concurrent callers, one wins.
  virtual void create_run(const Run& run) = 0;
  virtual std::optional<Run> get_run(const std::string& session) = 0;
  virtual std::vector<Run> list_runs(const RunQuery& query) = 0;
  // How many runs are in each state (states without runs are left out): GET /metrics.
  virtual std::map<RunState, std::int64_t> count_runs_by_state() = 0;
  virtual bool transition(const std::string& session, const RunTransition& t) = 0;
  // transition() into a finished state and, only if it happened, `n` stored in the same
  // transaction: a finished run has its notification whichever hub dies when. Returns the
  // notification's id, nothing when the run was not in one of `t.from`.
  virtual std::optional<std::int64_t> finish_run(const std::string& session, const RunTransition& t,
                                                 const Notification& n) = 0;

  // The plugin's progress of a run still dispatched (false when it is not, or unknown), and
  // the report its answer carried.
  virtual bool set_run_progress(const std::string& session, const std::string& progress_json) = 0;
  virtual void set_run_report(const std::string& session, const std::string& report_json) = 0;

  virtual std::int64_t append_log(const RunLog& log) = 0;  // returns the log's seq
  virtual std::vector<RunLog> list_logs(const std::string& session, std::int64_t after_seq = 0,
                                        std::int64_t limit = 1000) = 0;

  virtual std::int64_t create_notification(const Notification& n) = 0;  // returns its id
  virtual std::vector<Notification> list_notifications(const std::string& user_id,
                                                       bool unread_only = false,
                                                       std::int64_t limit = 100) = 0;
  // The user's notification `id` (nothing when it is another user's): what another hub's
  // message names, read back however many came since.
  virtual std::optional<Notification> get_notification(const std::string& user_id,
                                                       std::int64_t id) = 0;
  // Only the owner's notifications are touched. Returns false if `id` is not theirs.
  virtual bool mark_notification_read(const std::string& user_id, std::int64_t id) = 0;
  virtual std::int64_t mark_all_notifications_read(const std::string& user_id) = 0;
};

}  // namespace xport::hub
