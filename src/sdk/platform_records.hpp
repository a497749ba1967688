// The platform's JSON records read into xport/platform.hpp's structs. Reading is tolerant
// the way the Python plugins are (an absent field is empty, an id may come as a number), but
// a reply without the list or record it must carry is a PlatformError naming the field.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <string>
#include <string_view>

#include "xport/platform.hpp"

namespace xport::sdk {

Project project_from(const boost::json::object& o);
ProjectSummary project_summary_from(const boost::json::object& o);
Asset asset_from(const boost::json::object& o);
Task task_from(const boost::json::object& o);
StageHistoryEntry history_entry_from(const boost::json::object& o);
Storage storage_from(const boost::json::object& o);
Issue issue_from(const boost::json::object& o);

// data.<field> as an object / a list; else PlatformError(endpoint, 200, "... no data.<field>").
const boost::json::object& object_field(const boost::json::object& data, std::string_view field,
                                        const std::string& endpoint);
const boost::json::array& list_field(const boost::json::object& data, std::string_view field,
                                     const std::string& endpoint);
// data.total (a count); PlatformError when absent.
std::int64_t total_field(const boost::json::object& data, const std::string& endpoint);

// Reads each object of `list` with `read` (entries that are not objects are an error).
template <class T, class Read>
std::vector<T> read_list(const boost::json::array& list, Read read, std::string_view what,
                         const std::string& endpoint) {
  std::vector<T> out;
  out.reserve(list.size());
  for (const auto& v : list) {
    if (!v.is_object())
      throw PlatformError(endpoint, 200,
                          std::string(what) + " holds an entry that is not an object");
    out.push_back(read(v.get_object()));
  }
  return out;
}

}  // namespace xport::sdk
