// Options shared by the commands that run a hub (`xport hub`, `xport demo`).
#pragma once

#include <signal.h>

#include <cstdint>
#include <string>
#include <utility>

namespace xport::cli {

// The web UI's directory: the source tree's web/ (XPORT_WEB_DIR) in a build tree, else the
// installed share/xport/web beside the binary's bin/; "" when neither exists.
std::string default_web_dir();

// "HOST:PORT", "[IPV6]:PORT" or ":PORT" (all interfaces). Throws ConfigError.
std::pair<std::string, std::uint16_t> parse_listen(const std::string& text);

// Blocks SIGINT and SIGTERM in this thread and every thread started after it (call it before
// any): the command takes them with sigwait / sigtimedwait on the returned set.
sigset_t block_stop_signals();

}  // namespace xport::cli
