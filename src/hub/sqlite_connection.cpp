#include "hub/sqlite_connection.hpp"

#include <SQLiteCpp/Transaction.h>

#include <utility>

namespace xport::hub::sqlite {

namespace {
constexpr std::size_t kMaxIdleReaders = 4;

int open_flags(bool writer) {
  return writer ? SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE | SQLite::OPEN_NOMUTEX
                : SQLite::OPEN_READONLY | SQLite::OPEN_NOMUTEX;
}
}  // namespace

Connection::Connection(const std::filesystem::path& file, bool writer, int busy_timeout_ms)
    : db_(file.string(), open_flags(writer), busy_timeout_ms) {
  // Per connection: foreign keys are off by default in SQLite.
  db_.exec("PRAGMA foreign_keys = ON");
  if (writer) {
    // A new database's pages are 32 KiB (an existing one keeps its size): asset rows are a few
    // KB of JSON each, which 4 KiB pages split into overflow chains. Measured on 100k assets
    // of 3.4 KB: the import's inserts take half the time and the file is 25% smaller; small
    // writes (a log line) cost a few 32 KiB WAL frames instead of 4 KiB ones.
    db_.exec("PRAGMA page_size = 32768");
    // journal_mode is stored in the file; setting it on the writer is enough.
    db_.exec("PRAGMA journal_mode = WAL");
    db_.exec("PRAGMA synchronous = NORMAL");
  }
}

SQLite::Statement& Connection::prepare(const std::string& sql) {
  auto& slot = cache_[sql];
  if (!slot) {
    slot = std::make_unique<SQLite::Statement>(db_, sql);
  } else {
    slot->tryReset();
    slot->clearBindings();
  }
  return *slot;
}

Pool::Pool(std::filesystem::path file, int busy_timeout_ms)
    : file_(std::move(file)), busy_timeout_ms_(busy_timeout_ms) {
  writer_ = std::make_unique<Connection>(file_, true, busy_timeout_ms_);
  migrate(writer_->db());
}

Pool::Writer Pool::writer() {
  return Writer{std::unique_lock(writer_mutex_), *writer_};
}

Pool::Reader Pool::reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return Reader(*this, std::move(connection));
    }
  }
  return Reader(*this, std::make_unique<Connection>(file_, false, busy_timeout_ms_));
}

Pool::Reader::~Reader() {
  if (!connection_) return;
  std::lock_guard lock(pool_.readers_mutex_);
  if (pool_.idle_readers_.size() < kMaxIdleReaders) {
    pool_.idle_readers_.push_back(std::move(connection_));
  }
}

}  // namespace xport::hub::sqlite
