// Organisations, users and API keys.
#include "hub/domain.hpp"
#include "hub/key_file.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

std::optional<IssuedKey> Domain::bootstrap(const std::filesystem::path& data_dir) {
  if (store_.count_users() > 0) return std::nullopt;
  const Organization org = create_organization("Default");
  IssuedKey admin = create_user(NewUser{org.id, "admin", "admin@localhost", "admin"});
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

IssuedKey Domain::create_user(const NewUser& request) {
  if (request.name.empty() || request.email.empty())
    throw ConfigError("a user needs a name and an email");
  if (request.role != "admin" && request.role != "member") {
    throw ConfigError("role must be \"admin\" or \"member\", not \"" + request.role + "\"");
  }
  IssuedKey issued;
  issued.api_key = new_api_key();
  issued.user = User{new_id(),      request.org_id, request.name,
                     request.email, request.role,   sha256_hex(issued.api_key),
                     now_ms()};
  store_.create_user(issued.user);
  return issued;
}

std::string Domain::regenerate_api_key(const std::string& user_id) {
  std::string key = new_api_key();
  store_.set_user_api_key_hash(user_id, sha256_hex(key));
  return key;
}

}  // namespace xport::hub
