// The bound on the read buffer of every HTTP/1.1 parser in xport (the hub's server, the SDK's
// REST connector, the HTTP client).
//
// Why below 64 KiB: Beast's fields container stores a field's length in 16 bits and *throws*
// std::length_error for a field of 65,534 bytes or more. Inside an asynchronous read that
// exception escapes from the io_context's handler, not into the awaiting coroutine, so no
// try/catch around the read can stop it ending the process. The header is bounded by the
// parser's header_limit, but a chunked body's trailer is not bounded at all: the parser
// waits until the whole trailer section is in the buffer. A buffer that cannot hold 64 KiB
// turns such a trailer into http::error::buffer_overflow, an ordinary error. It also bounds
// the memory a trailer that never ends can take.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace xport::net {

inline constexpr std::size_t kHttpReadBufferLimit = 63 * 1024;

// A header limit that stays within the read buffer (see above).
inline std::uint32_t bounded_header_limit(std::size_t wanted) {
  return static_cast<std::uint32_t>(std::min(wanted, kHttpReadBufferLimit - 1024));
}

}  // namespace xport::net
