#include "hub/pg_connection.hpp"

#include <poll.h>

#include <pqxx/except>

#include <utility>

#include "xport/errors.hpp"

namespace xport::hub::pg {

Pool::Pool(std::string url, std::size_t max_connections)
    : url_(std::move(url)), max_(max_connections < 1 ? 1 : max_connections) {
  auto first = connect();
  migrate(*first);
  idle_.push_back(std::move(first));
}

std::unique_ptr<pqxx::connection> Pool::connect() const {
  try {
    return std::make_unique<pqxx::connection>(url_);
  } catch (const pqxx::broken_connection& e) {
    throw IoError("cannot connect to database " + redacted(url_) + ": " + e.what());
  }
}

namespace {

// Whether an idle connection may still be used. libpq learns that the server went away only
// when it next talks to it, so after a database restart every idle connection would fail
// its next statement once ("server closed the connection unexpectedly"). An idle
// connection has nothing to read unless the server closed it (end of file) or said why it
// is closing it: a readable socket means it is done.
bool still_open(const pqxx::connection& connection) {
  if (!connection.is_open()) return false;
  pollfd p{connection.sock(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 0;
}

}  // namespace

Pool::Lease Pool::acquire() {
  std::vector<std::unique_ptr<pqxx::connection>> dead;  // closed outside the lock
  {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [&] { return lent_ < max_; });
    ++lent_;
    while (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      if (still_open(*connection)) return Lease(*this, std::move(connection));
      dead.push_back(std::move(connection));
    }
  }
  try {
    // Outside the lock: connecting takes a round trip or more.
    return Lease(*this, connect());
  } catch (...) {
    std::lock_guard lock(mutex_);
    --lent_;
    returned_.notify_one();
    throw;
  }
}

Pool::Lease::~Lease() {
  std::lock_guard lock(pool_.mutex_);
  --pool_.lent_;
  // A connection the server or the network dropped is not worth keeping.
  if (connection_ && connection_->is_open()) pool_.idle_.push_back(std::move(connection_));
  pool_.returned_.notify_one();
}

std::string redacted(const std::string& url) {
  const auto scheme = url.find("://");
  const auto at = url.find('@');
  if (scheme == std::string::npos || at == std::string::npos) return url;
  const auto colon = url.find(':', scheme + 3);
  if (colon == std::string::npos || colon > at) return url;
  return url.substr(0, colon) + ":***" + url.substr(at);
}

}  // namespace xport::hub::pg
