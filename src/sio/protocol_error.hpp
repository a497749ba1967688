// The one error type of the Socket.IO / Engine.IO core: every malformed input from the peer
// ends in a ProtocolError whose message says what was wrong, so that a transport can log it
// and drop the link (a malformed packet closes the connection, protocol.md §5).
#pragma once

#include <stdexcept>

namespace xport::sio {

class ProtocolError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace xport::sio
