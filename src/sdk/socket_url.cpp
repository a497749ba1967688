#include "sdk/socket_url.hpp"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>

#include "xport/errors.hpp"

namespace xport::sdk {

std::string socket_io_url(const std::string& host) {
  auto parsed = boost::urls::parse_absolute_uri(host);
  if (!parsed)
    throw ConfigError("the platform host must be a URL like https://api.ango.ai, got \"" + host +
                      "\"");
  boost::urls::url url = *parsed;
  std::string scheme(url.scheme());
  if (scheme == "https" || scheme == "wss")
    url.set_scheme("wss");
  else if (scheme == "http" || scheme == "ws")
    url.set_scheme("ws");
  else
    throw ConfigError("the platform host must use http or https, got \"" + host + "\"");
  std::string path(url.path());
  while (!path.empty() && path.back() == '/')
    path.pop_back();
  url.set_path(path + "/socket.io/");
  url.set_query("EIO=4&transport=websocket");
  url.remove_fragment();
  return std::string(url.buffer());
}

}  // namespace xport::sdk
