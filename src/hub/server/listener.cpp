#include "hub/server/listener.hpp"

#include <spdlog/spdlog.h>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>

namespace xport::hub::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

asio::awaitable<void> listen(std::shared_ptr<SharedState> state, tcp::acceptor& acceptor) {
  for (;;) {
    boost::system::error_code ec;
    // Each connection on a strand of its own: the pool's threads never run one connection's
    // handlers concurrently.
    auto accepted = co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
        ec == asio::error::no_memory) {
      // Out of file descriptors (or kernel memory): the pending connection stays in the
      // backlog and accept would fail again at once, a busy loop. Wait a little instead; the
      // connections already open keep being served meanwhile.
      asio::steady_timer pause(acceptor.get_executor(), std::chrono::milliseconds(50));
      co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
      continue;
    }
    if (ec) continue;  // a connection reset before it was accepted: keep serving
    tcp::socket socket(std::move(accepted));
    auto executor = socket.get_executor();
    asio::co_spawn(executor, http_session(state, std::move(socket)), end_of_connection);
  }
}

void end_of_connection(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::warn("hub server: a connection ended on an unexpected error: {}", e.what());
  } catch (...) {
    spdlog::warn("hub server: a connection ended on an unexpected error");
  }
}

}  // namespace xport::hub::server
