#include "hub/server/listener.hpp"

#include <spdlog/spdlog.h>

#include "net/accept_loop.hpp"

namespace xport::hub::server {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

asio::awaitable<void> listen(std::shared_ptr<SharedState> state, tcp::acceptor& acceptor) {
  net::AcceptOptions options;  // no bound on connections (as before net::accept_loop)
  options.log_error = [](std::string_view why) { spdlog::warn("hub server: {}", why); };
  // A named handler, not a temporary in the co_await expression: GCC 12 destroys such
  // temporaries (and the shared_ptr they captured) twice.
  net::ConnectionHandler session = [state](tcp::socket socket) {
    // No Nagle: the hub's writes are small and latency-bound (Socket.IO frames, polling
    // answers), and a second small write waiting for the ACK of the first meets the peer's
    // delayed ACK: 40 ms of nothing (a dispatch to 100 plugins had its p99 at 39 ms).
    boost::system::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    return http_session(state, std::move(socket));
  };
  co_await net::accept_loop(acceptor, std::move(session), std::move(options));
}

void end_of_connection(std::exception_ptr error) {
  if (error) spdlog::warn("hub server: {}", net::connection_error_text(error));
}

}  // namespace xport::hub::server
