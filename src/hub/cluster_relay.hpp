// The Domain's events on several hubs: each event goes to this hub's listener (the UiPush)
// and, as a message of ids, to the other hubs, whose relays read the change back from the
// shared store and hand it to their own listener. So a browser sees a run a plugin answered
// on another hub, and its user's notification, wherever it is connected.
#pragma once

#include "hub/cluster.hpp"
#include "hub/domain_events.hpp"

namespace xport::hub {

class ClusterRelay final : public DomainEvents {
 public:
  // Subscribes to `cluster`'s messages (before it starts); `local` gets every event.
  ClusterRelay(Cluster& cluster, DomainEvents& local);
  // The Domain whose store the other hubs' changes are read from (built after the relay).
  void attach(Domain& domain) { domain_ = &domain; }

  void notification_created(const Notification& n) override;
  void run_changed(Domain& domain, const std::string& session, const RunLog* log) override;

 private:
  void received(const ClusterMessage& m);

  Cluster& cluster_;
  DomainEvents& local_;
  Domain* domain_ = nullptr;
};

}  // namespace xport::hub
