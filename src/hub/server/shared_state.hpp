// What every connection of a Server shares (internal): the options, the routes, the
// Socket.IO core and, with TLS, the context.
#pragma once

#include <boost/asio/thread_pool.hpp>
#include <memory>

#include "hub/server/router.hpp"
#include "hub/server/server.hpp"
#include "hub/server/sio_core.hpp"

namespace boost::asio::ssl {
class context;
}

namespace xport::hub::server {

struct SharedState {
  ServerOptions options;
  Router router;
  std::shared_ptr<SioCore> sio;
  // Set iff options.tls: every connection is then TLS.
  std::shared_ptr<boost::asio::ssl::context> tls;
  // Runs RouteOptions::blocking handlers (created by the Server, joined by its stop()).
  std::shared_ptr<boost::asio::thread_pool> workers;
};

}  // namespace xport::hub::server
