#include "net/accept_loop.hpp"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>

namespace xport::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

// Counts a connection for as long as its coroutine lives.
struct Counted {
  std::shared_ptr<std::atomic<std::size_t>> loop_count;
  explicit Counted(std::shared_ptr<std::atomic<std::size_t>> count) : loop_count(std::move(count)) {
    ++*loop_count;
  }
  Counted(const Counted&) = delete;
  Counted& operator=(const Counted&) = delete;
  ~Counted() { --*loop_count; }
};

asio::awaitable<void> counted(ConnectionHandler handler, tcp::socket socket,
                              std::shared_ptr<Counted> count) {
  (void)count;  // held until the connection ends
  co_await handler(std::move(socket));
}

asio::awaitable<void> pause(tcp::acceptor& acceptor, std::chrono::milliseconds how_long) {
  boost::system::error_code ec;
  asio::steady_timer timer(acceptor.get_executor(), how_long);
  co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace

std::string connection_error_text(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return std::string("a connection ended on an unexpected error: ") + e.what();
  } catch (...) {
    return "a connection ended on an unexpected error";
  }
}

asio::awaitable<void> accept_loop(tcp::acceptor& acceptor, ConnectionHandler handler,
                                  AcceptOptions options) {
  auto active = options.open ? options.open : std::make_shared<std::atomic<std::size_t>>(0);
  auto log_error = options.log_error;
  // The completion of every connection's coroutine (instead of asio::detached, which would
  // rethrow on a network thread and end the process): the connection ends, it is logged.
  auto ended = [log_error](std::exception_ptr error) {
    if (error && log_error) log_error(connection_error_text(error));
  };
  for (;;) {
    if (options.max_connections > 0 && *active >= options.max_connections) {
      co_await pause(acceptor, options.backoff);
      if (!acceptor.is_open()) co_return;
      continue;
    }
    boost::system::error_code ec;
    // Each connection on a strand of its own: a pool's threads never run one connection's
    // handlers concurrently.
    auto accepted = co_await acceptor.async_accept(asio::make_strand(acceptor.get_executor()),
                                                   asio::redirect_error(asio::use_awaitable, ec));
    if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
    if (ec == asio::error::no_descriptors || ec == asio::error::no_buffer_space ||
        ec == asio::error::no_memory) {
      // Out of file descriptors (or kernel memory): the pending connection stays in the
      // backlog and accept would fail again at once, a busy loop. Wait a little instead; the
      // connections already open keep being served meanwhile.
      co_await pause(acceptor, options.backoff);
      continue;
    }
    if (ec) continue;  // a connection reset before it was accepted: keep serving
    tcp::socket socket(std::move(accepted));
    auto executor = socket.get_executor();
    asio::co_spawn(executor, counted(handler, std::move(socket), std::make_shared<Counted>(active)),
                   ended);
  }
}

}  // namespace xport::net
