#include "hub/app/api_params.hpp"

#include <fmt/format.h>
#include <boost/json/serialize.hpp>

#include <charconv>

#include "hub/server/router.hpp"

namespace xport::hub::detail {

std::int64_t int_param(const server::Request& req, std::string_view name, std::int64_t fallback) {
  auto v = req.query_param(name);
  if (!v || v->empty()) return fallback;
  std::int64_t out = 0;
  auto [end, ec] = std::from_chars(v->data(), v->data() + v->size(), out);
  if (ec != std::errc() || end != v->data() + v->size())
    throw server::HttpError(400, fmt::format("query parameter {} must be an integer", name));
  return out;
}

bool flag_param(const server::Request& req, std::string_view name) {
  auto v = req.query_param(name);
  return v && (*v == "true" || *v == "1" || *v == "yes");
}

std::optional<std::string> config_text(const boost::json::object& body, std::string_view key) {
  auto* v = body.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_object()) return boost::json::serialize(*v);
  throw server::HttpError(400,
                          "\"" + std::string(key) + "\" must be the Config JSON text (a string)");
}

}  // namespace xport::hub::detail
