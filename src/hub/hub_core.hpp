// The hub's state wired together on a data dir — what `xport hub` opens at start:
//   DATA_DIR/hub.db             SQLite database (WAL: also hub.db-wal, hub.db-shm), unless
//                               DatabaseOptions::url names a PostgreSQL database
//   DATA_DIR/storage/           local object store (objects/, tmp/), unless another is given
//   DATA_DIR/secret-box.key     AES-256-GCM key sealing plugin and storage secrets (0600)
//   DATA_DIR/url-signing.key    HMAC key of download links (0600)
//   DATA_DIR/admin-api-key      the first admin's API key, written at the first start (0600)
#pragma once

#include <filesystem>
#include <memory>

#include "hub/domain.hpp"
#include "hub/object_store.hpp"
#include "hub/pg_store.hpp"
#include "hub/sqlite_store.hpp"

namespace xport::hub {

// Which Store a hub opens.
struct DatabaseOptions {
  // Empty: SQLite at DATA_DIR/hub.db (the default); postgresql://USER@HOST:PORT/DB (or
  // postgres://): PgStore. Anything else is a ConfigError.
  std::string url;
  // SQLite only: e.g. a longer busy timeout for an offline tool that shares the data dir
  // with a running hub (`xport hub import`).
  SqliteOptions sqlite;
  PgOptions pg;  // PostgreSQL only
};

struct HubCoreOptions {
  DomainOptions domain;
  DatabaseOptions database;
  // Where results and exports live; null: a local directory, DATA_DIR/storage. (The hub core
  // links no S3 client: the application builds an S3 store, src/s3, and hands it in.)
  std::unique_ptr<ObjectStore> objects;
};

class HubCore {
 public:
  // Creates the data dir (mode 0700) and its keys if needed, opens the database (schema
  // migrated) and the object store. Does not bootstrap: call domain().bootstrap(data_dir).
  // `events`: the Domain's listener (DomainEvents); `storage`: how customers' buckets are
  // reached (src/s3; the default refuses, for tools that never touch them). Both must outlive
  // the HubCore.
  explicit HubCore(std::filesystem::path data_dir, HubCoreOptions options = {},
                   DomainEvents& events = DomainEvents::none(),
                   StorageAccess& storage = StorageAccess::none());

  const std::filesystem::path& data_dir() const { return data_dir_; }
  Store& store() { return *store_; }
  ObjectStore& objects() { return *objects_; }
  Domain& domain() { return *domain_; }

 private:
  std::filesystem::path data_dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ObjectStore> objects_;
  std::unique_ptr<Domain> domain_;
};

}  // namespace xport::hub
