#include "net/tls.hpp"

#include <boost/asio/ssl/context.hpp>

#include "net/errors.hpp"

namespace xport::net {

std::shared_ptr<boost::asio::ssl::context> make_tls_context(const TlsOptions& options) {
  namespace ssl = boost::asio::ssl;
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_client);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  ctx->set_default_verify_paths(ec);
  if (ec) throw NetError("cannot load the system CA certificates: " + ec.message());
  if (!options.ca_file.empty()) {
    ctx->load_verify_file(options.ca_file, ec);
    if (ec) {
      throw NetError("cannot load CA file '" + options.ca_file + "': " + ec.message());
    }
  }
  ctx->set_verify_mode(options.verify ? ssl::verify_peer : ssl::verify_none);
  return ctx;
}

}  // namespace xport::net
