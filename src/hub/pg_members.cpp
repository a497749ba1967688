// PgStore: removing users from their organisation, project members, generated exports.
#include "hub/pg_store.hpp"
#include "hub/pg_store_impl.hpp"

namespace xport::hub {

using pg::integer;
using pg::text;

namespace {

constexpr const char* kSnapshotColumns =
    "key, org_id, project_id, revision, spec_hash, bytes, created_at";
ExportSnapshot read_snapshot(const pqxx::row& r) {
  return ExportSnapshot{text(r, 0), text(r, 1),    text(r, 2),   integer(r, 3),
                        text(r, 4), integer(r, 5), integer(r, 6)};
}

constexpr const char* kMemberColumns = "project_id, user_id, role, added_at";
ProjectMember read_member(const pqxx::row& r) {
  return ProjectMember{text(r, 0), text(r, 1), text(r, 2), integer(r, 3)};
}

}  // namespace

void PgStore::remove_user(const std::string& user_id, std::int64_t removed_at) {
  impl_->transaction("user " + user_id, [&](pqxx::work& t) {
    // The key hash becomes a value no SHA-256 hex can equal; the email is kept, prefixed, so
    // that the row still says who it was while the address is free for a new user.
    const pqxx::result r = t.exec_params(
        "UPDATE users SET removed_at = $2, api_key_hash = 'removed:' || id,"
        " email = 'removed:' || id || ':' || email WHERE id = $1 AND removed_at = 0",
        user_id, removed_at);
    if (r.affected_rows() == 0) throw NotFound("no user " + user_id);
    t.exec_params("DELETE FROM project_members WHERE user_id = $1", user_id);
    return true;  // transaction() hands back what its function returns
  });
}

void PgStore::set_project_member(const ProjectMember& m) {
  impl_->exec("member " + m.user_id + " of project " + m.project_id,
              "INSERT INTO project_members (project_id, user_id, role, added_at)"
              " VALUES ($1, $2, $3, $4)"
              " ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
              m.project_id, m.user_id, m.role, m.added_at);
}

bool PgStore::remove_project_member(const std::string& project_id, const std::string& user_id) {
  return impl_
             ->exec("member " + user_id + " of project " + project_id,
                    "DELETE FROM project_members WHERE project_id = $1 AND user_id = $2",
                    project_id, user_id)
             .affected_rows() > 0;
}

std::optional<ProjectMember> PgStore::get_project_member(const std::string& project_id,
                                                         const std::string& user_id) {
  return impl_->one(std::string("SELECT ") + kMemberColumns +
                        " FROM project_members WHERE project_id = $1 AND user_id = $2",
                    read_member, project_id, user_id);
}

std::vector<ProjectMember> PgStore::list_project_members(const std::string& project_id) {
  return impl_->many(std::string("SELECT ") + kMemberColumns +
                         " FROM project_members WHERE project_id = $1 ORDER BY added_at, user_id",
                     read_member, project_id);
}

std::vector<ProjectMember> PgStore::list_memberships(const std::string& user_id) {
  return impl_->many(std::string("SELECT ") + kMemberColumns +
                         " FROM project_members WHERE user_id = $1 ORDER BY added_at, project_id",
                     read_member, user_id);
}

void PgStore::add_export_snapshot(const ExportSnapshot& e) {
  impl_->exec("export " + e.key,
              std::string("INSERT INTO export_snapshots (") + kSnapshotColumns +
                  ") VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (key) DO UPDATE SET"
                  " bytes = excluded.bytes, created_at = excluded.created_at",
              e.key, e.org_id, e.project_id, e.revision, e.spec_hash, e.bytes, e.created_at);
}

std::optional<ExportSnapshot> PgStore::find_export_snapshot(const std::string& project_id,
                                                            std::int64_t revision,
                                                            const std::string& spec_hash,
                                                            std::int64_t created_after) {
  return impl_->one(std::string("SELECT ") + kSnapshotColumns +
                        " FROM export_snapshots WHERE project_id = $1 AND revision = $2 AND"
                        " spec_hash = $3 AND created_at > $4 ORDER BY created_at DESC LIMIT 1",
                    read_snapshot, project_id, revision, spec_hash, created_after);
}

ExportUsage PgStore::export_usage(const std::string& org_id, std::int64_t created_after) {
  const pqxx::result r =
      impl_->exec("exports",
                  "SELECT count(*), coalesce(sum(bytes), 0)::bigint FROM export_snapshots"
                  " WHERE org_id = $1 AND created_at > $2",
                  org_id, created_after);
  return ExportUsage{integer(r[0], 0), integer(r[0], 1)};
}

std::int64_t PgStore::forget_export_snapshots(std::int64_t created_before) {
  return static_cast<std::int64_t>(
      impl_->exec("exports", "DELETE FROM export_snapshots WHERE created_at < $1", created_before)
          .affected_rows());
}

}  // namespace xport::hub
