// The server's TLS context (internal): made once from ServerOptions::tls, shared by every
// connection (an ssl::context is safe to share once configured).
#pragma once

#include <memory>

#include "hub/server/server.hpp"

namespace boost::asio::ssl {
class context;
}

namespace xport::hub::server {

// TLS 1.2+, the chain and key of `tls`, no client certificates. Throws as check_tls_files.
std::shared_ptr<boost::asio::ssl::context> make_server_tls_context(const ServerTls& tls);

}  // namespace xport::hub::server
