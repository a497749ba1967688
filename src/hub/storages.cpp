// Customers' own storages: registered by an organisation's admin after a check that the
// credentials really write the bucket, listed without their secrets, and opened (secret
// unsealed) only to sign links into them.
#include <algorithm>
#include <cctype>

#include "hub/domain.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace {

// The sealed secret key's context: a sealed value copied to another row (or a plugin's)
// does not open there.
std::string seal_context(const std::string& storage_id) {
  return "storage:" + storage_id;
}

// S3's bucket naming rules (3-63 of a-z 0-9 . -, a letter or digit at each end): anything
// else could not be addressed path-style, and '/' would break result locations.
void check_bucket(const std::string& bucket) {
  const bool ok = bucket.size() >= 3 && bucket.size() <= 63 &&
                  std::all_of(bucket.begin(), bucket.end(),
                              [](unsigned char c) {
                                return std::islower(c) || std::isdigit(c) || c == '.' || c == '-';
                              }) &&
                  std::isalnum(static_cast<unsigned char>(bucket.front())) &&
                  std::isalnum(static_cast<unsigned char>(bucket.back()));
  if (!ok)
    throw ConfigError("bucket \"" + bucket +
                      "\" is not a valid S3 bucket name (3-63 of a-z, 0-9, '.', '-')");
}

void validate(const NewStorage& s) {
  if (s.name.empty()) throw ConfigError("a storage needs a name");
  if (s.endpoint.rfind("http://", 0) != 0 && s.endpoint.rfind("https://", 0) != 0)
    throw ConfigError("endpoint must start with http:// or https://, not \"" + s.endpoint + "\"");
  check_bucket(s.bucket);
  if (s.region.empty()) throw ConfigError("a storage needs a region (e.g. us-east-1)");
  if (s.access_key.empty() || s.secret_key.empty())
    throw ConfigError("a storage needs an access key and a secret key");
}

}  // namespace

Storage Domain::create_storage(const User& admin, const NewStorage& request) {
  require_admin(admin, admin.org_id);
  validate(request);
  std::string endpoint = request.endpoint;
  while (endpoint.size() > 8 && endpoint.back() == '/')
    endpoint.pop_back();
  // Checked before saving: a storage that cannot be written would only fail runs later.
  storage_access_.check(StorageTarget{endpoint, request.region, request.bucket, request.access_key,
                                      request.secret_key});
  Storage s;
  s.id = new_id();
  s.org_id = admin.org_id;
  s.name = request.name;
  s.endpoint = endpoint;
  s.bucket = request.bucket;
  s.region = request.region;
  s.access_key = request.access_key;
  s.secret_key = secrets_.seal(request.secret_key, seal_context(s.id));
  s.created_at = now_ms();
  store_.create_storage(s);
  return s;
}

std::vector<Storage> Domain::storages(const User& user) {
  return store_.list_storages(user.org_id);
}

Storage Domain::storage(const User& user, const std::string& storage_id) {
  auto found = store_.get_storage(storage_id);
  // Another organisation's storage answers like an unknown one.
  if (!found || found->org_id != user.org_id) throw NotFound("no storage " + storage_id);
  return *found;
}

void Domain::delete_storage(const User& admin, const std::string& storage_id) {
  const Storage s = storage(admin, storage_id);
  require_admin(admin, s.org_id);
  store_.delete_storage(s.id);
}

StorageTarget Domain::storage_target(const Storage& s, std::string_view bucket) const {
  StorageTarget t{s.endpoint, s.region, bucket.empty() ? s.bucket : std::string(bucket),
                  s.access_key, ""};
  if (!bucket.empty()) check_bucket(t.bucket);
  try {
    t.secret_key = secrets_.open(s.secret_key, seal_context(s.id));
  } catch (const std::invalid_argument&) {
    throw IoError("the secret key of storage " + s.name +
                  " cannot be decrypted (was secret-box.key replaced?); add the storage again");
  }
  return t;
}

}  // namespace xport::hub
