// Internal to SqliteStore: a connection with its prepared-statement cache, and the pool
// of them (one writer behind a mutex, readers borrowed one per read).
#pragma once

#include <SQLiteCpp/Database.h>
#include <SQLiteCpp/Statement.h>

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace xport::hub::sqlite {

class Connection {
 public:
  Connection(const std::filesystem::path& file, bool writer, int busy_timeout_ms);
  SQLite::Database& db() { return db_; }
  // A compiled statement for `sql`, reset and with no bindings. Compiled on first use.
  SQLite::Statement& prepare(const std::string& sql);

 private:
  SQLite::Database db_;
  std::map<std::string, std::unique_ptr<SQLite::Statement>> cache_;
};

// Resets a borrowed statement when the caller is done, so that it does not hold a read
// snapshot open (which would stop WAL checkpoints) and its bindings are released.
class StatementUse {
 public:
  explicit StatementUse(SQLite::Statement& statement) : statement_(statement) {}
  ~StatementUse() { statement_.tryReset(); }
  StatementUse(const StatementUse&) = delete;
  StatementUse& operator=(const StatementUse&) = delete;
  SQLite::Statement& operator*() { return statement_; }
  SQLite::Statement* operator->() { return &statement_; }

 private:
  SQLite::Statement& statement_;
};

class Pool {
 public:
  Pool(std::filesystem::path file, int busy_timeout_ms);

  // The writer, held for the lifetime of the returned lock.
  struct Writer {
    std::unique_lock<std::mutex> lock;
    Connection& connection;
  };
  Writer writer();

  // A reader connection, returned to the pool when the handle goes.
  class Reader {
   public:
    Reader(Pool& pool, std::unique_ptr<Connection> connection)
        : pool_(pool), connection_(std::move(connection)) {}
    ~Reader();
    Reader(const Reader&) = delete;
    Reader& operator=(const Reader&) = delete;
    Connection& operator*() { return *connection_; }
    Connection* operator->() { return connection_.get(); }

   private:
    Pool& pool_;
    std::unique_ptr<Connection> connection_;
  };
  Reader reader();

 private:
  std::filesystem::path file_;
  int busy_timeout_ms_;
  std::mutex writer_mutex_;
  std::unique_ptr<Connection> writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Connection>> idle_readers_;  // kept up to a few
};

// Brings the schema to the newest version (PRAGMA user_version counts applied
// migrations). Each migration runs in its own transaction.
void migrate(SQLite::Database& db);
int newest_schema_version();

}  // namespace xport::hub::sqlite
