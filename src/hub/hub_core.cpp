#include "hub/hub_core.hpp"

#include "hub/key_file.hpp"
#include "hub/local_object_store.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace fs = std::filesystem;

namespace {

void check_url(const DatabaseOptions& database) {
  if (!database.url.empty() && !is_postgres_url(database.url))
    throw ConfigError("database \"" + database.url +
                      "\": expected postgresql://USER@HOST:PORT/DB (or nothing, for SQLite in "
                      "the data dir)");
}

std::unique_ptr<Store> open_store(const fs::path& data_dir, const DatabaseOptions& database) {
  if (database.url.empty())
    return std::make_unique<SqliteStore>(data_dir / "hub.db", database.sqlite);
  return std::make_unique<PgStore>(database.url, database.pg);
}

}  // namespace

HubCore::HubCore(fs::path data_dir, HubCoreOptions options, DomainEvents& events,
                 StorageAccess& storage)
    : data_dir_(std::move(data_dir)) {
  check_url(options.database);  // before the data dir is made: a typo fails fast
  if (!fs::exists(data_dir_)) {
    fs::create_directories(data_dir_);
    // Keys, the database and results live here: only the hub's user may look inside.
    fs::permissions(data_dir_, fs::perms::owner_all, fs::perm_options::replace);
  }
  store_ = open_store(data_dir_, options.database);
  objects_ = options.objects ? std::move(options.objects)
                             : std::make_unique<LocalObjectStore>(data_dir_ / "storage");
  domain_ = std::make_unique<Domain>(
      *store_, *objects_, SecretBox(load_or_create_key(data_dir_ / "secret-box.key", 32)),
      UrlSigner::from_data_dir(data_dir_), std::move(options.domain), events, storage);
}

}  // namespace xport::hub
