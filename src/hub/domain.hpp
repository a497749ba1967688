// The hub's domain services on top of Store: accounts and API keys, plugins with id and
// secret, runs and their state machine, notifications. No HTTP here: the REST/Socket.IO
// layer authenticates the caller (authenticate()), then calls these with the User.
//
// Errors: ConfigError (xport/errors.hpp) for bad input (HTTP 400), Forbidden (403),
// NotFound (404; also for another organisation's records), Conflict (409), IoError for the
// environment (500).
//
// Run states (only these transitions happen; others return false):
//   queued ──► dispatched ──► succeeded
//     │            ├────────► failed | timed_out | cancelled
//     └────────────┴ (queued may also go straight to failed | timed_out | cancelled)
// The dispatcher marks a run dispatched *before* sending it to the plugin, so that an
// answer can never arrive for a run that is still queued.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "hub/credentials.hpp"
#include "hub/domain_events.hpp"
#include "hub/object_store.hpp"
#include "hub/signed_url.hpp"
#include "hub/storage_access.hpp"
#include "hub/store.hpp"

namespace xport::hub {

// The caller may not do this (not an admin, another organisation's record). HTTP: 403.
class Forbidden : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct DomainOptions {
  // Download links are `<download_prefix><object key>?expires=..&sig=..` (relative: the
  // HTTP layer prepends its public URL if it needs an absolute one).
  std::string download_prefix = "/objects/";
  // Failed-run notifications link to `<run_prefix><session>`.
  std::string run_prefix = "/runs/";
  std::int64_t link_ttl_seconds = 7 * 24 * 3600;
  // Unix milliseconds; tests pass a fake clock.
  std::function<std::int64_t()> now_ms;
};

struct IssuedKey {
  User user;
  std::string api_key;  // shown once, never stored
};

struct NewUser {
  std::string org_id;
  std::string name;
  std::string email;
  std::string role = "member";
};

// A new organisation and its first admin (POST /api/organizations).
struct NewOrganization {
  std::string name;
  std::string admin_name;
  std::string admin_email;
};

struct CreatedOrganization {
  Organization organization;
  IssuedKey admin;  // the first admin's key, shown once
};

struct NewPlugin {
  std::string name;
  std::string type = "Export";
  std::string description;
  std::string default_config = "{}";
  std::string rest_url;  // empty: the plugin connects over Socket.IO
  std::int64_t timeout_seconds = 1800;
  std::int64_t instance_concurrency = 0;  // runs at a time per instance; 0: no limit
};

// What PATCH /api/plugins/{id} changes: the settings given, the others as they are.
struct PluginSettingsChange {
  std::optional<std::int64_t> timeout_seconds;
  std::optional<bool> redispatch_on_hub_loss;
  std::optional<std::int64_t> instance_concurrency;
};

struct NewProject {
  std::string name;
  std::string type = "image";
  std::vector<Stage> stages;         // declared: name and type (declared_stage); ids are made
  std::vector<std::string> batches;  // names; ids are made
  std::string category_schema;       // "" = none yet (learned from imports)
};

// What a user files as an issue (POST /api/projects/{id}/issues); the hub fills in the
// platform's issue shape around it.
struct NewIssue {
  std::string asset_id;  // required: an asset of the project
  std::string content;   // required
  std::string status = "Open";
  std::string error_type;
  std::string error_code;
  std::string object_id;
  std::optional<int> page;
  std::optional<std::pair<double, double>> position;
};

struct NewStorage {
  std::string name;
  std::string endpoint;
  std::string bucket;
  std::string region = "us-east-1";
  std::string access_key;
  std::string secret_key;
};

struct CreatedPlugin {
  Plugin plugin;       // as stored; never send secret_hash / secret (sealed) to clients
  std::string secret;  // the plain secret
};

struct StartRun {
  std::string project_id;
  std::string plugin_id;
  std::optional<std::string> config_json;  // absent: the plugin's default Config JSON
  std::optional<std::string> stage;
  std::vector<std::string> batches;
};

class Domain {
 public:
  // `events` hears of every notification stored and every run change; `storage_access`
  // reaches customers' buckets (both must outlive the Domain).
  Domain(Store& store, ObjectStore& objects, SecretBox secrets, UrlSigner signer,
         DomainOptions options = {}, DomainEvents& events = DomainEvents::none(),
         StorageAccess& storage_access = StorageAccess::none());

