#include "hub/app/dispatch/run_messages.hpp"

#include <boost/json.hpp>

#include "hub/app/links.hpp"
#include "hub/json_text.hpp"

namespace xport::hub::dispatch {

namespace json = boost::json;

namespace {

bool true_field(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

}  // namespace

std::string string_field(const json::object& o, std::string_view key) {
  if (auto* v = o.if_contains(key); v && v->is_string()) return std::string(v->get_string());
  return {};
}

// `stage` is a list of stage ids (empty: no stage filter; the newest SDK asks for
// stage=["Complete"] when the key is missing) and `batches` a list of batch ids, as the
// platform sends them.
json::object plugin_event_data(Domain& domain, const Run& run,
                               std::chrono::seconds token_lifetime) {
  std::string org_id;
  if (auto user = domain.store().get_user(run.user_id)) org_id = user->org_id;
  const std::int64_t expires = domain.now_ms() / 1000 + token_lifetime.count();
  json::array batches;
  for (const auto& b : parse_json_string_list(run.batches_json))
    batches.emplace_back(b);
  json::array stage;
  if (run.stage) stage.emplace_back(*run.stage);
  return json::object{{"projectId", run.project_id},
                      {"apiKey", make_run_token(domain.signer(), run.session, expires)},
                      {"orgId", org_id},
                      {"runBy", run.user_id},
                      {"session", run.session},
                      {"configJSON", run.config_json},
                      {"batches", std::move(batches)},
                      {"stage", std::move(stage)},
                      // xport's own: this hub takes `progress` events and answers' `report`
                      // (the platform's Python SDK ignores unknown keys).
                      {"acceptsProgress", true}};
}

PluginAnswer read_answer(const json::object& body) {
  PluginAnswer a;
  a.session = string_field(body, "session");
  // The oldest SDK answered {"response": <upload URL>, "session"} without "export".
  const bool answered_result = body.contains("export") ? true_field(body, "export")
                                                       : !string_field(body, "response").empty();
  a.failed = true_field(body, "error") || !answered_result;
  if (!a.failed) {
    a.result_url = string_field(body, "response");
    return a;
  }
  a.message = string_field(body, "message");
  if (a.message.empty()) a.message = string_field(body, "error_message");
  if (a.message.empty())
    a.message = true_field(body, "error") ? "the plugin reported an error (it gave no message)"
                                          : "the plugin answered without a result";
  return a;
}

}  // namespace xport::hub::dispatch
