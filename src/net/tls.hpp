// TLS settings shared by the HTTP and WebSocket clients.
#pragma once

#include <memory>
#include <string>

namespace boost::asio::ssl {
class context;
}

namespace xport::net {

struct TlsOptions {
  // Extra CA certificates (PEM file) trusted besides the system store; empty: system only.
  std::string ca_file{};
  // false disables certificate and host name checks (testing only).
  bool verify = true;
};

// A TLS client context: TLS 1.2+, peer verification against the system store
// (set_default_verify_paths) plus options.ca_file. Host name verification and SNI are set per
// connection by the clients. Throws NetError when ca_file cannot be loaded. The context is
// immutable once made and may be shared by any number of connections and threads.
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const TlsOptions& options);

}  // namespace xport::net
