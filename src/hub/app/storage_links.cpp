#include "hub/app/storage_links.hpp"

#include "hub/app/links.hpp"
#include "hub/credentials.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace {

std::string key_prefix(const std::string& project_id) {
  return "xport/" + project_id + "/";
}

}  // namespace

std::string storage_upload_url(Domain& domain, const Storage& storage,
                               const std::string& project_id, std::string_view file_name,
                               std::string_view bucket, std::chrono::seconds ttl) {
  const std::string key =
      key_prefix(project_id) + new_id() + "/" + safe_segment(file_name, "export.zip");
  return domain.storage_access().presign_put(domain.storage_target(storage, bucket), key, ttl);
}

std::string storage_download_url(Domain& domain, const Storage& storage,
                                 const std::string& project_id, std::string_view upload_url,
                                 std::chrono::seconds ttl) {
  StorageAccess& access = domain.storage_access();
  const auto place = access.place_of_url(domain.storage_target(storage), upload_url);
  if (!place)
    throw ConfigError("name must be an upload URL /v2/getUploadUrl gave for storage " +
                      storage.name);
  if (place->key.rfind(key_prefix(project_id), 0) != 0)
    throw ConfigError("the upload URL is not one of project " + project_id);
  const std::string file_name = place->key.substr(place->key.rfind('/') + 1);
  return access.presign_get(domain.storage_target(storage, place->bucket), place->key, ttl,
                            file_name);
}

std::optional<StoragePlace> storage_place_of_answer(Domain& domain, const std::string& org_id,
                                                    const std::string& project_id,
                                                    std::string_view url) {
  StorageAccess& access = domain.storage_access();
  std::optional<StoragePlace> endpoint_match;
  for (const Storage& s : domain.store().list_storages(org_id)) {
    auto place = access.place_of_url(domain.storage_target(s), url);
    if (!place || place->key.rfind(key_prefix(project_id), 0) != 0) continue;
    StoragePlace found{s.id, place->bucket, place->key};
    // Several storages may share an endpoint: the one of that bucket signed the link.
    if (place->bucket == s.bucket) return found;
    if (!endpoint_match) endpoint_match = found;
  }
  return endpoint_match;
}

}  // namespace xport::hub
