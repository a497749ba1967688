// A throwaway PKI made with the openssl CLI, for tests of TLS clients and servers.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include "support/process.hpp"

namespace xport::test {

// A test CA (ca.pem) and two server certificates signed by it in `dir`: server.pem/key for
// localhost and 127.0.0.1, wrong.pem/key for wrong.example only. Throws when openssl fails.
inline void make_test_pki(const std::filesystem::path& dir) {
  std::string d = quote(dir.string());
  std::string ec = "-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
  std::string script =
      "set -e; cd " + d + "; " + "openssl req -x509 " + ec +
      " -keyout ca.key -out ca.pem -days 2 -subj /CN=xport-test-ca"
      " -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign; "
      "for n in server wrong; do "
      "  openssl req " +
      ec +
      " -keyout $n.key -out $n.csr -subj /CN=$n; "
      "done; "
      "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\n' "
      "> server.ext; "
      "printf 'subjectAltName=DNS:wrong.example\\nextendedKeyUsage=serverAuth\\n' > wrong.ext; "
      "for n in server wrong; do "
      "  openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $n.pem "
      "  -days 2 -extfile $n.ext; "
      "done";
  RunResult r = run(script);
  if (r.exit_code != 0) throw std::runtime_error("openssl failed: " + r.err);
}

}  // namespace xport::test
