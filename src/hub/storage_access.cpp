#include "hub/storage_access.hpp"

namespace xport::hub {

namespace {

class NoStorageAccess final : public StorageAccess {
 public:
  [[noreturn]] static void refuse() {
    throw StorageError("this hub was built without an S3 client: customer storages are unavailable",
                       "unsupported");
  }
  void check(const StorageTarget&) override { refuse(); }
  std::string presign_put(const StorageTarget&, std::string_view, std::chrono::seconds) override {
    refuse();
  }
  std::string presign_get(const StorageTarget&, std::string_view, std::chrono::seconds,
                          std::string_view) override {
    refuse();
  }
  std::uint64_t size_of(const StorageTarget&, std::string_view) override { refuse(); }
  std::optional<Place> place_of_url(const StorageTarget&, std::string_view) override {
    return std::nullopt;
  }
};

}  // namespace

StorageAccess& StorageAccess::none() {
  static NoStorageAccess none;
  return none;
}

}  // namespace xport::hub
