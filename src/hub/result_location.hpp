// Where a run's result is (Run::result_object): a key of the hub's own object store
// ("uploads/<project>/<id>/<name>"), or a place in a customer's storage, written
// "storage/<storage id>/<bucket>/<key>". Hub keys never start with "storage/", and bucket
// names have no '/', so the text says unambiguously which it is.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace xport::hub {

struct StoragePlace {
  std::string storage_id;
  std::string bucket;
  std::string key;
};

std::string storage_result_object(const StoragePlace& place);
// The place a result_object names, or nullopt for a key of the hub's own store.
std::optional<StoragePlace> storage_place_of(std::string_view result_object);

}  // namespace xport::hub
