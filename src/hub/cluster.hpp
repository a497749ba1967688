// The hubs that share one database, as one hub sees them. A hub on SQLite is alone
// (SoloCluster: every answer is "this hub"); hubs on PostgreSQL form a cluster (PgCluster,
// pg_cluster.hpp) that keeps, in the database:
//   - each hub's identity (DATA_DIR/hub-id, made at its first start) and lease, renewed every
//     `renew` and lost `lease` after the last renewal (a SIGKILLed hub is noticed then);
//   - the plugin instances connected to each hub, so that a run created on any hub goes to
//     the least busy instance of the cluster;
//   - the queue of runs (runs in state queued), taken FOR UPDATE SKIP LOCKED;
//   - one leader at a time (a session advisory lock), which runs the cluster's chores: the
//     janitor, failing runs whose plugin stayed offline, and ending the runs of lost hubs.
// Hubs tell each other what changed through messages (LISTEN/NOTIFY): a run queued for
// another hub, a run or notification changed (for the browsers connected elsewhere), a
// plugin whose instances must log in again. A message may be lost (a database restart):
// each one only hurries what a periodic sweep would do anyway, except UI pushes, which the
// UI's safety poll catches up.
#pragma once

#include <boost/json/object.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace xport::hub {

struct ClusterMessage {
  std::string kind;  // "queued", "run", "notification", "drop_plugin"
  std::string from;  // the hub that sent it
  boost::json::object body;
};

struct ClusterOptions {
  std::chrono::milliseconds lease{std::chrono::seconds(10)};
  std::chrono::milliseconds renew{std::chrono::seconds(2)};
};

// A run the queue handed over: it is dispatched by this hub when claim_queued returns it.
struct ClaimedRun {
  std::string session;
  std::string plugin_id;
};

// A queued run waiting longer than it may (its plugin has no instance on any hub).
struct StaleRun {
  std::string session;
  std::string plugin_id;
};

class Cluster {
 public:
  using Handler = std::function<void(const ClusterMessage&)>;

  virtual ~Cluster() = default;
  Cluster() = default;
  Cluster(const Cluster&) = delete;
  Cluster& operator=(const Cluster&) = delete;

  // False for a hub alone: callers then take the one-hub paths.
  virtual bool shared() const = 0;
  virtual const std::string& hub_id() const = 0;

  // `handler` gets every message of other hubs, on the cluster's own thread (one at a time);
  // it must not throw. Before start().
  virtual void subscribe(Handler handler) = 0;
  // Joins (lease taken, keys checked: ConfigError when this hub's keys differ from the
  // cluster's), then keeps the lease and listens until stop(). `address` names the hub in
  // logs and in the hubs table; `keys_fingerprint` is HubCore::keys_fingerprint(): the first
  // hub records it, the others must match it.
  virtual void start(const std::string& address, const std::string& keys_fingerprint) = 0;
  virtual void stop() = 0;
  // To every other hub; never throws (a lost message is caught up, see above).
  virtual void publish(const std::string& kind, boost::json::object body) = 0;
  // True while this hub holds the cluster's lock: the cluster's chores run here.
  virtual bool leader() const = 0;

  // The plugin instances of this hub, for the others' choice.
  virtual void instance_joined(const std::string& instance, const std::string& plugin_id) = 0;
  virtual void instance_left(const std::string& instance) = 0;
  // The live hub whose instances of `plugin_id` hold the fewest dispatched runs each (ties:
  // the one whose instance joined first); "" when no hub has one.
  virtual std::string least_busy_hub(const std::string& plugin_id) = 0;
  // The instances of `plugin_id` on all live hubs (what a user on any hub is shown).
  virtual std::size_t instance_count(const std::string& plugin_id) = 0;
  // Takes up to `limit` runs of `plugin_id` queued for at least `waited` at `now` (ms since
  // the epoch, the Domain's clock that stamped them), oldest first, skipping rows another
  // hub is taking (FOR UPDATE SKIP LOCKED), and marks them dispatched by this hub.
  virtual std::vector<ClaimedRun> claim_queued(const std::string& plugin_id, std::int64_t now,
                                               std::chrono::milliseconds waited,
                                               std::size_t limit) = 0;
  // Queued runs created before `created_before` (ms since the epoch) whose plugin has no
  // instance on any live hub.
  virtual std::vector<StaleRun> stale_queued(std::int64_t created_before, std::size_t limit) = 0;

  // Hubs whose lease expired (not this one), and the runs they had dispatched.
  virtual std::vector<std::string> lost_hubs() = 0;
  virtual std::vector<std::string> runs_dispatched_by(const std::string& hub) = 0;
  // The hub is gone for good: its row and its instances are removed.
  virtual void forget_hub(const std::string& hub) = 0;
};

// The hub alone (SQLite): it is the leader, every run is its own, nothing is shared.
class SoloCluster final : public Cluster {
 public:
  explicit SoloCluster(std::string hub_id) : hub_id_(std::move(hub_id)) {}
  bool shared() const override { return false; }
  const std::string& hub_id() const override { return hub_id_; }
  void subscribe(Handler) override {}
  void start(const std::string&, const std::string&) override {}
  void stop() override {}
  void publish(const std::string&, boost::json::object) override {}
  bool leader() const override { return true; }
  void instance_joined(const std::string&, const std::string&) override {}
  void instance_left(const std::string&) override {}
  std::string least_busy_hub(const std::string&) override { return hub_id_; }
  std::size_t instance_count(const std::string&) override { return 0; }  // never asked
  std::vector<ClaimedRun> claim_queued(const std::string&, std::int64_t, std::chrono::milliseconds,
                                       std::size_t) override {
    return {};
  }
  std::vector<StaleRun> stale_queued(std::int64_t, std::size_t) override { return {}; }
  std::vector<std::string> lost_hubs() override { return {}; }
  std::vector<std::string> runs_dispatched_by(const std::string&) override { return {}; }
  void forget_hub(const std::string&) override {}

 private:
  std::string hub_id_;
};

// The hub's identity, DATA_DIR/hub-id: made at the first start ("hub-" and 12 random hex
// digits), then read back, so a restarted hub knows the runs it had dispatched.
std::string load_or_create_hub_id(const std::string& data_dir);

}  // namespace xport::hub
