// SQLite implementation of Store (the hub's embedded default).
//
// Threads: one writer connection guarded by a mutex (SQLite allows one writer at a time
// anyway) and a small pool of reader connections, one borrowed per read. The database is
// in WAL mode, so reads — including a long export stream — proceed while a write or an
// import is in progress, and never see a half-done import. Each connection keeps its
// prepared statements, so hot statements are compiled once.
//
// Durability: synchronous=NORMAL (WAL): a commit survives a process crash; a power loss
// may lose the last commits but never corrupts the database.
#pragma once

#include <filesystem>
#include <memory>

#include "hub/store.hpp"

namespace xport::hub {

struct SqliteOptions {
  int busy_timeout_ms = 5000;  // how long a connection waits for another process's lock
};

class SqliteStore final : public Store {
 public:
  // Opens (creating if needed) the database file and brings its schema to the current
  // version. Needs a real file: readers are separate connections. Throws IoError.
  explicit SqliteStore(const std::filesystem::path& file, SqliteOptions options = {});
  ~SqliteStore() override;

  // The schema version this build writes (PRAGMA user_version after open).
  static int schema_version();

  void create_organization(const Organization& org) override;
  std::optional<Organization> get_organization(const std::string& id) override;
  std::vector<Organization> list_organizations() override;

  void create_user(const User& user) override;
  std::optional<User> get_user(const std::string& id) override;
  std::optional<User> find_user_by_api_key_hash(const std::string& hash) override;
  std::vector<User> list_users(const std::string& org_id) override;
  std::int64_t count_users() override;
  void set_user_api_key_hash(const std::string& user_id, const std::string& hash) override;
  void remove_user(const std::string& user_id, std::int64_t removed_at) override;
  void set_project_member(const ProjectMember& member) override;
  bool remove_project_member(const std::string& project_id, const std::string& user_id) override;
  std::optional<ProjectMember> get_project_member(const std::string& project_id,
                                                  const std::string& user_id) override;
  std::vector<ProjectMember> list_project_members(const std::string& project_id) override;
  std::vector<ProjectMember> list_memberships(const std::string& user_id) override;
  void add_export_snapshot(const ExportSnapshot& snapshot) override;
  std::optional<ExportSnapshot> find_export_snapshot(const std::string& project_id,
                                                     std::int64_t revision,
                                                     const std::string& spec_hash,
                                                     std::int64_t created_after) override;
  ExportUsage export_usage(const std::string& org_id, std::int64_t created_after) override;
  std::int64_t forget_export_snapshots(std::int64_t created_before) override;

  void create_project(const Project& project) override;
  std::optional<Project> get_project(const std::string& id) override;
  std::vector<Project> list_projects(const std::string& org_id) override;
  void update_project(const std::string& id, const std::function<void(Project&)>& change) override;

  using Store::import_assets;
  std::int64_t import_assets(const std::string& project_id, bool replace,
                             const std::function<bool(AssetRow&)>& next,
                             const ConflictHandler& on_conflict) override;
  std::int64_t for_each_asset(const std::string& project_id, const AssetFilter& filter,
                              const std::function<void(const AssetRow&)>& each) override;
  std::int64_t count_assets(const std::string& project_id) override;
  std::vector<AssetRow> list_assets(const std::string& project_id, const AssetFilter& filter,
                                    std::int64_t offset, std::int64_t limit,
                                    std::int64_t* total) override;
  std::optional<AssetRow> find_task(const std::string& task_id) override;
  std::int64_t count_repeated_external_ids(const std::string& project_id) override;
  std::int64_t add_issues(const std::string& project_id,
                          const std::vector<IssueRow>& issues) override;
  std::vector<IssueRow> list_issues(const std::string& project_id, std::int64_t offset,
                                    std::int64_t limit, std::int64_t* total) override;

  void create_plugin(const Plugin& plugin) override;
  std::optional<Plugin> get_plugin(const std::string& id) override;
  std::vector<Plugin> list_plugins(const std::string& org_id) override;
  void set_plugin_secret(const std::string& id, const std::string& secret_hash,
                         const std::string& sealed_secret) override;
  bool delete_plugin(const std::string& id) override;
  void set_plugin_settings(const Plugin& plugin) override;

  void create_storage(const Storage& storage) override;
  std::optional<Storage> get_storage(const std::string& id) override;
  std::vector<Storage> list_storages(const std::string& org_id) override;
  bool delete_storage(const std::string& id) override;

  void create_run(const Run& run) override;
  std::optional<Run> get_run(const std::string& session) override;
  std::vector<Run> list_runs(const RunQuery& query) override;
  std::map<RunState, std::int64_t> count_runs_by_state() override;
  bool transition(const std::string& session, const RunTransition& t) override;
  std::optional<std::int64_t> finish_run(const std::string& session, const RunTransition& t,
                                         const Notification& n) override;

  bool set_run_progress(const std::string& session, const std::string& progress_json) override;
  void set_run_report(const std::string& session, const std::string& report_json) override;
  std::int64_t append_log(const RunLog& log) override;
  std::vector<RunLog> list_logs(const std::string& session, std::int64_t after_seq,
                                std::int64_t limit) override;

  std::int64_t create_notification(const Notification& n) override;
  std::optional<Notification> get_notification(const std::string& user_id,
                                               std::int64_t id) override;
  std::vector<Notification> list_notifications(const std::string& user_id, bool unread_only,
                                               std::int64_t limit) override;
  bool mark_notification_read(const std::string& user_id, std::int64_t id) override;
  std::int64_t mark_all_notifications_read(const std::string& user_id) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xport::hub
