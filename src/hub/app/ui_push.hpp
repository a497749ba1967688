// The Domain's events (DomainEvents) pushed live to the web UI on the Socket.IO namespace
// /ui: `notification` to its user's sockets, `run` (the run as GET /api/runs/{session} shows
// it, with `log` when a log line caused it) to the sockets of the users who may see the run's
// project (Domain::may_see). The
// HubApp authenticates /ui connections and registers them here; HubProcess builds this
// before the HubCore whose Domain it listens to.
#pragma once

#include <map>
#include <mutex>
#include <string>

#include "hub/domain_events.hpp"
#include "hub/server/socketio_server.hpp"

namespace xport::hub {

class UiPush final : public DomainEvents {
 public:
  // `public_url`: as AppOptions::public_url (notifications get an absolute `url` when set).
  UiPush(server::SocketIoServer& sio, std::string public_url);

  // A /ui socket of this user (after the HubApp checked its API key), and its end.
  void connected(const std::string& socket, const std::string& user_id, const std::string& org_id);
  void disconnected(const std::string& socket);

  void notification_created(const Notification& n) override;
  // Reads the run only when someone watches; never throws (the UI's safety poll catches up).
  void run_changed(Domain& domain, const std::string& session, const RunLog* log) override;

 private:
  struct UiSocket {
    std::string user_id;
    std::string org_id;
  };
  server::SocketIoServer& sio_;
  std::string public_url_;
  std::mutex mutex_;
  std::map<std::string, UiSocket> sockets_;  // by socket id
};

}  // namespace xport::hub
