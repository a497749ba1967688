// The hub's parts wired together on a data dir — what `xport hub` opens at start:
//   DATA_DIR/hub.db             SQLite database (WAL: also hub.db-wal, hub.db-shm), unless
//                               DatabaseOptions::url names a PostgreSQL database
//   DATA_DIR/storage/           local object store (objects/, tmp/)
//   DATA_DIR/secret-box.key     AES-256-GCM key sealing plugin secrets (0600)
//   DATA_DIR/url-signing.key    HMAC key of download links (0600)
//   DATA_DIR/admin-api-key      the first admin's API key, written at the first start (0600)
#pragma once

#include <filesystem>
#include <memory>

#include "hub/domain.hpp"
#include "hub/local_object_store.hpp"
#include "hub/pg_store.hpp"
#include "hub/sqlite_store.hpp"

namespace xport::hub {

// Which Store a hub opens.
struct DatabaseOptions {
  // Empty: SQLite at DATA_DIR/hub.db (the default); postgresql://USER@HOST:PORT/DB (or
  // postgres://): PgStore. Anything else is a ConfigError.
  std::string url;
  SqliteOptions sqlite;  // SQLite only: e.g. a longer busy timeout for an offline tool
  PgOptions pg;          // PostgreSQL only
};

class HubCore {
 public:
  // Creates the data dir (mode 0700) and its keys if needed, opens the database (schema
  // migrated) and the object store. Does not bootstrap: call domain().bootstrap(data_dir).
  // `database`: which store (DatabaseOptions). `events`: the Domain's listener
  // (DomainEvents; must outlive the HubCore).
  explicit HubCore(std::filesystem::path data_dir, DomainOptions options = {},
                   DatabaseOptions database = {}, DomainEvents& events = DomainEvents::none());

  const std::filesystem::path& data_dir() const { return data_dir_; }
  Store& store() { return *store_; }
  LocalObjectStore& objects() { return *objects_; }
  Domain& domain() { return *domain_; }

 private:
  std::filesystem::path data_dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<LocalObjectStore> objects_;
  std::unique_ptr<Domain> domain_;
};

}  // namespace xport::hub
