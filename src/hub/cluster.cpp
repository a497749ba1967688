#include "hub/cluster.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "hub/credentials.hpp"
#include "hub/key_file.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

std::string load_or_create_hub_id(const std::string& data_dir) {
  const std::filesystem::path path = std::filesystem::path(data_dir) / "hub-id";
  if (std::ifstream in{path}) {
    std::ostringstream text;
    text << in.rdbuf();
    std::string id = text.str();
    while (!id.empty() && (id.back() == '\n' || id.back() == '\r'))
      id.pop_back();
    if (id.empty() || id.size() > 64)
      throw IoError(path.string() + ": not a hub id (1 to 64 characters expected)");
    return id;
  }
  const std::string id = "hub-" + new_id().substr(0, 12);
  write_private_file(path, id + "\n");
  return id;
}

}  // namespace xport::hub
