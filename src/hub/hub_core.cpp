#include "hub/hub_core.hpp"

#include "hub/key_file.hpp"
#include "hub/local_object_store.hpp"

namespace xport::hub {

namespace fs = std::filesystem;

HubCore::HubCore(fs::path data_dir, HubCoreOptions options, DomainEvents& events,
                 StorageAccess& storage)
    : data_dir_(std::move(data_dir)) {
  if (!fs::exists(data_dir_)) {
    fs::create_directories(data_dir_);
    // Keys, the database and results live here: only the hub's user may look inside.
    fs::permissions(data_dir_, fs::perms::owner_all, fs::perm_options::replace);
  }
  store_ = std::make_unique<SqliteStore>(data_dir_ / "hub.db", options.sqlite);
  objects_ = options.objects ? std::move(options.objects)
                             : std::make_unique<LocalObjectStore>(data_dir_ / "storage");
  domain_ = std::make_unique<Domain>(
      *store_, *objects_, SecretBox(load_or_create_key(data_dir_ / "secret-box.key", 32)),
      UrlSigner::from_data_dir(data_dir_), std::move(options.domain), events, storage);
}

}  // namespace xport::hub
