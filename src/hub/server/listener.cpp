#include "hub/server/listener.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>

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
    if (ec) continue;  // e.g. too many open files: keep serving the others
    tcp::socket socket(std::move(accepted));
    auto executor = socket.get_executor();
    asio::co_spawn(executor, http_session(state, std::move(socket)), asio::detached);
  }
}

}  // namespace xport::hub::server
