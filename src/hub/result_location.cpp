#include "hub/result_location.hpp"

namespace xport::hub {

namespace {
constexpr std::string_view kPrefix = "storage/";
}

std::string storage_result_object(const StoragePlace& place) {
  return std::string(kPrefix) + place.storage_id + "/" + place.bucket + "/" + place.key;
}

std::optional<StoragePlace> storage_place_of(std::string_view text) {
  if (text.substr(0, kPrefix.size()) != kPrefix) return std::nullopt;
  text.remove_prefix(kPrefix.size());
  const auto id_end = text.find('/');
  if (id_end == std::string_view::npos) return std::nullopt;
  const auto bucket_end = text.find('/', id_end + 1);
  if (bucket_end == std::string_view::npos || bucket_end == id_end + 1) return std::nullopt;
  return StoragePlace{std::string(text.substr(0, id_end)),
                      std::string(text.substr(id_end + 1, bucket_end - id_end - 1)),
                      std::string(text.substr(bucket_end + 1))};
}

}  // namespace xport::hub
