// Who may see and manage a project: organisation admins every project of their organisation,
// anyone else the projects they are a member of (managers manage them). Everything that reads
// a project for a caller goes through project(), so that a project the caller may not see
// answers 404 on every route, as another organisation's does.
#include <algorithm>

#include "hub/domain.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace {

bool is_project_role(const std::string& role) {
  return role == "manager" || role == "annotator" || role == "reviewer";
}

}  // namespace

bool Domain::may_see(const User& user, const Project& project) {
  if (user.org_id != project.org_id) return false;
  return user.role == "admin" || store_.get_project_member(project.id, user.id).has_value();
}

bool Domain::may_manage(const User& user, const Project& project) {
  if (user.org_id != project.org_id) return false;
  if (user.role == "admin") return true;
  const auto member = store_.get_project_member(project.id, user.id);
  return member && member->role == "manager";
}

bool Domain::may_use_plugins(const User& user) {
  if (user.role == "admin") return true;
  const auto memberships = store_.list_memberships(user.id);
  return std::any_of(memberships.begin(), memberships.end(),
                     [](const ProjectMember& m) { return m.role == "manager"; });
}

Project Domain::project(const User& user, const std::string& project_id) {
  auto found = store_.get_project(project_id);
  if (!found || !may_see(user, *found)) throw NotFound("no project " + project_id);
  return *found;
}

std::vector<Project> Domain::projects(const User& user) {
  std::vector<Project> all = store_.list_projects(user.org_id);
  if (user.role == "admin") return all;
  const auto memberships = store_.list_memberships(user.id);
  std::erase_if(all, [&](const Project& p) {
    return std::none_of(memberships.begin(), memberships.end(),
                        [&](const ProjectMember& m) { return m.project_id == p.id; });
  });
  return all;
}

Project Domain::managed_project(const User& user, const std::string& project_id) {
  Project p = project(user, project_id);
  if (!may_manage(user, p))
    throw Forbidden("only organization admins and the managers of project " + p.name +
                    " may do this");
  return p;
}

std::vector<ProjectMember> Domain::members(const User& user, const std::string& project_id) {
  return store_.list_project_members(project(user, project_id).id);
}

ProjectMember Domain::set_member(const User& caller, const std::string& project_id,
                                 const std::string& user_id, const std::string& role) {
  if (!is_project_role(role))
    throw ConfigError("a project role is \"manager\", \"annotator\" or \"reviewer\", not \"" +
                      role + "\"");
  const Project p = managed_project(caller, project_id);
  const User member = user(caller, user_id);  // NotFound: not in the project's organisation
  ProjectMember m{p.id, member.id, role, now_ms()};
  if (auto existing = store_.get_project_member(p.id, member.id)) m.added_at = existing->added_at;
  store_.set_project_member(m);
  return m;
}

void Domain::remove_member(const User& caller, const std::string& project_id,
                           const std::string& user_id) {
  const Project p = managed_project(caller, project_id);
  if (!store_.remove_project_member(p.id, user_id))
    throw NotFound("user " + user_id + " is not a member of project " + p.name);
}

}  // namespace xport::hub
