#include "hub/pg_cluster.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <pqxx/nontransaction>
#include <pqxx/notification>
#include <pqxx/transaction>

#include "hub/pg_store_impl.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace json = boost::json;

namespace {

constexpr const char* kChannel = "xport_cluster";
// pg_try_advisory_lock(kind, 0): 1-4 are pg_store_impl.hpp's transaction locks.
constexpr int kLeaderLock = 5;
// The server's clock, in ms, for leases.
constexpr const char* kNowMs = "(extract(epoch from clock_timestamp()) * 1000)::bigint";
// The instances (as `i`) of the plugin `plugin_id` (a parameter or a column) on hubs whose
// lease is live: the one definition of "online somewhere in the cluster".
std::string live_instances_of(std::string_view plugin_id) {
  return std::string("plugin_instances i JOIN hubs h ON h.id = i.hub_id WHERE i.plugin_id = ") +
         std::string(plugin_id) + " AND h.lease_until > " + kNowMs;
}
// NOTIFY payloads must stay under 8000 bytes; ours carry ids only.
constexpr std::size_t kMaxPayload = 7900;

class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection& connection, PgCluster& cluster)
      : pqxx::notification_receiver(connection, kChannel), cluster_(cluster) {}
  void operator()(const std::string& payload, int) override { cluster_.received(payload); }

 private:
  PgCluster& cluster_;
};

std::int64_t wall_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

PgCluster::PgCluster(std::string url, std::string hub_id, ClusterOptions options)
    : pool_(url, 4), url_(std::move(url)), hub_id_(std::move(hub_id)), options_(options) {}

PgCluster::~PgCluster() {
  stop();
}

void PgCluster::subscribe(Handler handler) {
  handlers_.push_back(std::move(handler));
}

void PgCluster::start(const std::string& address, const std::string& keys_fingerprint) {
  address_ = address;
  check_keys(keys_fingerprint);
  register_hub();
  {
    std::lock_guard lock(mutex_);
    stopping_ = false;
  }
  listener_ = std::thread([this] { listen_loop(); });
  deliverer_ = std::thread([this] { deliver_loop(); });
  spdlog::info("cluster: hub {} ({}) joined", hub_id_, address_);
}

void PgCluster::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (listener_.joinable()) listener_.join();
  if (deliverer_.joinable()) deliverer_.join();
  leader_ = false;
  // The hubs row stays: its lease runs out and the leader ends (or queues again) the runs
  // this hub had sent, unless this hub comes back first and does so itself.
}

void PgCluster::check_keys(const std::string& fingerprint) {
  pg::exec(pool_, "cluster keys",
           "INSERT INTO cluster_settings (name, value) VALUES ('keys', $1) "
           "ON CONFLICT (name) DO NOTHING",
           fingerprint);
  const pqxx::result r =
      pg::exec(pool_, "cluster keys", "SELECT value FROM cluster_settings WHERE name = 'keys'");
  if (!r.empty() && pg::text(r[0], 0) != fingerprint)
    throw ConfigError(
        "this hub's keys (secret-box.key and url-signing.key in its data dir) differ from the "
        "cluster's: every hub on one database must have the same two files; copy them from the "
        "data dir of a hub of the cluster (docs/deploy.md)");
}

void PgCluster::register_hub() {
  pg::exec(pool_, "hub " + hub_id_,
           std::string("INSERT INTO hubs (id, address, started_at, lease_until) VALUES ($1, $2, ") +
               kNowMs + ", " + kNowMs +
               " + $3) ON CONFLICT (id) DO UPDATE SET address = EXCLUDED.address, "
               "started_at = EXCLUDED.started_at, lease_until = EXCLUDED.lease_until",
           hub_id_, address_, static_cast<std::int64_t>(options_.lease.count()));
  std::map<std::string, std::string> instances;
  {
    std::lock_guard lock(mutex_);
    instances = instances_;
  }
  // An earlier process's instances are gone with it; this one's are written again.
  pg::exec(pool_, "hub " + hub_id_, "DELETE FROM plugin_instances WHERE hub_id = $1", hub_id_);
  for (const auto& [instance, plugin] : instances)
    instance_joined(instance, plugin);
}

