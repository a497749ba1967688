// Standard base64 (RFC 4648 §4, with '=' padding), as Engine.IO's polling transport carries
// binary packets ("b<base64>"). Decoding is strict: no whitespace, no URL-safe alphabet, no
// missing padding, no non-zero bits in the last symbol (Node's encoder never writes any of
// these, and accepting them would let two texts mean the same bytes).
#pragma once

#include <string>
#include <string_view>

namespace xport::sio {

std::string base64_encode(std::string_view bytes);

// Throws ProtocolError on any deviation from the canonical encoding.
std::string base64_decode(std::string_view text);

}  // namespace xport::sio
