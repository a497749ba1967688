// Internal (Beast in a header: include only from the clients' .cpp files): per-connection TLS
// setup (SNI, host name verification) and readable handshake errors.
#pragma once

#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/error.hpp>

#include <string>

#include "net/errors.hpp"
#include "net/tls.hpp"

namespace xport::net::detail {

// Before the handshake: SNI (only for names: RFC 6066 forbids IP literals) and checking that
// the certificate names `host`, a DNS name or an IP address. Done with OpenSSL's own
// verification parameters (what ssl::host_name_verification checks, X509_check_host/_ip), so
// that a mismatch is reported as "Hostname mismatch" / "IP address mismatch" rather than an
// unspecified verification error.
template <class SslStream>
void prepare_tls(SslStream& stream, const std::string& host, const TlsOptions& options) {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  const bool is_ip = !ec;
  SSL* ssl = stream.native_handle();
  if (!is_ip && !SSL_set_tlsext_host_name(ssl, host.c_str())) {
    throw NetError("cannot set TLS server name '" + host + "'");
  }
  if (!options.verify) {
    stream.set_verify_mode(boost::asio::ssl::verify_none);
    return;
  }
  stream.set_verify_mode(boost::asio::ssl::verify_peer);
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  int ok = is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, host.c_str())
                 : X509_VERIFY_PARAM_set1_host(param, host.c_str(), host.size());
  if (ok != 1) throw NetError("cannot set TLS host name check for '" + host + "'");
}

// "TLS handshake with HOST:PORT failed: certificate verify failed: unable to get local issuer
// certificate; pass the server's CA with --ca-file": the X509 reason for verification failures,
// OpenSSL's reason otherwise.
template <class SslStream>
std::string tls_handshake_error(SslStream& stream, const std::string& authority,
                                const boost::beast::error_code& ec) {
  std::string msg = "TLS handshake with " + authority + " failed: ";
  long verify = SSL_get_verify_result(stream.native_handle());
  if (verify == X509_V_OK) {
    msg += ec.message();
  } else {
    msg += std::string("certificate verify failed: ") + X509_verify_cert_error_string(verify);
    if (verify == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY ||
        verify == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN ||
        verify == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT) {
      msg += "; pass the server's CA with --ca-file";
    }
  }
  return msg;
}

}  // namespace xport::net::detail
