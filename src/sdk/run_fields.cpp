#include "sdk/run_fields.hpp"

#include <fmt/format.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "xport/format.hpp"

namespace xport::sdk {
namespace {

void note(std::string& problems, std::string_view key, std::string_view why) {
  if (!problems.empty()) problems += "; ";
  problems += fmt::format("\"{}\" {}", key, why);
}

// An id: a string, or a number written as text (some deployments send numeric ids).
std::string id_field(const boost::json::object& data, std::string_view key, std::string& problems) {
  auto it = data.find(key);
  if (it == data.end() || it->value().is_null()) return {};
  const auto& v = it->value();
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64() || v.is_uint64()) return boost::json::serialize(v);
  note(problems, key, "must be a string");
  return {};
}

}  // namespace

RunFields RunFields::from(const boost::json::object& data) {
  RunFields r;
  r.project_id = id_field(data, "projectId", r.problems);
  r.api_key = id_field(data, "apiKey", r.problems);
  r.org_id = id_field(data, "orgId", r.problems);
  r.run_by = id_field(data, "runBy", r.problems);
  r.session = id_field(data, "session", r.problems);
  if (r.project_id.empty()) note(r.problems, "projectId", "is missing");

  if (auto it = data.find("configJSON"); it != data.end() && !it->value().is_null()) {
    if (it->value().is_string())
      r.config_json = std::string(it->value().get_string());
    else if (it->value().is_object())  // tolerated: a platform that sends the object itself
      r.config_json = boost::json::serialize(it->value());
    else
      note(r.problems, "configJSON", "must be a string holding JSON");
  }
  // The platform sends a list of stage ids ([] = no filter); a single name is tolerated.
  // Kept as the text /v2/export takes: the name, or the list as JSON.
  if (auto it = data.find("stage"); it != data.end() && !it->value().is_null()) {
    if (it->value().is_string()) {
      r.stage = std::string(it->value().get_string());
    } else if (it->value().is_array()) {
      bool strings = true;
      for (const auto& s : it->value().get_array())
        strings = strings && s.is_string();
      if (!strings)
        note(r.problems, "stage", "must be a list of stage ids");
      else if (!it->value().get_array().empty())
        r.stage = boost::json::serialize(it->value());
    } else {
      note(r.problems, "stage", "must be a stage id or a list of stage ids");
    }
  }
  if (auto it = data.find("batches"); it != data.end() && !it->value().is_null()) {
    if (it->value().is_array()) {
      for (const auto& b : it->value().get_array()) {
        if (b.is_string())
          r.batches.emplace_back(b.get_string());
        else if (!b.is_null())
          note(r.problems, "batches", "must hold strings");
      }
    } else {
      note(r.problems, "batches", "must be a list");
    }
  }
  if (auto it = data.find("includeKeyFramesOnly"); it != data.end() && it->value().is_bool())
    r.key_frames_only = it->value().get_bool();
  return r;
}

boost::json::object parse_run_config(const std::string& text) {
  return parse_config(text);
}

}  // namespace xport::sdk
