#include "hub/app/platform_query.hpp"

#include <fmt/format.h>

#include <boost/json.hpp>
#include <charconv>

#include "hub/project_meta.hpp"
#include "hub/server/router.hpp"

namespace xport::hub::detail {

namespace json = boost::json;
using server::HttpError;
using server::Request;

std::vector<std::string> list_param(const Request& req, std::string_view name) {
  std::vector<std::string> out;
  auto v = req.query_param(name);
  if (!v || v->empty()) return out;
  boost::system::error_code ec;
  json::value parsed = json::parse(*v, ec);
  if (ec) {  // bare text: one value
    out.push_back(*v);
    return out;
  }
  if (parsed.is_string()) {
    out.emplace_back(parsed.get_string());
  } else if (parsed.is_array()) {
    for (const json::value& e : parsed.get_array()) {
      if (!e.is_string())
        throw HttpError(400, fmt::format("query parameter \"{}\" must be a JSON list of strings, "
                                         "not {}",
                                         name, *v));
      out.emplace_back(e.get_string());
    }
  } else if (parsed.is_null()) {
    // `None`/`null`: no filter
  } else {
    throw HttpError(400, fmt::format("query parameter \"{}\" must be a name, a JSON string or a "
                                     "JSON list of strings, not {}",
                                     name, *v));
  }
  return out;
}

void add_stage_filter(const Project& project, const std::vector<std::string>& values,
                      AssetFilter& filter) {
  for (const std::string& value : values) {
    auto stages = find_stages(project, value);
    if (stages.empty()) {
      std::string known;
      for (const Stage& s : project.stages)
        known += (known.empty() ? "" : ", ") + s.name + " (" + s.id + ")";
      throw HttpError(400, fmt::format("stage \"{}\" is not a stage of project {}; its stages: {}",
                                       value, project.name, known));
    }
    // Assets of older exports carry only the stage's name: match both.
    for (const Stage* s : stages) {
      filter.stage_ids.push_back(s->id);
      filter.stage_ids.insert(filter.stage_ids.end(), s->aliases.begin(), s->aliases.end());
      filter.stage_names.push_back(s->name);
    }
  }
}

std::vector<std::string> batch_names(const Project& project,
                                     const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    const Batch* b = find_batch(project, value);
    if (!b) {
      std::string known;
      for (const Batch& batch : project.batches)
        known += (known.empty() ? "" : ", ") + batch.name + " (" + batch.id + ")";
      throw HttpError(400, fmt::format("batch \"{}\" is not a batch of project {}; its batches: {}",
                                       value, project.name, known.empty() ? "none" : known));
    }
    out.push_back(b->name);
  }
  return out;
}

std::vector<std::string> batch_ids(const Project& project, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const std::string& name : names) {
    const Batch* b = find_batch(project, name);
    out.push_back(b ? b->id : name);
  }
  return out;
}

std::optional<bool> bool_param(const Request& req, std::string_view name) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return std::nullopt;
  if (*v == "true" || *v == "True" || *v == "1") return true;
  if (*v == "false" || *v == "False" || *v == "0") return false;
  throw HttpError(
      400, fmt::format("query parameter \"{}\" must be true or false, not \"{}\"", name, *v));
}

std::optional<std::string> spilled_param(const Request& req, std::string_view name,
                                         const std::vector<std::string>& stop) {
  const std::string& target = req.target;
  const std::size_t q = target.find('?');
  if (q == std::string::npos) return std::nullopt;
  const std::string_view query = std::string_view(target).substr(q + 1);
  const std::string key = std::string(name) + "=";
  std::size_t at = query.rfind(key, 0) == 0 ? 0 : std::string_view::npos;
  if (at == std::string_view::npos) {
    std::size_t found = query.find("&" + key);
    if (found == std::string_view::npos) return std::nullopt;
    at = found + 1;
  }
  const std::size_t start = at + key.size();
  std::size_t end = query.size();
  for (const std::string& s : stop) {
    std::size_t e = query.find("&" + s + "=", start);
    if (e != std::string_view::npos) end = std::min(end, e);
  }
  return server::percent_decode(query.substr(start, end - start), false);
}

Page page_params(const Request& req, std::int64_t default_limit, std::int64_t max_limit) {
  auto number = [&](std::string_view name, std::int64_t fallback, std::int64_t max) {
    auto v = req.query_param(name);
    if (!v || v->empty()) return fallback;
    std::int64_t n = 0;
    auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), n);
    if (ec != std::errc() || end != v->data() + v->size() || n < 1 || n > max)
      throw HttpError(400,
                      fmt::format("query parameter \"{}\" must be a whole number from 1 to {}, "
                                  "not \"{}\"",
                                  name, max, *v));
    return n;
  };
  Page p;
  p.page = number("page", 1, std::int64_t{1} << 40);
  p.limit = number("limit", default_limit, max_limit);
  return p;
}

}  // namespace xport::hub::detail
