#include "hub/hub_core.hpp"

#include "hub/credentials.hpp"
#include "hub/key_file.hpp"
#include "hub/local_object_store.hpp"
#include "hub/pg_cluster.hpp"
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
  const std::string box_key = load_or_create_key(data_dir_ / "secret-box.key", 32);
  const std::string signing_key = load_or_create_key(data_dir_ / "url-signing.key", 32);
  keys_fingerprint_ = sha256_hex(hmac_sha256(box_key, "xport cluster keys") +
                                 hmac_sha256(signing_key, "xport cluster keys"));
  const std::string hub_id = load_or_create_hub_id(data_dir_.string());
  DomainEvents* listener = &events;
  if (options.join_cluster && !options.database.url.empty()) {
    cluster_ = std::make_unique<PgCluster>(options.database.url, hub_id, options.cluster);
    relay_ = std::make_unique<ClusterRelay>(*cluster_, events);
    listener = relay_.get();
  } else {
    cluster_ = std::make_unique<SoloCluster>(hub_id);
  }
  if (options.own_events) {
    own_events_ = options.own_events(*listener);
    listener = own_events_.get();
  }
  domain_ = std::make_unique<Domain>(*store_, *objects_, SecretBox(box_key), UrlSigner(signing_key),
                                     std::move(options.domain), *listener, storage);
  if (relay_) relay_->attach(*domain_);
}

HubCore::~HubCore() {
  cluster_->stop();  // before the Domain its messages are handled with goes
}

}  // namespace xport::hub
