// Internal to PgStore (pg_store.cpp, pg_assets.cpp): the pool, error translation and the
// shapes of the calls every method makes.
#pragma once

#include <pqxx/except>
#include <pqxx/nontransaction>
#include <pqxx/result>
#include <pqxx/transaction>

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "hub/pg_connection.hpp"
#include "hub/pg_store.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace pg {

// Advisory lock kinds (pg_advisory_xact_lock(kind, hashtext(id))); 1 is migrations.
constexpr int kImportLock = 2;
constexpr int kLogLock = 3;
constexpr int kIssueLock = 4;

inline std::string text(const pqxx::row& r, int i) {
  return r[i].as<std::string>();
}
inline std::int64_t integer(const pqxx::row& r, int i) {
  return r[i].as<std::int64_t>();
}
inline std::optional<std::int64_t> maybe_integer(const pqxx::row& r, int i) {
  if (r[i].is_null()) return std::nullopt;
  return r[i].as<std::int64_t>();
}
// A parameter that is NULL when absent.
inline const char* maybe(const std::optional<std::string>& s) {
  return s ? s->c_str() : nullptr;
}

// Every write that changes what a project exports moves its revision on, in the write's own
// transaction: a generated export is reused only within one revision (export_snapshots).
inline void bump_revision(pqxx::work& t, const std::string& project_id) {
  t.exec_params("UPDATE projects SET revision = revision + 1 WHERE id = $1", project_id);
}

// Runs `fn`, turning constraint failures into the errors the HTTP layer maps (404/409);
// anything else is the environment's fault.
template <typename Fn>
auto guarded(const std::string& what, Fn&& fn) {
  try {
    return fn();
  } catch (const pqxx::foreign_key_violation&) {
    throw NotFound(what + ": a referenced record is missing");
  } catch (const pqxx::unique_violation&) {
    throw Conflict(what + ": already exists");
  } catch (const pqxx::integrity_constraint_violation& e) {
    throw Conflict(what + ": " + e.what());
  } catch (const pqxx::failure& e) {
    throw IoError(what + ": database error: " + e.what());
  }
}

// One statement on a connection of `pool`, committed on its own.
template <typename... Args>
pqxx::result exec(Pool& pool, const std::string& what, const std::string& sql, Args&&... args) {
  return guarded(what, [&] {
    auto connection = pool.acquire();
    pqxx::nontransaction t(*connection);
    return t.exec_params(sql, std::forward<Args>(args)...);
  });
}

}  // namespace pg

struct PgStore::Impl {
  Impl(const std::string& url, std::size_t max_connections) : pool(url, max_connections) {}
  pg::Pool pool;

  // One statement, committed on its own.
  template <typename... Args>
  pqxx::result exec(const std::string& what, const std::string& sql, Args&&... args) {
    return pg::exec(pool, what, sql, std::forward<Args>(args)...);
  }
  template <typename Row, typename... Args>
  std::optional<Row> one(const std::string& sql, Row (*read)(const pqxx::row&), Args&&... args) {
    const pqxx::result r = exec("read", sql, std::forward<Args>(args)...);
    if (r.empty()) return std::nullopt;
    return read(r[0]);
  }
  template <typename Row, typename... Args>
  std::vector<Row> many(const std::string& sql, Row (*read)(const pqxx::row&), Args&&... args) {
    const pqxx::result r = exec("read", sql, std::forward<Args>(args)...);
    std::vector<Row> rows;
    rows.reserve(r.size());
    for (const auto& row : r)
      rows.push_back(read(row));
    return rows;
  }
  // `fn(work)` in one read-write transaction, committed when it returns.
  template <typename Fn>
  auto transaction(const std::string& what, Fn&& fn) {
    return pg::guarded(what, [&] {
      auto connection = pool.acquire();
      pqxx::work t(*connection);
      auto result = fn(t);
      t.commit();
      return result;
    });
  }
};

}  // namespace xport::hub
