// What every connection of a Server shares (internal): the options, the routes, and the
// Socket.IO core.
#pragma once

#include <memory>

#include "hub/server/router.hpp"
#include "hub/server/server.hpp"
#include "hub/server/sio_core.hpp"

namespace xport::hub::server {

struct SharedState {
  ServerOptions options;
  Router router;
  std::shared_ptr<SioCore> sio;
};

}  // namespace xport::hub::server
