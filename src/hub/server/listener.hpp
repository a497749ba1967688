// Accepts TCP connections and starts an http_session for each (internal).
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <exception>
#include <memory>

#include "hub/server/shared_state.hpp"

namespace xport::hub::server {

boost::asio::awaitable<void> listen(std::shared_ptr<SharedState> state,
                                    boost::asio::ip::tcp::acceptor& acceptor);

// One connection, from its first request to its end (http_session.cpp).
boost::asio::awaitable<void> http_session(std::shared_ptr<SharedState> state,
                                          boost::asio::ip::tcp::socket socket);

// The completion of every connection's coroutine (co_spawn's token instead of detached):
// whatever a connection's code throws ends that connection only and is logged. With
// asio::detached the exception would be rethrown on a network thread and end the process.
void end_of_connection(std::exception_ptr error);

}  // namespace xport::hub::server
