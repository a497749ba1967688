// What both stores' schemas share: an append-only list of numbered migrations per backend
// (sqlite_schema.cpp, pg_schema.cpp), and one rule for a database a newer hub wrote.
#pragma once

#include <string>

#include "xport/errors.hpp"

namespace xport::hub {

struct Migration {
  int version;      // 1, 2, ...: the schema version once this migration is applied
  const char* sql;  // never edit a released migration: add a new one
};

// Migration i (0-based) must bring the schema to version i + 1: checked at compile time.
template <typename List>
constexpr bool numbered_from_one(const List& migrations) {
  int expected = 1;
  for (const Migration& m : migrations)
    if (m.version != expected++) return false;
  return true;
}

// A newer hub wrote this database: refusing is safer than guessing what its tables mean.
inline void refuse_newer_schema(int current, int newest) {
  if (current > newest)
    throw IoError("database schema version " + std::to_string(current) +
                  " is newer than this hub understands (" + std::to_string(newest) + ")");
}

}  // namespace xport::hub
