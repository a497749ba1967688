// Results in customers' own storages (ExportResponse's storage_id, protocol.md §6): the
// presigned links /v2/getUploadUrl and /v2/getSignedUrl hand out with a storageId, and the
// check of a plugin's answer that names one. Results go straight between the plugin and the
// bucket; the hub only signs links, and HEADs the object once before the run succeeds.
//
// Keys in the bucket: "xport/<project id>/<random id>/<file name>", so a link given for one
// project can never pass for another's result.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "hub/domain.hpp"
#include "hub/result_location.hpp"

namespace xport::hub {

// A PUT link for a new result file of `project_id` in the storage (`bucket`: the plugin's
// choice, empty for the storage's own).
std::string storage_upload_url(Domain& domain, const Storage& storage,
                               const std::string& project_id, std::string_view file_name,
                               std::string_view bucket, std::chrono::seconds ttl);

// The GET link for an upload link storage_upload_url gave. ConfigError when `upload_url` is
// not one of the storage's or belongs to another project.
std::string storage_download_url(Domain& domain, const Storage& storage,
                                 const std::string& project_id, std::string_view upload_url,
                                 std::chrono::seconds ttl);

// Which storage of the organisation, bucket and key a plugin's answer names, or nullopt when
// the URL points to none of them (then it may be a link of the hub's own).
std::optional<StoragePlace> storage_place_of_answer(Domain& domain, const std::string& org_id,
                                                    const std::string& project_id,
                                                    std::string_view url);

}  // namespace xport::hub