bool PgCluster::renew_lease() {
  const auto r =
      pg::exec(pool_, "hub " + hub_id_,
               std::string("UPDATE hubs SET lease_until = ") + kNowMs + " + $2 WHERE id = $1",
               hub_id_, static_cast<std::int64_t>(options_.lease.count()));
  return r.affected_rows() == 1;
}

void PgCluster::publish(const std::string& kind, json::object body) {
  const std::string payload =
      json::serialize(json::object{{"k", kind}, {"h", hub_id_}, {"b", std::move(body)}});
  if (payload.size() > kMaxPayload) {
    spdlog::warn("cluster: a {} message of {} bytes is too long for NOTIFY; not sent", kind,
                 payload.size());
    return;
  }
  try {
    pg::exec(pool_, "cluster message", "SELECT pg_notify($1, $2)", std::string(kChannel), payload);
  } catch (const std::exception& e) {
    spdlog::warn("cluster: sending a {} message failed: {}", kind, e.what());
  }
}

void PgCluster::received(const std::string& payload) {
  ClusterMessage m;
  try {
    json::object o = json::parse(payload).as_object();
    m.kind = std::string(o.at("k").as_string());
    m.from = std::string(o.at("h").as_string());
    m.body = std::move(o.at("b").as_object());
  } catch (const std::exception& e) {
    spdlog::warn("cluster: a message that is not ours on {}: {}", kChannel, e.what());
    return;
  }
  if (m.from == hub_id_) return;  // NOTIFY reaches its sender too
  std::lock_guard lock(mutex_);
  inbox_.push_back(std::move(m));
  wake_.notify_all();
}

void PgCluster::deliver_loop() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !inbox_.empty(); });
    if (stopping_) return;
    ClusterMessage m = std::move(inbox_.front());
    inbox_.pop_front();
    lock.unlock();
    for (const auto& handler : handlers_) {
      try {
        handler(m);
      } catch (const std::exception& e) {
        spdlog::error("cluster: handling a {} message failed: {}", m.kind, e.what());
      }
    }
    lock.lock();
  }
}

// Connects, LISTENs and keeps the lease until stop(); after a failure (the database
// restarted, the network) it tries again every second, logging the first failure only.
void PgCluster::listen_loop() {
  bool failing = false;
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    try {
      pqxx::connection connection(url_);
      if (failing) spdlog::info("cluster: hub {} is connected to the database again", hub_id_);
      failing = false;
      listen_once(connection);
      return;  // stopping
    } catch (const std::exception& e) {
      leader_ = false;
      if (!failing) spdlog::warn("cluster: hub {} lost the database: {}", hub_id_, e.what());
      failing = true;
    }
    std::unique_lock lock(mutex_);
    wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_; });
  }
}

void PgCluster::listen_once(pqxx::connection& connection) {
  Receiver receiver(connection, *this);
  auto renewed = std::chrono::steady_clock::now();
  if (!renew_lease()) register_hub();
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    if (!leader_) {
      pqxx::nontransaction t(connection);
      leader_ = t.exec_params("SELECT pg_try_advisory_lock($1, 0)", kLeaderLock)[0][0].as<bool>();
      if (leader_) spdlog::info("cluster: hub {} is the leader", hub_id_);
    }
    const auto now = std::chrono::steady_clock::now();
    if (now - renewed >= options_.renew) {
      if (!renew_lease()) {
        // The others took this hub for dead (it stalled past its lease): its runs were
        // ended or queued again; it joins again as it is.
        spdlog::warn("cluster: hub {} had lost its lease; joining again", hub_id_);
        register_hub();
      }
      renewed = now;
    }
    connection.await_notification(0, 200 * 1000);
  }
}

void PgCluster::instance_joined(const std::string& instance, const std::string& plugin_id) {
  {
    std::lock_guard lock(mutex_);
    instances_[instance] = plugin_id;
  }
  try {
    pg::exec(pool_, "plugin instance " + instance,
             "INSERT INTO plugin_instances (hub_id, instance, plugin_id, joined_at) "
             "VALUES ($1, $2, $3, $4) ON CONFLICT (hub_id, instance) DO UPDATE SET "
             "plugin_id = EXCLUDED.plugin_id, joined_at = EXCLUDED.joined_at",
             hub_id_, instance, plugin_id, wall_ms());
  } catch (const std::exception& e) {
    // The other hubs do not send it runs until the row is written again (lease renewal
    // after a lost database); this hub does.
    spdlog::warn("cluster: recording instance {}: {}", instance, e.what());
  }
}

