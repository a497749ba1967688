#include "hub/app/ui_push.hpp"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>
#include <map>
#include <utility>
#include <vector>

#include "hub/app/app_internal.hpp"
#include "hub/domain.hpp"

namespace xport::hub {

UiPush::UiPush(server::SocketIoServer& sio, std::string public_url)
    : sio_(sio), public_url_(std::move(public_url)) {}

void UiPush::connected(const std::string& socket, const std::string& user_id,
                       const std::string& org_id) {
  std::lock_guard lock(mutex_);
  sockets_[socket] = UiSocket{user_id, org_id};
}

void UiPush::disconnected(const std::string& socket) {
  std::lock_guard lock(mutex_);
  sockets_.erase(socket);
}

void UiPush::notification_created(const Notification& n) {
  std::vector<std::string> targets;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [socket, ui] : sockets_)
      if (ui.user_id == n.user_id) targets.push_back(socket);
  }
  if (targets.empty()) return;
  boost::json::object o{
      {"id", n.id},     {"session", n.session}, {"kind", n.kind},           {"text", n.text},
      {"link", n.link}, {"read", n.read},       {"createdAt", n.created_at}};
  if (!public_url_.empty()) o["url"] = detail::absolute_link(public_url_, n.link);
  for (const auto& socket : targets)
    sio_.emit(socket, "/ui", "notification", boost::json::array{o});
}

void UiPush::run_changed(Domain& domain, const std::string& session, const RunLog* log) {
  {
    std::lock_guard lock(mutex_);
    if (sockets_.empty()) return;  // nobody watching: no store reads
  }
  try {
    Store& store = domain.store();
    const auto run = store.get_run(session);
    if (!run) return;
    const auto project = store.get_project(run->project_id);
    if (!project) return;
    std::vector<std::pair<std::string, std::string>> watching;  // (socket, user) of the org
    {
      std::lock_guard lock(mutex_);
      for (const auto& [socket, ui] : sockets_)
        if (ui.org_id == project->org_id) watching.emplace_back(socket, ui.user_id);
    }
    // Only to users who may see the project now (a member, an admin), asked of the store
    // for each event: roles and memberships change while a socket stays connected.
    std::map<std::string, bool> sees;  // by user id
    std::vector<std::string> targets;
    for (const auto& [socket, user_id] : watching) {
      auto [it, fresh] = sees.try_emplace(user_id, false);
      if (fresh) {
        const auto user = store.get_user(user_id);
        it->second = user && user->removed_at == 0 && domain.may_see(*user, *project);
      }
      if (it->second) targets.push_back(socket);
    }
    if (targets.empty()) return;
    boost::json::object o = detail::run_to_json(domain, *run, public_url_);
    if (log) o["log"] = detail::to_json(*log);
    for (const auto& socket : targets)
      sio_.emit(socket, "/ui", "run", boost::json::array{o});
  } catch (const std::exception& e) {
    // The change itself is stored; the UI's safety poll will catch up.
    spdlog::warn("run {}: pushing the change to the UI failed: {}", session, e.what());
  }
}

}  // namespace xport::hub
