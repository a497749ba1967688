// Internal to PgStore: a pool of libpqxx connections. Every store call borrows one for its
// duration, so calls from many threads run side by side on the server, and a long export
// stream holds its own connection without blocking anyone else.
#pragma once

#include <pqxx/connection>

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace xport::hub::pg {

class Pool {
 public:
  // Connects once and migrates the schema (so a bad URL or a newer database fails here).
  Pool(std::string url, std::size_t max_connections);

  // A connection, back in the pool when the lease goes (closed ones are dropped).
  class Lease {
   public:
    Lease(Pool& pool, std::unique_ptr<pqxx::connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Lease();
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    pqxx::connection& operator*() { return *connection_; }

   private:
    Pool& pool_;
    std::unique_ptr<pqxx::connection> connection_;
  };
  // Waits while `max_connections` are lent out.
  Lease acquire();

 private:
  std::unique_ptr<pqxx::connection> connect() const;

  std::string url_;
  std::size_t max_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::size_t lent_ = 0;
  std::vector<std::unique_ptr<pqxx::connection>> idle_;
};

// Brings the schema to the newest version (the schema_version table), all missing
// migrations in one transaction under an advisory lock, so hubs starting at once on one
// database migrate it once.
void migrate(pqxx::connection& connection);
int newest_schema_version();

// The URL without its password, for messages.
std::string redacted(const std::string& url);

}  // namespace xport::hub::pg
