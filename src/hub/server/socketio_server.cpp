#include "hub/server/socketio_server.hpp"

#include <spdlog/spdlog.h>

#include "hub/server/sio_core.hpp"

namespace xport::hub::server {

// ---- SioCore: the shared state of the sessions.

std::string SioCore::random_id() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string id(20, 'A');
  std::lock_guard lock(mutex);
  for (char& c : id)
    c = kAlphabet[rng() % 64];
  return id;
}

std::shared_ptr<EngineSession> SioCore::create_session(const std::string& remote, bool echo) {
  std::string sid = random_id();
  auto session = std::make_shared<EngineSession>(io, shared_from_this(), sid, remote, echo);
  std::lock_guard lock(mutex);
  sessions[sid] = session;
  return session;
}

std::shared_ptr<EngineSession> SioCore::find_session(const std::string& sid) const {
  std::lock_guard lock(mutex);
  auto it = sessions.find(sid);
  return it == sessions.end() ? nullptr : it->second;
}

void SioCore::remove_session(const std::string& sid) {
  std::shared_ptr<EngineSession> keep;  // destroyed outside the lock
  std::lock_guard lock(mutex);
  auto it = sessions.find(sid);
  if (it == sessions.end()) return;
  keep = std::move(it->second);
  sessions.erase(it);
}

sio::ConnectResult SioCore::connect(const std::shared_ptr<EngineSession>& session,
                                    const std::string& nsp, const boost::json::value& auth) {
  auto ns = namespaces.find(nsp);
  if (ns == namespaces.end() && nsp != "/") return sio::ConnectResult::refuse("Invalid namespace");
  SocketInfo info{random_id(), nsp, session->sid(), session->remote(), auth};
  if (ns != namespaces.end() && ns->second.on_connect) {
    std::optional<std::string> refused;
    try {
      refused = ns->second.on_connect(info);
    } catch (const std::exception& e) {
      refused = std::string("connect handler failed: ") + e.what();
    }
    if (refused) return sio::ConnectResult::refuse(*refused);
  }
  {
    std::lock_guard lock(mutex);
    sockets[info.id] = SocketEntry{info, session};
  }
  // Emits from here are posted to the session's strand: they go out after the CONNECT
  // answer that the caller sends when we return.
  if (ns != namespaces.end() && ns->second.on_connection) {
    try {
      ns->second.on_connection(info);
    } catch (const std::exception& e) {
      spdlog::error("socket.io: the connection handler of {} failed: {}", nsp, e.what());
    }
  }
  return sio::ConnectResult::accept(info.id);
}

namespace {

// Sends the ACK of a client's event `id` on `nsp`, if the session is still there.
struct AckSender {
  std::weak_ptr<EngineSession> session;
  std::string nsp;
  std::uint64_t id;
  void operator()(boost::json::array args, std::vector<std::string> attachments = {}) const {
    if (auto s = session.lock()) s->send_ack(nsp, id, std::move(args), std::move(attachments));
  }
};

}  // namespace

void SioCore::event(const std::shared_ptr<EngineSession>& session, const std::string& socket_id,
                    const std::string& name, boost::json::array args,
                    std::vector<std::string> attachments, std::optional<std::uint64_t> ack_id) {
  std::optional<SocketInfo> info;
  {
    std::lock_guard lock(mutex);
    auto it = sockets.find(socket_id);
    if (it == sockets.end()) return;
    info = it->second.info;
  }
  auto ns = namespaces.find(info->nsp);
  if (ns == namespaces.end()) return;
  // The one answer to the client's event, built only as the handler that takes it wants it
  // (Ack or BinaryAck: the same sender serves both, attachments defaulting to none).
  std::optional<AckSender> sender;
  if (ack_id) sender = AckSender{session, info->nsp, *ack_id};
  // Handlers must not take the session down: a throwing handler is the hub's bug. The
  // socket stays, the error is logged, and a client waiting for an ack gets one saying so
  // rather than silence.
  try {
    if (!attachments.empty()) {
      auto b = ns->second.binary_events.find(name);
      if (b != ns->second.binary_events.end()) {
        b->second(*info, std::move(args), std::move(attachments),
                  sender ? BinaryAck(std::move(*sender)) : BinaryAck());
        return;
      }
    }
    auto e = ns->second.events.find(name);
    if (e != ns->second.events.end()) {
      e->second(*info, std::move(args), sender ? Ack(std::move(*sender)) : Ack());
    } else if (ns->second.any) {
      ns->second.any(*info, name, std::move(args), sender ? Ack(std::move(*sender)) : Ack());
    }
  } catch (const std::exception& e) {
    spdlog::error("socket.io: the handler of event '{}' on {} failed: {}", name, info->nsp,
                  e.what());
    if (ack_id)
      session->send_ack(
          info->nsp, *ack_id,
          boost::json::array{std::string("the hub failed to handle this event: ") + e.what()});
  }
}

