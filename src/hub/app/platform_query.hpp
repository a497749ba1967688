// The query values the platform's SDKs send, as they really send them (protocol.md §6):
// stage and batch filters as JSON lists or JSON strings (or bare text), naming ids or names;
// switches spelled several ways; upload URLs passed unencoded inside another query.
// Whatever the hub cannot serve is a 400 naming the parameter and what was expected.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hub/server/http_types.hpp"
#include "hub/store.hpp"

namespace xport::hub::detail {

// The values of a list parameter: `["a","b"]`, `"a"`, or `a`; none when absent or empty.
// 400 for JSON that is neither a string nor a list of strings.
std::vector<std::string> list_param(const server::Request& req, std::string_view name);

// Adds the stages `values` name (ids or names) to `filter`; 400 naming an unknown one and
// the project's stages.
void add_stage_filter(const Project& project, const std::vector<std::string>& values,
                      AssetFilter& filter);
// The names of the batches `values` name (ids or names); 400 naming an unknown one.
std::vector<std::string> batch_names(const Project& project,
                                     const std::vector<std::string>& values);
// Batch names (as assets carry them) as ids, for the /v2 answers; unknown names stay names.
std::vector<std::string> batch_ids(const Project& project, const std::vector<std::string>& names);

// "true", "True", "1" (the SDKs write Python's and JSON's spellings); nullopt when absent.
std::optional<bool> bool_param(const server::Request& req, std::string_view name);

// The raw value of `name` in the query, running on to the next `&<one of stop>=` or the end:
// the SDKs put an upload URL unencoded into `name=`, and its own `?a=..&b=..` spills into the
// outer query. Percent-decoded; nullopt when absent.
std::optional<std::string> spilled_param(const server::Request& req, std::string_view name,
                                         const std::vector<std::string>& stop);

// page (1-based) and limit of a listing; 400 outside 1.. and 1..max_limit.
struct Page {
  std::int64_t page = 1;
  std::int64_t limit = 10;
  std::int64_t offset() const { return (page - 1) * limit; }
};
Page page_params(const server::Request& req, std::int64_t default_limit, std::int64_t max_limit);

}  // namespace xport::hub::detail
