#include "hub_options.hpp"

#include <filesystem>
#include <stdexcept>

#include "xport/errors.hpp"

namespace xport::cli {

sigset_t block_stop_signals() {
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  return signals;
}

std::string default_web_dir() {
  std::error_code ec;
#ifdef XPORT_WEB_DIR
  if (std::filesystem::is_directory(XPORT_WEB_DIR, ec)) return XPORT_WEB_DIR;
#endif
  auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    auto installed = exe.parent_path().parent_path() / "share" / "xport" / "web";
    if (std::filesystem::is_directory(installed, ec)) return installed.string();
  }
  return {};
}

std::pair<std::string, std::uint16_t> parse_listen(const std::string& text) {
  std::string host;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    auto close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':')
      throw ConfigError("--listen must be HOST:PORT, got \"" + text + "\"");
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    auto colon = text.rfind(':');
    if (colon == std::string::npos)
      throw ConfigError("--listen must be HOST:PORT, got \"" + text + "\"");
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) host = "0.0.0.0";
  unsigned long value = 0;
  try {
    std::size_t used = 0;
    value = std::stoul(port, &used);
    if (used != port.size() || value > 65535) throw std::out_of_range("port");
  } catch (const std::exception&) {
    throw ConfigError("--listen: \"" + port + "\" is not a port number");
  }
  return {host, static_cast<std::uint16_t>(value)};
}

}  // namespace xport::cli