void PgCluster::instance_left(const std::string& instance) {
  {
    std::lock_guard lock(mutex_);
    if (!instances_.erase(instance)) return;
  }
  try {
    pg::exec(pool_, "plugin instance " + instance,
             "DELETE FROM plugin_instances WHERE hub_id = $1 AND instance = $2", hub_id_, instance);
  } catch (const std::exception& e) {
    spdlog::warn("cluster: removing instance {}: {}", instance, e.what());
  }
}

std::string PgCluster::least_busy_hub(const std::string& plugin_id) {
  // Dispatched runs per instance, per live hub; runs are counted where they were sent.
  const pqxx::result r =
      pg::exec(pool_, "least busy hub",
               "SELECT i.hub_id FROM " + live_instances_of("$1") +
                   " GROUP BY i.hub_id ORDER BY "
                   "(SELECT count(*) FROM runs r WHERE r.plugin_id = $1 AND r.state = 'dispatched' "
                   "AND r.dispatched_by = i.hub_id)::float8 / count(*), min(i.joined_at), i.hub_id "
                   "LIMIT 1",
               plugin_id);
  return r.empty() ? std::string() : pg::text(r[0], 0);
}

std::size_t PgCluster::instance_count(const std::string& plugin_id) {
  const pqxx::result r = pg::exec(pool_, "plugin instances",
                                  "SELECT count(*) FROM " + live_instances_of("$1"), plugin_id);
  return static_cast<std::size_t>(r[0][0].as<std::int64_t>());
}

std::vector<ClaimedRun> PgCluster::claim_queued(const std::string& plugin_id, std::int64_t now,
                                                std::chrono::milliseconds waited,
                                                std::size_t limit) {
  const pqxx::result r = pg::exec(
      pool_, "run queue",
      "UPDATE runs SET state = 'dispatched', dispatched_at = $3, dispatched_by = $1 "
      "WHERE session IN (SELECT session FROM runs WHERE state = 'queued' AND plugin_id = $2 "
      "AND created_at <= $4 ORDER BY created_at LIMIT $5 FOR UPDATE SKIP LOCKED) "
      "AND state = 'queued' RETURNING session, plugin_id",
      hub_id_, plugin_id, now, now - waited.count(), static_cast<std::int64_t>(limit));
  std::vector<ClaimedRun> claimed;
  for (const auto& row : r)
    claimed.push_back({pg::text(row, 0), pg::text(row, 1)});
  return claimed;
}

std::vector<StaleRun> PgCluster::stale_queued(std::int64_t created_before, std::size_t limit) {
  const pqxx::result r =
      pg::exec(pool_, "run queue",
               "SELECT r.session, r.plugin_id FROM runs r WHERE r.state = 'queued' AND "
               "r.created_at < $1 AND NOT EXISTS (SELECT 1 FROM " +
                   live_instances_of("r.plugin_id") + ") ORDER BY r.created_at LIMIT $2",
               created_before, static_cast<std::int64_t>(limit));
  std::vector<StaleRun> stale;
  for (const auto& row : r)
    stale.push_back({pg::text(row, 0), pg::text(row, 1)});
  return stale;
}

std::vector<std::string> PgCluster::lost_hubs() {
  const pqxx::result r = pg::exec(
      pool_, "hubs", std::string("SELECT id FROM hubs WHERE id <> $1 AND lease_until < ") + kNowMs,
      hub_id_);
  std::vector<std::string> hubs;
  for (const auto& row : r)
    hubs.push_back(pg::text(row, 0));
  return hubs;
}

std::vector<std::string> PgCluster::runs_dispatched_by(const std::string& hub) {
  const pqxx::result r =
      pg::exec(pool_, "runs of hub " + hub,
               "SELECT session FROM runs WHERE state = 'dispatched' AND dispatched_by = $1 "
               "ORDER BY dispatched_at",
               hub);
  std::vector<std::string> sessions;
  for (const auto& row : r)
    sessions.push_back(pg::text(row, 0));
  return sessions;
}

void PgCluster::forget_hub(const std::string& hub) {
  // Only while still expired: a hub that came back meanwhile keeps its row.
  pg::exec(pool_, "hub " + hub,
           std::string("DELETE FROM hubs WHERE id = $1 AND lease_until < ") + kNowMs, hub);
}

}  // namespace xport::hub