  Store& store() { return store_; }
  ObjectStore& objects() { return objects_; }
  const UrlSigner& signer() const { return signer_; }
  std::int64_t now_ms() const { return options_.now_ms(); }

  // Accounts (accounts.cpp) ---------------------------------------------------------------
  // On a database without users: creates organisation "Default" and user "admin" (role
  // admin), writes the API key to DATA_DIR/admin-api-key (mode 0600) and returns it.
  // Otherwise nullopt (the key was shown at the first start only).
  std::optional<IssuedKey> bootstrap(const std::filesystem::path& data_dir);
  std::optional<User> authenticate(std::string_view api_key);
  // Without a caller: for the first start, the demo and tests. ConfigError, Conflict (email).
  Organization create_organization(const std::string& name);
  IssuedKey create_user(const NewUser& user, bool server_admin = false);
  std::string regenerate_api_key(const std::string& user_id);  // the old key stops working

  // As a caller: what the REST API and `xport client` do. Another organisation's records
  // answer NotFound, exactly like unknown ones; Forbidden is for a record the caller may see
  // but not change.
  // Server admins only: the organisation and its first admin.
  CreatedOrganization create_organization(const User& server_admin, const NewOrganization& org);
  std::vector<Organization> organizations(const User& user);  // all for a server admin
  Organization organization(const User& user, const std::string& org_id);
  std::vector<User> users(const User& user);  // the caller's organisation's, removed ones not
  User user(const User& caller, const std::string& user_id);
  IssuedKey add_user(const User& admin, const NewUser& user);  // into the admin's organisation
  // Org admins; not themselves (another admin may), and never the server admin.
  void remove_user(const User& admin, const std::string& user_id);
  // A new key for the caller themselves, or (org admins) for a user of their organisation.
  std::string rotate_api_key(const User& caller, const std::string& user_id);

  // Project access (members.cpp) ------------------------------------------------------------
  // Org admins manage every project of their organisation; anyone else sees the projects
  // they are a member of, and manages those where their role is manager.
  bool may_see(const User& user, const Project& project);
  bool may_manage(const User& user, const Project& project);
  // Plugins (Settings -> Plugins) are for org admins and for managers of some project.
  bool may_use_plugins(const User& user);
  std::vector<Project> projects(const User& user);  // the ones the user may see
  // project() that also requires may_manage: Forbidden, naming what the caller lacks.
  Project managed_project(const User& user, const std::string& project_id);
  std::vector<ProjectMember> members(const User& user, const std::string& project_id);
  // Adds a user of the project's organisation as a member, or changes their role. Org admins
  // and the project's managers. ConfigError for a role other than manager, annotator, reviewer.
  ProjectMember set_member(const User& caller, const std::string& project_id,
                           const std::string& user_id, const std::string& role);
  void remove_member(const User& caller, const std::string& project_id, const std::string& user_id);

  // Projects (projects.cpp) ---------------------------------------------------------------
  Project create_project(const User& user, const NewProject& request);  // ConfigError
  // NotFound for an unknown project, for another organisation's (its existence is not the
  // caller's business) and for one the caller is not a member of (may_see).
  Project project(const User& user, const std::string& project_id);
  // The ontology (categorySchema): a JSON object whose tools, classifications and relations
  // are lists. Org admins only.
  Project set_category_schema(const User& admin, const std::string& project_id,
                              const std::string& schema_json);

  // Issues (issues.cpp) -------------------------------------------------------------------
  // The platform's issue export (a JSON list of issue objects), added to the project (an
  // issue id already there is replaced). ConfigError naming the entry and field. Returns
  // how many were added.
  std::int64_t import_issues(const User& user, const std::string& project_id,
                             const std::string& json_list);
  // One issue on an asset of the project; returns it in the platform's shape (JSON text).
  std::string create_issue(const User& user, const std::string& project_id, const NewIssue& issue);

  // Plugins (plugins.cpp) -----------------------------------------------------------------
  CreatedPlugin create_plugin(const User& admin, const NewPlugin& plugin);
  Plugin plugin(const User& user, const std::string& plugin_id);  // same organisation
  // The plain secret, for the Development info box; admins of the plugin's organisation.
  std::string reveal_secret(const User& admin, const std::string& plugin_id);
  std::string regenerate_secret(const User& admin, const std::string& plugin_id);
  // Admins of the plugin's organisation; ConfigError for a value out of range.
  Plugin change_plugin_settings(const User& admin, const std::string& plugin_id,
                                const PluginSettingsChange& change);
  void delete_plugin(const User& admin, const std::string& plugin_id);
  // A heartbeat's {id, secret}: true if they match. Constant time in the secret, and an
  // unknown id costs the same hash and compare.
  bool check_plugin_credentials(std::string_view plugin_id, std::string_view secret);

