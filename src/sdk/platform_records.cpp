#include "sdk/platform_records.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include <cmath>

namespace xport::sdk {
namespace json = boost::json;
namespace {

// A text field: strings as they are, numbers as their JSON text (ids sometimes come as
// numbers), anything else (absent, null) as "".
std::string text(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null()) return {};
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_number() || v->is_bool()) return json::serialize(*v);
  return {};
}

// An open-ended field kept as JSON text.
std::string json_text(const json::object& o, std::string_view key, std::string_view fallback) {
  const json::value* v = o.if_contains(key);
  return v && !v->is_null() ? json::serialize(*v) : std::string(fallback);
}

double number(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v) return 0;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  return 0;
}

const json::object* object(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

const json::array* list(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

// A list of ids: strings, or records whose `_id` is the id (batches come both ways).
std::vector<std::string> ids(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  if (const json::array* a = list(o, key))
    for (const auto& v : *a) {
      if (v.is_string()) out.emplace_back(v.get_string());
      if (v.is_object()) out.push_back(text(v.get_object(), "_id"));
    }
  return out;
}

template <class T, class Read>
std::vector<T> each(const json::object& o, std::string_view key, Read read) {
  std::vector<T> out;
  if (const json::array* a = list(o, key))
    for (const auto& v : *a)
      if (v.is_object()) out.push_back(read(v.get_object()));
  return out;
}

}  // namespace

StageHistoryEntry history_entry_from(const json::object& o) {
  return {text(o, "_id"),          text(o, "stageId"),     text(o, "stage"),
          text(o, "completedBy"),  text(o, "completedAt"), std::llround(number(o, "duration")),
          text(o, "reviewStatus"), json::serialize(o)};
}

Project project_from(const json::object& o) {
  Project p{text(o, "_id"),
            text(o, "name"),
            text(o, "type"),
            {},
            {},
            json_text(o, "categorySchema", "{}"),
            json::serialize(o)};
  p.batches = each<Batch>(o, "batches", [](const json::object& b) {
    return Batch{text(b, "_id"), text(b, "name")};
  });
  p.stages = each<Stage>(o, "stages", [](const json::object& s) {
    Position at;
    if (const json::object* pos = object(s, "position"))
      at = {number(*pos, "x"), number(*pos, "y")};
    return Stage{text(s, "id"), text(s, "name"), text(s, "type"), at, text(s, "consensusId")};
  });
  return p;
}

ProjectSummary project_summary_from(const json::object& o) {
  return {text(o, "_id"), text(o, "name"), json::serialize(o)};
}

Asset asset_from(const json::object& o) {
  Asset a{text(o, "_id"),    text(o, "externalId"),          text(o, "data"),
          ids(o, "batches"), json_text(o, "metadata", "{}"), {},
          json::serialize(o)};
  a.labelTasks = each<LabelTask>(o, "labelTasks", [](const json::object& t) {
    return LabelTask{text(t, "_id"), text(t, "stage"), text(t, "stageId"),
                     each<StageHistoryEntry>(t, "stageHistory", history_entry_from)};
  });
  return a;
}

Task task_from(const json::object& o) {
  return {text(o, "_id"),        text(o, "asset"),
          text(o, "externalId"), text(o, "stage"),
          text(o, "stageId"),    text(o, "status"),
          ids(o, "batches"),     each<StageHistoryEntry>(o, "stageHistory", history_entry_from),
          json::serialize(o)};
}

Storage storage_from(const json::object& o) {
  return {text(o, "_id"), text(o, "name"), text(o, "provider"), text(o, "bucket"),
          json::serialize(o)};
}

Issue issue_from(const json::object& o) {
  Issue i;
  i.id = text(o, "_id");
  if (const json::object* asset = object(o, "asset")) i.externalId = text(*asset, "externalId");
  i.labelTask = text(o, "labelTask");
  i.stage = text(o, "stage");
  i.stageId = text(o, "stageId");
  i.status = text(o, "status");
  i.errorType = text(o, "errorType");
  i.errorCode = text(o, "errorCode");
  i.content = text(o, "content");
  i.createdBy = text(o, "createdBy");
  i.createdAt = text(o, "createdAt");
  // The platform writes "[x, y]" as text (plugins parse it); a list is written the same way.
  i.position = text(o, "position");
  if (const json::array* xy = list(o, "position");
      xy && xy->size() == 2 && (*xy)[0].is_number() && (*xy)[1].is_number())
    i.position =
        fmt::format("[{}, {}]", (*xy)[0].to_number<double>(), (*xy)[1].to_number<double>());
  i.objectId = text(o, "objectId");
  i.comments = each<IssueComment>(o, "comments", [](const json::object& c) {
    return IssueComment{text(c, "createdBy"), text(c, "content"), text(c, "createdAt")};
  });
  i.json = json::serialize(o);
  return i;
}

const json::object& object_field(const json::object& data, std::string_view field,
                                 const std::string& endpoint) {
  if (const json::object* o = object(data, field)) return *o;
  throw PlatformError(endpoint, 200, "the reply has no object data." + std::string(field));
}

const json::array& list_field(const json::object& data, std::string_view field,
                              const std::string& endpoint) {
  if (const json::array* a = list(data, field)) return *a;
  throw PlatformError(endpoint, 200, "the reply has no list data." + std::string(field));
}

std::int64_t total_field(const json::object& data, const std::string& endpoint) {
  const json::value* v = data.if_contains("total");
  if (v && (v->is_int64() || v->is_uint64() || v->is_double()))
    return std::llround(number(data, "total"));
  throw PlatformError(endpoint, 200, "the reply has no number data.total");
}

}  // namespace xport::sdk
