#include "hub/server/server.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "hub/server/listener.hpp"
#include "hub/server/shared_state.hpp"
#include "hub/server/tls_context.hpp"

namespace xport::hub::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

struct Server::Impl {
  explicit Impl(ServerOptions opts) : state(std::make_shared<SharedState>()) {
    state->options = std::move(opts);
    // Loaded here, not in start(): bad files are reported before anything listens.
    if (state->options.tls) state->tls = make_server_tls_context(*state->options.tls);
    state->sio = std::make_shared<SioCore>(io, state->options.sio);
    state->workers = std::make_shared<asio::thread_pool>(
        state->options.workers == 0 ? 1 : state->options.workers);
    sio_api = std::make_unique<SocketIoServer>(
        std::make_shared<SocketIoServer::Impl>(SocketIoServer::Impl{state->sio}));
  }

  std::shared_ptr<SharedState> state;
  std::unique_ptr<SocketIoServer> sio_api;
  // Declared last: destroyed first, with every handler still queued on it.
  asio::io_context io;
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::uint16_t port = 0;
  bool started = false;
  bool stopped = false;
  std::mutex stop_mutex;
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}

Server::~Server() {
  stop();
}

Router& Server::router() {
  return impl_->state->router;
}
SocketIoServer& Server::sio() {
  return *impl_->sio_api;
}
const ServerOptions& Server::options() const {
  return impl_->state->options;
}
std::uint16_t Server::port() const {
  return impl_->port;
}

void Server::start() {
  if (impl_->started) throw std::logic_error("Server::start called twice");
  const ServerOptions& o = impl_->state->options;
  boost::system::error_code ec;
  auto address = asio::ip::make_address(o.host, ec);
  if (ec) throw std::runtime_error("bad listen address " + o.host + ": " + ec.message());
  tcp::endpoint endpoint(address, o.port);
  tcp::acceptor& acceptor = impl_->acceptor.emplace(impl_->io);
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec)
    throw std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(o.port) + ": " +
                             ec.message());
  impl_->port = acceptor.local_endpoint().port();
  impl_->started = true;
  impl_->work.emplace(impl_->io.get_executor());
  asio::co_spawn(impl_->io, listen(impl_->state, acceptor), asio::detached);
  std::size_t n = o.threads == 0 ? 1 : o.threads;
  for (std::size_t i = 0; i < n; ++i)
    impl_->threads.emplace_back([this] { impl_->io.run(); });
}

void Server::stop() {
  std::lock_guard lock(impl_->stop_mutex);
  if (!impl_->started || impl_->stopped) return;
  impl_->stopped = true;
  asio::post(impl_->io, [this] {
    boost::system::error_code ec;
    if (impl_->acceptor) impl_->acceptor->close(ec);
  });
  // Sessions get their close packet; give them a moment to go out.
  impl_->state->sio->close_all("server shutting down");
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (std::chrono::steady_clock::now() < deadline) {
    {
      std::lock_guard l(impl_->state->sio->mutex);
      if (impl_->state->sio->sessions.empty()) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  impl_->work.reset();
  impl_->io.stop();
  for (std::thread& t : impl_->threads)
    if (t.joinable()) t.join();
  impl_->threads.clear();
  // A blocking handler still running finishes its work; its reply has nowhere to go.
  impl_->state->workers->join();
  impl_->state->sio->release_all();
}

}  // namespace xport::hub::server
