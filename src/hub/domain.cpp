#include "hub/domain.hpp"

#include <chrono>

namespace xport::hub {

DomainEvents& DomainEvents::none() {
  static DomainEvents nobody;
  return nobody;
}

Domain::Domain(Store& store, ObjectStore& objects, SecretBox secrets, UrlSigner signer,
               DomainOptions options, DomainEvents& events, StorageAccess& storage_access)
    : store_(store),
      objects_(objects),
      secrets_(std::move(secrets)),
      signer_(std::move(signer)),
      options_(std::move(options)),
      events_(events),
      storage_access_(storage_access) {
  if (!options_.now_ms) {
    options_.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
  }
}

void Domain::require_admin(const User& user, const std::string& org_id) const {
  if (user.org_id != org_id) throw Forbidden("not in this organization");
  if (user.role != "admin") throw Forbidden("only organization admins may do this");
}

}  // namespace xport::hub
