// Projects: creation with the workflow the platform gives every project, the ontology
// (who may see them: members.cpp).
#include <boost/json.hpp>

#include "hub/credentials.hpp"
#include "hub/domain.hpp"
#include "hub/project_meta.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace json = boost::json;

namespace {

// A categorySchema: an object whose tools, classifications and relations (each optional)
// are lists of objects. Returns it serialised (the three lists always present).
std::string checked_schema(const std::string& text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) throw ConfigError("categorySchema is not JSON: " + ec.message());
  if (!v.is_object()) throw ConfigError("categorySchema must be a JSON object");
  json::object& o = v.get_object();
  for (const char* list : {"tools", "classifications", "relations"}) {
    json::value& entries = o[list];
    if (entries.is_null()) entries = json::array{};
    if (!entries.is_array())
      throw ConfigError(std::string("categorySchema.") + list + " must be a list");
    std::size_t i = 0;
    for (const json::value& e : entries.get_array()) {
      if (!e.is_object())
        throw ConfigError("categorySchema." + std::string(list) + "[" + std::to_string(i) +
                          "] must be an object");
      ++i;
    }
  }
  return json::serialize(o);
}

}  // namespace

Project Domain::create_project(const User& user, const NewProject& request) {
  if (request.name.empty()) throw ConfigError("a project needs a name");
  Project project;
  project.id = new_id();
  project.org_id = user.org_id;
  project.name = request.name;
  project.type = request.type.empty() ? "image" : request.type;
  for (const Stage& s : request.stages)
    if (s.name.empty()) throw ConfigError("a stage needs a name");
  project.stages = workflow(request.stages);
  for (const std::string& name : request.batches) {
    if (name.empty()) throw ConfigError("a batch needs a name");
    if (!find_batch(project, name)) project.batches.push_back(Batch{new_id(), name});
  }
  project.category_schema = request.category_schema.empty()
                                ? checked_schema("{}")
                                : checked_schema(request.category_schema);
  project.created_at = now_ms();
  store_.create_project(project);
  // Org admins manage every project; anyone else who creates one is its first manager.
  if (user.role != "admin")
    store_.set_project_member({project.id, user.id, "manager", project.created_at});
  return project;
}

Project Domain::set_category_schema(const User& admin, const std::string& project_id,
                                    const std::string& schema_json) {
  Project p = managed_project(admin, project_id);
  const std::string schema = checked_schema(schema_json);
  store_.update_project(p.id, [&](Project& stored) { stored.category_schema = schema; });
  p.category_schema = schema;
  return p;
}

}  // namespace xport::hub