  // Customers' storages (storages.cpp) ----------------------------------------------------
  // Org admins only; the storage is checked (StorageError with S3's code) before it is saved.
  Storage create_storage(const User& admin, const NewStorage& storage);
  std::vector<Storage> storages(const User& user);                   // the user's organisation's
  Storage storage(const User& user, const std::string& storage_id);  // NotFound across orgs
  void delete_storage(const User& admin, const std::string& storage_id);
  // The storage's bucket (or `bucket`, when a plugin names another) with its secret unsealed.
  StorageTarget storage_target(const Storage& storage, std::string_view bucket = {}) const;
  StorageAccess& storage_access() { return storage_access_; }

  // Runs (runs.cpp) -----------------------------------------------------------------------
  // Validates the Config JSON text (a JSON object), the stage (one of the project's, when
  // the project declares stages) and creates the run, queued. Returns it (its session).
  Run start_run(const User& user, const StartRun& request);
  Run run(const User& user, const std::string& session);  // NotFound, Forbidden
  // `hub`: the identity of the hub sending it (Cluster::hub_id()).
  bool mark_dispatched(const std::string& session, const std::string& hub = {});
  // A run the cluster's queue handed to this hub (already dispatched in the store): its
  // listeners learn of it like of any change.
  void claimed(const std::string& session) { run_changed(session); }
  // A dispatched run whose hub was lost, given back to the queue (`why` in its log).
  bool requeue(const std::string& session, const std::string& why);
  // Fails a run only while it is still queued (a plugin that stayed offline): on several
  // hubs another one may have dispatched it meanwhile.
  bool fail_queued(const std::string& session, const std::string& reason);
  // Each finishing transition notifies the run's user.
  bool mark_succeeded(const std::string& session, const std::string& result_object);
  bool mark_failed(const std::string& session, const std::string& reason);
  bool mark_timed_out(const std::string& session, const std::string& reason);
  bool cancel(const User& user, const std::string& session);  // the run's user or an admin
  // A fresh signed link to the run's result (ConfigError if the run has none): relative for
  // the hub's own objects ("/objects/..."), absolute for one presigned into S3.
  std::string download_link(const Run& run) const;
  // A link to one of the hub's objects for `ttl_seconds`: presigned when the object store
  // has direct links (S3), else the hub's signed "/objects/<key>?..." (relative).
  std::string object_link(const std::string& key, std::int64_t ttl_seconds) const;
  std::int64_t append_log(const std::string& session, const std::string& level,
                          const std::string& msg);
  // The plugin's progress of a dispatched run (false when the run is no longer dispatched);
  // its watchers see the change.
  bool set_progress(const std::string& session, const std::string& progress_json);

  // Notifications (notifications.cpp) -----------------------------------------------------
  std::vector<Notification> notifications(const User& user, bool unread_only = false,
                                          std::int64_t limit = 100);
  bool mark_read(const User& user, std::int64_t notification_id);
  std::int64_t mark_all_read(const User& user);

 private:
  void require_admin(const User& user, const std::string& org_id) const;
  // What the user is told of the run `r` as it finishes (r.result_object set on success).
  Notification finished_notification(const Run& r, bool succeeded, const std::string& detail) const;
  void run_changed(const std::string& session, const RunLog* log = nullptr);
  RunTransition finishing(RunState to, const std::string& message,
                          std::optional<std::string> result_object,
                          std::vector<RunState> from) const;
  // The run ends in `to` if it is in one of `from`; says whether it did.
  bool finish(const std::string& session, RunState to, const std::string& message,
              std::optional<std::string> result_object,
              std::vector<RunState> from = {RunState::dispatched, RunState::queued});
  // finish() and the user's notification, in one transaction.
  bool finish_notifying(const std::string& session, RunState to, const std::string& message,
                        std::optional<std::string> result_object,
                        std::vector<RunState> from = {RunState::dispatched, RunState::queued});

  Store& store_;
  ObjectStore& objects_;
  SecretBox secrets_;
  UrlSigner signer_;
  DomainOptions options_;
  DomainEvents& events_;
  StorageAccess& storage_access_;
};

}  // namespace xport::hub
