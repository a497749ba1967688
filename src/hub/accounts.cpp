// Organisations, users and API keys.
#include "hub/domain.hpp"
#include "hub/key_file.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

std::optional<IssuedKey> Domain::bootstrap(const std::filesystem::path& data_dir) {
  if (store_.count_users() > 0) return std::nullopt;
  const Organization org = create_organization("Default");
  IssuedKey admin = create_user(NewUser{org.id, "admin", "admin@localhost", "admin"}, true);
  // Written before returning, so the operator can read the key even if stdout is lost.
  write_private_file(data_dir / "admin-api-key", admin.api_key + "\n");
  return admin;
}

std::optional<User> Domain::authenticate(std::string_view api_key) {
  if (api_key.empty()) return std::nullopt;
  // Lookup by hash: the index seek reveals nothing usable about the stored keys, since
  // finding a key from its SHA-256 is infeasible.
  return store_.find_user_by_api_key_hash(sha256_hex(api_key));
}

Organization Domain::create_organization(const std::string& name) {
  if (name.empty()) throw ConfigError("an organization needs a name");
  Organization org{new_id(), name, now_ms()};
  store_.create_organization(org);
  return org;
}

IssuedKey Domain::create_user(const NewUser& request, bool server_admin) {
  if (request.name.empty() || request.email.empty())
    throw ConfigError("a user needs a name and an email");
  if (request.role != "admin" && request.role != "member") {
    throw ConfigError("role must be \"admin\" or \"member\", not \"" + request.role + "\"");
  }
  IssuedKey issued;
  issued.api_key = new_api_key();
  issued.user = User{new_id(),      request.org_id, request.name,
                     request.email, request.role,   sha256_hex(issued.api_key),
                     now_ms(),      server_admin,   0};
  store_.create_user(issued.user);
  return issued;
}

std::string Domain::regenerate_api_key(const std::string& user_id) {
  std::string key = new_api_key();
  store_.set_user_api_key_hash(user_id, sha256_hex(key));
  return key;
}

CreatedOrganization Domain::create_organization(const User& server_admin,
                                                const NewOrganization& request) {
  if (!server_admin.server_admin) throw Forbidden("only the server admin may create organizations");
  if (request.admin_name.empty() || request.admin_email.empty())
    throw ConfigError("a new organization needs its first admin's name and email");
  // The email is checked before the organisation is written, so that a taken address does
  // not leave an organisation without users behind.
  for (const Organization& o : store_.list_organizations())
    for (const User& u : store_.list_users(o.id))
      if (u.email == request.admin_email)
        throw Conflict("a user with email " + request.admin_email + " already exists");
  CreatedOrganization created;
  created.organization = create_organization(request.name);
  created.admin = create_user(
      NewUser{created.organization.id, request.admin_name, request.admin_email, "admin"});
  return created;
}

std::vector<Organization> Domain::organizations(const User& user) {
  if (user.server_admin) return store_.list_organizations();
  return {organization(user, user.org_id)};
}

Organization Domain::organization(const User& user, const std::string& org_id) {
  if (user.org_id != org_id && !user.server_admin) throw NotFound("no organization " + org_id);
  auto found = store_.get_organization(org_id);
  if (!found) throw NotFound("no organization " + org_id);
  return *found;
}

std::vector<User> Domain::users(const User& user) {
  return store_.list_users(user.org_id);
}

User Domain::user(const User& caller, const std::string& user_id) {
  auto found = store_.get_user(user_id);
  // Another organisation's user, and a removed one, answer like an unknown id.
  if (!found || found->org_id != caller.org_id || found->removed_at != 0)
    throw NotFound("no user " + user_id);
  return *found;
}

IssuedKey Domain::add_user(const User& admin, const NewUser& request) {
  require_admin(admin, admin.org_id);
  NewUser into_own = request;
  into_own.org_id = admin.org_id;
  return create_user(into_own);
}

void Domain::remove_user(const User& admin, const std::string& user_id) {
  const User target = user(admin, user_id);
  require_admin(admin, target.org_id);
  if (target.id == admin.id)
    throw Forbidden("you cannot remove yourself: another admin of the organization may");
  if (target.server_admin) throw Forbidden("the server admin cannot be removed");
  store_.remove_user(target.id, now_ms());
}

std::string Domain::rotate_api_key(const User& caller, const std::string& user_id) {
  const User target = user(caller, user_id);
  if (target.id != caller.id) require_admin(caller, target.org_id);
  return regenerate_api_key(target.id);
}

}  // namespace xport::hub
