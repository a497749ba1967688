// The database a test's hub or store uses. By default none (SQLite in the data dir); with
// XPORT_TEST_DATABASE=postgresql://USER@HOST:PORT/DB (the pg-labelled CTest copies, on the
// server tests/infra/postgres.sh starts) every data dir gets a fresh, empty PostgreSQL
// database of its own on that server: the same data dir, the same database (a hub restarted
// on its data dir finds its records, `xport hub import` beside a running hub shares them).
// The databases are dropped when the test process exits.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace xport::test {

// XPORT_TEST_DATABASE, when set and not empty.
std::optional<std::string> test_database_server();

// The URL of this process's database for `key`, created empty on first use (needs
// test_database_server()).
std::string fresh_database_url(const std::string& key);

// What a hub on `data_dir` is given as its database: "" (SQLite) unless XPORT_TEST_DATABASE
// is set, then fresh_database_url of the data dir.
std::string hub_database(const std::filesystem::path& data_dir);

// The same as `xport hub` arguments: {"--database", URL}, or nothing.
std::vector<std::string> hub_database_args(const std::filesystem::path& data_dir);
// An `xport hub` / `xport demo` command line with hub_database_args of its --data-dir added.
std::vector<std::string> hub_argv(std::vector<std::string> argv);
// The same as text to append to a shell command line (" --database 'URL'"), or "".
std::string hub_database_option(const std::filesystem::path& data_dir);

}  // namespace xport::test
