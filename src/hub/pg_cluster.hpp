// The Cluster of hubs sharing one PostgreSQL database (cluster.hpp says what it keeps).
//
// Threads: one listener thread owns a connection of its own, which LISTENs on the channel
// `xport_cluster`, renews the lease and holds the leader's lock (pg_try_advisory_lock: the
// server releases it when the connection ends, so a killed leader hands over at once); it
// reconnects after a failure, and loses the leadership while disconnected. A second thread
// hands the messages to the subscribers, one at a time, so a slow handler never delays the
// lease. Every other call borrows a connection of a small pool of its own, on the caller's
// thread. Times of leases are the server's clock; run timestamps are the hubs' own, as the
// Domain writes them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "hub/cluster.hpp"
#include "hub/pg_connection.hpp"

namespace xport::hub {

class PgCluster final : public Cluster {
 public:
  // Connects (IoError when it cannot); nothing is registered before start().
  PgCluster(std::string url, std::string hub_id, ClusterOptions options = {});
  ~PgCluster() override;  // stop()

  bool shared() const override { return true; }
  const std::string& hub_id() const override { return hub_id_; }
  void subscribe(Handler handler) override;
  void start(const std::string& address, const std::string& keys_fingerprint) override;
  void stop() override;
  void publish(const std::string& kind, boost::json::object body) override;
  bool leader() const override { return leader_; }

  void instance_joined(const std::string& instance, const std::string& plugin_id) override;
  void instance_left(const std::string& instance) override;
  std::string least_busy_hub(const std::string& plugin_id) override;
  std::size_t instance_count(const std::string& plugin_id) override;
  std::vector<ClaimedRun> claim_queued(const std::string& plugin_id, std::int64_t now,
                                       std::chrono::milliseconds waited,
                                       std::size_t limit) override;
  std::vector<StaleRun> stale_queued(std::int64_t created_before, std::size_t limit) override;
  std::vector<std::string> lost_hubs() override;
  std::vector<std::string> runs_dispatched_by(const std::string& hub) override;
  void forget_hub(const std::string& hub) override;

  // The messages a notification carried, parsed (for the listener's receiver).
  void received(const std::string& payload);

 private:
  void check_keys(const std::string& fingerprint);
  // The hubs row (lease from now) and this hub's instances, again after a lost lease.
  void register_hub();
  bool renew_lease();
  void listen_loop();
  void listen_once(pqxx::connection& connection);
  void deliver_loop();

  pg::Pool pool_;
  std::string url_;
  std::string hub_id_;
  ClusterOptions options_;
  std::string address_;

  std::vector<Handler> handlers_;  // set before start()
  std::atomic<bool> leader_{false};

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::map<std::string, std::string> instances_;  // this hub's: instance → plugin
  std::deque<ClusterMessage> inbox_;
  std::thread listener_;
  std::thread deliverer_;
};

}  // namespace xport::hub
