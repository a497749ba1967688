#include "hub/server/tls_context.hpp"

#include <openssl/ssl.h>

#include <boost/asio/ssl/context.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "xport/errors.hpp"

namespace xport::hub::server {

namespace ssl = boost::asio::ssl;

namespace {

// OpenSSL reports a missing file as an opaque "system lib" error: check readability first,
// so that the message says what the operating system said (an IoError, not a config one).
void require_readable(const std::filesystem::path& file, const char* what) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw IoError("cannot read TLS " + std::string(what) + " file '" + file.string() +
                  "': " + std::strerror(errno));
  }
}

}  // namespace

std::shared_ptr<ssl::context> make_server_tls_context(const ServerTls& tls) {
  require_readable(tls.cert_file, "certificate");
  require_readable(tls.key_file, "key");
  auto ctx = std::make_shared<ssl::context>(ssl::context::tls_server);
  ctx->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                   ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 |
                   ssl::context::single_dh_use);
  // Belt and braces with the no_* options above: the floor stays TLS 1.2 whatever the
  // system's OpenSSL configuration allows.
  SSL_CTX_set_min_proto_version(ctx->native_handle(), TLS1_2_VERSION);
  // An encrypted key would make OpenSSL prompt on the terminal: answer with no passphrase,
  // so that it fails with a message instead of hanging a service.
  ctx->set_password_callback(
      [](std::size_t, ssl::context::password_purpose) { return std::string(); });
  boost::system::error_code ec;
  ctx->use_certificate_chain_file(tls.cert_file.string(), ec);
  if (ec) {
    throw ConfigError("TLS certificate file '" + tls.cert_file.string() +
                      "' is not a usable PEM certificate chain: " + ec.message());
  }
  ctx->use_private_key_file(tls.key_file.string(), ssl::context::pem, ec);
  if (ec) {
    throw ConfigError("TLS key file '" + tls.key_file.string() +
                      "' is not a usable PEM private key (unencrypted, matching '" +
                      tls.cert_file.string() + "'): " + ec.message());
  }
  return ctx;
}

void check_tls_files(const ServerTls& tls) {
  make_server_tls_context(tls);
}

}  // namespace xport::hub::server
