// The one exception type of the networking layer.
#pragma once

#include <string>

#include "xport/errors.hpp"

namespace xport::net {

// A network operation failed: bad URL, DNS, connect, TLS, timeout, protocol error, or (for
// download/upload) a non-2xx reply. The message names the method, the URL (without its query,
// which may carry secrets) and the cause. An IoError, so the CLI maps it to exit code 3.
class NetError : public IoError {
 public:
  using IoError::IoError;
};

}  // namespace xport::net