void SioCore::socket_left(const std::string& socket_id, const std::string& reason) {
  std::optional<SocketInfo> info;
  {
    std::lock_guard lock(mutex);
    auto it = sockets.find(socket_id);
    if (it == sockets.end()) return;
    info = std::move(it->second.info);
    sockets.erase(it);
  }
  auto ns = namespaces.find(info->nsp);
  if (ns == namespaces.end() || !ns->second.on_disconnect) return;
  try {
    ns->second.on_disconnect(*info, reason);
  } catch (const std::exception&) {
  }
}

void SioCore::close_all(const std::string& reason) {
  std::vector<std::shared_ptr<EngineSession>> all;
  {
    std::lock_guard lock(mutex);
    for (auto& [sid, s] : sessions)
      all.push_back(s);
  }
  for (auto& s : all)
    s->close(reason);
}

void SioCore::release_all() {
  std::map<std::string, std::shared_ptr<EngineSession>> all;
  {
    std::lock_guard lock(mutex);
    all.swap(sessions);
    sockets.clear();
  }
  for (auto& [sid, s] : all)
    s->release();
}

// ---- SocketIoServer: the hub's view.

SocketIoServer::SocketIoServer(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}
SocketIoServer::~SocketIoServer() = default;

void SocketIoServer::on_connect(const std::string& nsp, ConnectHandler handler) {
  impl_->core->namespaces[nsp].on_connect = std::move(handler);
}

void SocketIoServer::on_event(const std::string& nsp, const std::string& event,
                              EventHandler handler) {
  impl_->core->namespaces[nsp].events[event] = std::move(handler);
}

void SocketIoServer::on_binary_event(const std::string& nsp, const std::string& event,
                                     BinaryEventHandler handler) {
  impl_->core->namespaces[nsp].binary_events[event] = std::move(handler);
}

void SocketIoServer::on_any_event(
    const std::string& nsp,
    std::function<void(const SocketInfo&, const std::string&, boost::json::array, Ack)> handler) {
  impl_->core->namespaces[nsp].any = std::move(handler);
}

void SocketIoServer::on_connection(const std::string& nsp, ConnectionHandler handler) {
  impl_->core->namespaces[nsp].on_connection = std::move(handler);
}

void SocketIoServer::on_disconnect(const std::string& nsp, DisconnectHandler handler) {
  impl_->core->namespaces[nsp].on_disconnect = std::move(handler);
}

bool SocketIoServer::emit(const std::string& socket_id, const std::string& nsp, std::string event,
                          boost::json::array args, AckCallback ack,
                          std::vector<std::string> attachments) {
  std::shared_ptr<EngineSession> session;
  {
    std::lock_guard lock(impl_->core->mutex);
    auto it = impl_->core->sockets.find(socket_id);
    if (it == impl_->core->sockets.end() || it->second.info.nsp != nsp) return false;
    session = it->second.session.lock();
  }
  if (!session) return false;
  session->emit(nsp, std::move(event), std::move(args), std::move(ack), std::move(attachments));
  return true;
}

std::size_t SocketIoServer::broadcast(const std::string& nsp, const std::string& event,
                                      const boost::json::array& args) {
  std::vector<std::shared_ptr<EngineSession>> targets;
  {
    std::lock_guard lock(impl_->core->mutex);
    for (const auto& [id, entry] : impl_->core->sockets)
      if (entry.info.nsp == nsp)
        if (auto s = entry.session.lock()) targets.push_back(std::move(s));
  }
  for (auto& s : targets)
    s->emit(nsp, event, args, nullptr, {});
  return targets.size();
}

bool SocketIoServer::disconnect(const std::string& socket_id) {
  std::shared_ptr<EngineSession> session;
  std::string nsp;
  {
    std::lock_guard lock(impl_->core->mutex);
    auto it = impl_->core->sockets.find(socket_id);
    if (it == impl_->core->sockets.end()) return false;
    session = it->second.session.lock();
    nsp = it->second.info.nsp;
  }
  if (!session) return false;
  session->disconnect(nsp);
  return true;
}

std::optional<SocketInfo> SocketIoServer::socket(const std::string& socket_id) const {
  std::lock_guard lock(impl_->core->mutex);
  auto it = impl_->core->sockets.find(socket_id);
  if (it == impl_->core->sockets.end()) return std::nullopt;
  return it->second.info;
}

std::vector<SocketInfo> SocketIoServer::sockets(const std::string& nsp) const {
  std::vector<SocketInfo> out;
  std::lock_guard lock(impl_->core->mutex);
  for (const auto& [id, entry] : impl_->core->sockets)
    if (nsp.empty() || entry.info.nsp == nsp) out.push_back(entry.info);
  return out;
}

std::size_t SocketIoServer::session_count() const {
  std::lock_guard lock(impl_->core->mutex);
  return impl_->core->sessions.size();
}

}  // namespace xport::hub::server
