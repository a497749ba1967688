// The hub's state wired together on a data dir — what `xport hub` opens at start:
//   DATA_DIR/hub.db             SQLite database (WAL: also hub.db-wal, hub.db-shm), unless
//                               DatabaseOptions::url names a PostgreSQL database
//   DATA_DIR/storage/           local object store (objects/, tmp/), unless another is given
//   DATA_DIR/secret-box.key     AES-256-GCM key sealing plugin and storage secrets (0600)
//   DATA_DIR/url-signing.key    HMAC key of download links (0600)
//   DATA_DIR/admin-api-key      the first admin's API key, written at the first start (0600)
//   DATA_DIR/hub-id             this hub's identity (cluster.hpp)
// On PostgreSQL a hub (HubCoreOptions::join_cluster) is one of a Cluster of hubs sharing
// the database: its Domain's events then also reach the other hubs (ClusterRelay).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>

#include "hub/cluster.hpp"
#include "hub/cluster_relay.hpp"
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
  // A hub (not a tool such as `xport hub import`): on PostgreSQL it joins the cluster of
  // hubs on that database (PgCluster); on SQLite it is alone all the same.
  bool join_cluster = false;
  ClusterOptions cluster;
  // A listener for what this hub's own Domain does (the runs it finished, not those other
  // hubs relay): made with `next`, the listener it must pass every event on to, and put in
  // front of the cluster relay. Null: none (the hub app's metrics use it).
  std::function<std::unique_ptr<DomainEvents>(DomainEvents& next)> own_events;
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
  ~HubCore();
  HubCore(const HubCore&) = delete;
  HubCore& operator=(const HubCore&) = delete;

  const std::filesystem::path& data_dir() const { return data_dir_; }
  Store& store() { return *store_; }
  ObjectStore& objects() { return *objects_; }
  Domain& domain() { return *domain_; }
  Cluster& cluster() { return *cluster_; }
  // A digest of the two keys (never the keys): hubs of one cluster must have the same.
  const std::string& keys_fingerprint() const { return keys_fingerprint_; }

 private:
  std::filesystem::path data_dir_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<ObjectStore> objects_;
  std::unique_ptr<Cluster> cluster_;
  std::unique_ptr<ClusterRelay> relay_;       // on a shared cluster only
  std::unique_ptr<DomainEvents> own_events_;  // HubCoreOptions::own_events, when given
  std::string keys_fingerprint_;
  std::unique_ptr<Domain> domain_;
};

}  // namespace xport::hub
