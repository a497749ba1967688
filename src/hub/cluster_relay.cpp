#include "hub/cluster_relay.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

#include "hub/domain.hpp"

namespace xport::hub {

namespace json = boost::json;

ClusterRelay::ClusterRelay(Cluster& cluster, DomainEvents& local)
    : cluster_(cluster), local_(local) {
  cluster_.subscribe([this](const ClusterMessage& m) { received(m); });
}

void ClusterRelay::notification_created(const Notification& n) {
  local_.notification_created(n);
  cluster_.publish("notification", json::object{{"user", n.user_id}, {"id", n.id}});
}

void ClusterRelay::run_changed(Domain& domain, const std::string& session, const RunLog* log) {
  local_.run_changed(domain, session, log);
  json::object body{{"session", session}};
  if (log) body["seq"] = log->seq;
  cluster_.publish("run", std::move(body));
}

void ClusterRelay::received(const ClusterMessage& m) {
  if (!domain_) return;
  Store& store = domain_->store();
  if (m.kind == "run") {
    const std::string session(m.body.at("session").as_string());
    const json::value* seq = m.body.if_contains("seq");
    if (!seq) return local_.run_changed(*domain_, session, nullptr);
    const auto logs = store.list_logs(session, seq->to_number<std::int64_t>() - 1, 1);
    return local_.run_changed(*domain_, session, logs.empty() ? nullptr : &logs.front());
  }
  if (m.kind == "notification") {
    const std::string user(m.body.at("user").as_string());
    const auto id = m.body.at("id").to_number<std::int64_t>();
    // By its id: under load many more of the user's notifications may have come since.
    if (auto n = store.get_notification(user, id)) return local_.notification_created(*n);
    spdlog::debug("cluster: notification {} of user {} not found", id, user);
  }
}

}  // namespace xport::hub
