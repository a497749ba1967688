// `xport hub import`: imports AAF exports straight into a hub's data dir — no HTTP, the same
// import code as `POST /api/projects/{id}/import` (hub/importer.hpp) — for bulk loading
// before a hub runs or while it runs (SQLite in WAL mode: the hub keeps serving reads; its
// writes wait for the import's transaction, and this command waits for the hub's).
//
// Exit codes: 0 imported without problems; 1 problems in the data (nothing imported, or with
// --partial the good assets imported); 2 usage (options, unknown project or organization);
// 3 files or the database.
#include "hub_import_command.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "hub/hub_core.hpp"
#include "hub/importer.hpp"
#include "xport/errors.hpp"

namespace xport::cli {
namespace {

namespace json = boost::json;

struct ImportArgs {
  std::string data_dir;
  std::string database;  // empty: SQLite in the data dir
  std::string project;
  std::string create_project;
  std::string org;
  std::vector<std::string> files;
  bool partial = false;
  bool replace = false;
  bool json = false;
  std::size_t max_problems = 100;
  double busy_timeout = 60;
};

// --org: an organization's id or name; empty: any (when there is exactly one, or for
// --project, all of them).
std::vector<hub::Organization> organizations(hub::Store& store, const std::string& org) {
  std::vector<hub::Organization> all = store.list_organizations();
  if (org.empty()) return all;
  std::vector<hub::Organization> found;
  for (const auto& o : all)
    if (o.id == org) return {o};
  for (const auto& o : all)
    if (o.name == org) found.push_back(o);
  if (found.empty()) throw ConfigError(fmt::format("no organization \"{}\" in the hub", org));
  if (found.size() > 1)
    throw ConfigError(
        fmt::format("{} organizations are named \"{}\": give --org by id", found.size(), org));
  return found;
}

hub::Project find_project(hub::Store& store, const std::vector<hub::Organization>& orgs,
                          const std::string& name_or_id) {
  if (auto p = store.get_project(name_or_id)) {
    for (const auto& o : orgs)
      if (o.id == p->org_id) return *p;
  }
  std::vector<hub::Project> found;
  for (const auto& o : orgs)
    for (auto& p : store.list_projects(o.id))
      if (p.name == name_or_id) found.push_back(std::move(p));
  if (found.empty())
    throw ConfigError(
        fmt::format("no project \"{}\"{} (give its id or name; --create-project "
                    "NAME creates one)",
                    name_or_id, orgs.size() == 1 ? " in " + orgs[0].name : ""));
  if (found.size() > 1)
    throw ConfigError(fmt::format("{} projects are named \"{}\": give its id, or --org",
                                  found.size(), name_or_id));
  return found.front();
}

namespace fs = std::filesystem;

// Usage errors before the data dir is opened: a typo must not leave half the files imported
// (--partial).
void check_args(const ImportArgs& a) {
  if (a.project.empty() == a.create_project.empty())
    throw ConfigError("give one of --project NAME_OR_ID and --create-project NAME");
  const fs::path data_dir = a.data_dir;
  std::error_code ec;
  // A hub's data dir has its database (SQLite) or at least its keys (PostgreSQL holds the
  // records, the data dir the keys that sealed the plugins' secrets).
  const char* marker = a.database.empty() ? "hub.db" : "secret-box.key";
  if (a.create_project.empty() && !fs::exists(data_dir / marker, ec))
    throw ConfigError(
        fmt::format("{} is not a hub data dir (no {}): check --data-dir, or "
                    "use --create-project to start one",
                    data_dir.string(), marker));
  for (const auto& f : a.files) {
    if (f == "-") continue;
    if (!fs::is_regular_file(f, ec))
      throw IoError(fmt::format("cannot read '{}': {}", f,
                                fs::exists(f, ec) ? "not a regular file" : "no such file"));
  }
}

// As `xport hub` does at a first start (on stderr: stdout may be --json).
void bootstrap(hub::HubCore& core) {
  const fs::path& data_dir = core.data_dir();
  if (auto issued = core.domain().bootstrap(data_dir)) {
    fmt::print(stderr,
               "xport hub import: new data dir {}: created organization \"Default\" and "
               "user \"{}\"\nadmin API key: {}\n(also written to {})\n",
               data_dir.string(), issued->user.name, issued->api_key,
               (data_dir / "admin-api-key").string());
  }
}

struct Target {
  hub::Project project;
  bool created = false;
  std::string org_name;
};

// --project, or --create-project in the one organization (or --org).
Target target_project(hub::HubCore& core, const ImportArgs& a) {
  hub::Store& store = core.store();
  std::vector<hub::Organization> orgs = organizations(store, a.org);
  Target t;
  if (!a.project.empty()) {
    t.project = find_project(store, orgs, a.project);
  } else {
    if (orgs.size() != 1)
      throw ConfigError(
          fmt::format("the hub has {} organizations: say which with --org", orgs.size()));
    for (const auto& p : store.list_projects(orgs[0].id))
      if (p.name == a.create_project)
        throw ConfigError(fmt::format("{} already has a project \"{}\" ({}): use --project",
                                      orgs[0].name, p.name, p.id));
    // Whoever holds the data dir acts as an admin of the organisation (no user of its own
    // becomes the project's manager).
    hub::User owner;
    owner.org_id = orgs[0].id;
    owner.role = "admin";
    hub::NewProject request;
    request.name = a.create_project;
    t.project = core.domain().create_project(owner, request);
    t.created = true;
  }
  t.org_name = t.project.org_id;
  for (const auto& o : store.list_organizations())
    if (o.id == t.project.org_id) t.org_name = o.name;
  return t;
}

void print_json_result(const ImportArgs& a, const Target& t, const hub::ImportResult& r,
                       std::int64_t assets) {
  json::array errors;
  for (const auto& e : r.problems)
    errors.push_back(json::object{{"source", e.source},
                                  {"line", e.line},
                                  {"asset", e.asset},
                                  {"byte", e.byte},
                                  {"path", e.path},
                                  {"reason", e.reason},
                                  {"conflict", e.conflict},
                                  {"text", e.text}});
  json::array files;
  for (const auto& f : a.files)
    files.emplace_back(f);
  fmt::print("{}\n", json::serialize(json::object{{"projectId", t.project.id},
                                                  {"project", t.project.name},
                                                  {"orgId", t.project.org_id},
                                                  {"createdProject", t.created},
                                                  {"files", std::move(files)},
                                                  {"committed", r.committed},
                                                  {"imported", r.imported},
                                                  {"assets", assets},
                                                  {"replaced", a.replace && r.committed},
                                                  {"partial", a.partial},
                                                  {"errorCount", r.problem_count},
                                                  {"errors", std::move(errors)}}));
}

void print_result(const ImportArgs& a, const Target& t, const hub::ImportResult& r,
                  std::int64_t assets) {
  for (const auto& e : r.problems)
    fmt::print(stderr, "error: {}\n", e.text);
  if (r.problem_count > r.problems.size())
    fmt::print(stderr, "... and {} more problem{} (raise --max-problems to see them)\n",
               r.problem_count - r.problems.size(),
               r.problem_count - r.problems.size() == 1 ? "" : "s");
  const std::string where =
      fmt::format("project \"{}\" ({}) of {}", t.project.name, t.project.id, t.org_name);
  if (!r.committed) {
    fmt::print(stderr,
               "{} problem{} in {} file{}; nothing was imported into {} (--partial keeps the "
               "good assets)\n",
               r.problem_count, r.problem_count == 1 ? "" : "s", a.files.size(),
               a.files.size() == 1 ? "" : "s", where);
    if (t.created)
      fmt::print(stderr, "the project was created and is empty: re-run with --project {}\n",
                 t.project.id);
    return;
  }
  fmt::print("imported {} asset{} into {}{}{}: now {} asset{}\n", r.imported,
             r.imported == 1 ? "" : "s", t.created ? "new " : "", where,
             a.replace ? " (replaced)" : "", assets, assets == 1 ? "" : "s");
  if (r.problem_count > 0)
    fmt::print("{} problem{}: those assets were skipped\n", r.problem_count,
               r.problem_count == 1 ? "" : "s");
}

int run_import(const ImportArgs& a) {
  check_args(a);
  hub::HubCoreOptions core_options;
  core_options.database.url = a.database;
  core_options.database.sqlite.busy_timeout_ms = static_cast<int>(a.busy_timeout * 1000);
  hub::HubCore core(a.data_dir, std::move(core_options));
  bootstrap(core);
  const Target t = target_project(core, a);

  std::vector<hub::ImportSource> sources;
  for (const auto& f : a.files)
    sources.push_back(hub::ImportSource{f, ""});
  hub::ImportOptions io;
  io.partial = a.partial;
  io.replace = a.replace;
  io.max_listed = a.max_problems;
  hub::ImportResult r = hub::import_exports(core.store(), t.project.id, sources, io);
  const std::int64_t assets = core.store().count_assets(t.project.id);
  if (a.json)
    print_json_result(a, t, r, assets);
  else
    print_result(a, t, r, assets);
  return r.problem_count > 0 ? kExitBadInput : kExitOk;
}

}  // namespace

CLI::App* add_hub_import_command(CLI::App& hub, Action& action) {
  auto args = std::make_shared<ImportArgs>();
  CLI::App* cmd = hub.add_subcommand(
      "import",
      "Import AAF exports (NDJSON, JSON array or zip; v2 or v3) straight into a hub's data dir, "
      "without HTTP — before the hub runs or while it runs");
  cmd->footer(
      "All or nothing by default: one transaction over all FILEs; any problem (a malformed "
      "asset, an external id already in the project) and nothing is imported, every problem "
      "listed as FILE:LINE: asset N (byte B): FIELD: why.\n"
      "Exit codes: 0 imported, 1 problems in the data (with --partial the good assets are "
      "imported), 2 usage or unknown project/organization, 3 files or database.");
  cmd->add_option("--data-dir", args->data_dir,
                  "The hub's data dir (as `xport hub --data-dir`; required, here or there)");
  cmd->add_option("--database", args->database,
                  "The hub's PostgreSQL database (as `xport hub --database`; default: SQLite in "
                  "the data dir)");
  cmd->add_option("--project", args->project, "Import into this project (id or name)");
  cmd->add_option("--create-project", args->create_project,
                  "Create a project of this name and import into it");
  cmd->add_option("--org", args->org,
                  "Organization (id or name) of the project; needed when the hub has several");
  cmd->add_flag("--partial", args->partial,
                "Keep the good assets and skip the bad ones (committed in batches)");
  cmd->add_flag("--replace", args->replace,
                "An asset whose id is already in the project replaces it (default: a conflict)");
  cmd->add_flag("--json", args->json, "Print the result as JSON (for scripts)");
  cmd->add_option("--max-problems", args->max_problems, "List at most this many problems")
      ->capture_default_str();
  cmd->add_option("--busy-timeout", args->busy_timeout,
                  "Seconds to wait for a running hub's database lock (SQLite)")
      ->capture_default_str();
  cmd->add_option("FILE", args->files, "Export files (\"-\": standard input)")->required();
  // `xport hub --data-dir DIR import ...` works too.
  CLI::Option* hub_data_dir = hub.get_option_no_throw("--data-dir");
  CLI::Option* hub_database = hub.get_option_no_throw("--database");
  action = [args, hub_data_dir, hub_database] {
    if (args->data_dir.empty() && hub_data_dir && hub_data_dir->count() > 0)
      args->data_dir = hub_data_dir->as<std::string>();
    if (args->database.empty() && hub_database && hub_database->count() > 0)
      args->database = hub_database->as<std::string>();
    if (args->data_dir.empty()) throw ConfigError("xport hub import: --data-dir DIR is required");
    return run_import(*args);
  };
  return cmd;
}

}  // namespace xport::cli
