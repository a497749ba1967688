#include "test_database.hpp"

#include <pqxx/connection>
#include <pqxx/nontransaction>

#include <unistd.h>
#include <cstdlib>
#include <map>
#include <mutex>
#include <stdexcept>

namespace xport::test {

namespace {

// The server URL with its database name replaced.
std::string with_database(const std::string& url, const std::string& name) {
  const auto scheme = url.find("://");
  const auto slash = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (scheme == std::string::npos || slash == std::string::npos)
    throw std::invalid_argument("XPORT_TEST_DATABASE: expected postgresql://USER@HOST:PORT/DB");
  const auto query = url.find('?', slash);
  return url.substr(0, slash + 1) + name + (query == std::string::npos ? "" : url.substr(query));
}

// The databases this process made, dropped at exit (WITH (FORCE): a hub process a failed
// test left running does not keep its database alive). A crashed test leaks its databases
// until tests/infra/postgres.sh stops the server, which removes the cluster. The one admin
// connection is opened before the registry exists and kept: at exit no new connection is
// made, after libpq's TLS library may have cleaned up.
class Registry {
 public:
  explicit Registry(const std::string& server) : server_(server), admin_(server) {}
  std::string url(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto found = urls_.find(key);
    if (found != urls_.end()) return found->second;
    const std::string name =
        "xport_test_" + std::to_string(::getpid()) + "_" + std::to_string(urls_.size());
    pqxx::nontransaction t(admin_);
    t.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");  // a recycled pid's leftover
    t.exec("CREATE DATABASE " + name);
    names_.push_back(name);
    return urls_[key] = with_database(server_, name);
  }
  ~Registry() {
    try {
      pqxx::nontransaction t(admin_);
      for (const auto& name : names_)
        t.exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } catch (const std::exception&) {
      // The server is gone already: its cluster goes with it.
    }
  }

 private:
  std::mutex mutex_;
  std::string server_;
  pqxx::connection admin_;
  std::map<std::string, std::string> urls_;
  std::vector<std::string> names_;
};

Registry& registry(const std::string& server) {
  static Registry r(server);
  return r;
}

std::string key_of(const std::filesystem::path& data_dir) {
  std::error_code ec;
  auto path = std::filesystem::weakly_canonical(std::filesystem::absolute(data_dir), ec);
  if (ec) path = std::filesystem::absolute(data_dir);
  std::string key = path.lexically_normal().string();
  while (key.size() > 1 && key.back() == '/')
    key.pop_back();
  return key;
}

}  // namespace

std::optional<std::string> test_database_server() {
  const char* url = std::getenv("XPORT_TEST_DATABASE");
  if (!url || !*url) return std::nullopt;
  return std::string(url);
}

std::string fresh_database_url(const std::string& key) {
  auto server = test_database_server();
  if (!server) throw std::logic_error("fresh_database_url: XPORT_TEST_DATABASE is not set");
  return registry(*server).url(key);
}

std::string hub_database(const std::filesystem::path& data_dir) {
  if (!test_database_server()) return "";
  return fresh_database_url(key_of(data_dir));
}

std::vector<std::string> hub_database_args(const std::filesystem::path& data_dir) {
  std::string url = hub_database(data_dir);
  if (url.empty()) return {};
  return {"--database", url};
}

std::vector<std::string> hub_argv(std::vector<std::string> argv) {
  for (std::size_t i = 0; i + 1 < argv.size(); ++i)
    if (argv[i] == "--data-dir") {
      for (auto& a : hub_database_args(argv[i + 1]))
        argv.push_back(std::move(a));
      break;
    }
  return argv;
}

std::string hub_database_option(const std::filesystem::path& data_dir) {
  std::string url = hub_database(data_dir);
  return url.empty() ? "" : " --database '" + url + "'";
}

}  // namespace xport::test
