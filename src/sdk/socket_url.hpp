// The WebSocket URL of a platform host: https://h → wss://h/socket.io/?EIO=4&transport=websocket
// (the path the platform's Python SDK uses, under any path prefix the host carries).
#pragma once

#include <string>

namespace xport::sdk {

// Throws xport::ConfigError when `host` is not an http(s)/ws(s) URL.
std::string socket_io_url(const std::string& host);

}  // namespace xport::sdk
