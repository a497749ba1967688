// Options shared by the commands that run a hub (`xport hub`, `xport demo`).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>

#include "hub/app/hub_app.hpp"
#include "hub/domain.hpp"

namespace xport::cli {

// The web UI's directory: the source tree's web/ (XPORT_WEB_DIR) in a build tree, else the
// installed share/xport/web beside the binary's bin/; "" when neither exists.
std::string default_web_dir();

// "HOST:PORT", "[IPV6]:PORT" or ":PORT" (all interfaces). Throws ConfigError.
std::pair<std::string, std::uint16_t> parse_listen(const std::string& text);

// The domain's hooks (a notification stored, a run changed) push to the web UI through the
// HubApp, which can only be built after the HubCore the hooks are given to. The hooks
// forward to the app once attach()ed and do nothing before.
class LivePush {
 public:
  hub::DomainOptions domain_options() const;
  void attach(hub::HubApp& app) { app_->store(&app); }

 private:
  std::shared_ptr<std::atomic<hub::HubApp*>> app_ =
      std::make_shared<std::atomic<hub::HubApp*>>(nullptr);
};

}  // namespace xport::cli
