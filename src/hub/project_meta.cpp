#include "hub/project_meta.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <stdexcept>
#include <unordered_map>

#include "hub/credentials.hpp"
#include "xport/aaf/model.hpp"

namespace xport::hub {

namespace json = boost::json;

namespace {

constexpr double kStageSpacing = 200;  // the editor's x step between stages in a line

json::value parse_array(const std::string& text, const char* what) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_array()) throw std::invalid_argument(std::string(what) + ": not a JSON list");
  return v;
}

std::string string_of(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

double number_of(const json::value* v) {
  if (!v) return 0;
  if (v->is_double()) return v->get_double();
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  return 0;
}

bool is_builtin(const std::string& key) {
  return key == "Start" || key == "Complete";
}

}  // namespace

// ---- JSON text of the columns

std::string stages_json(const std::vector<Stage>& stages) {
  json::array out;
  for (const Stage& s : stages)
    out.push_back(json::object{{"id", s.id},
                               {"name", s.name},
                               {"type", s.type},
                               {"position", json::object{{"x", s.x}, {"y", s.y}}},
                               {"aliases", json::value_from(s.aliases)}});
  return json::serialize(out);
}

std::vector<Stage> parse_stages(const std::string& text) {
  std::vector<Stage> out;
  const json::value list = parse_array(text, "stages");
  for (const json::value& v : list.get_array()) {
    if (v.is_string()) {  // the first schema kept stage names only
      std::string name(v.get_string());
      out.push_back(Stage{name, name, "Label", 0, 0});
      continue;
    }
    if (!v.is_object()) throw std::invalid_argument("stages: an entry is not an object");
    const json::object& o = v.get_object();
    Stage s{string_of(o, "id"), string_of(o, "name"), string_of(o, "type"), 0, 0};
    if (const json::value* p = o.if_contains("position"); p && p->is_object()) {
      s.x = number_of(p->get_object().if_contains("x"));
      s.y = number_of(p->get_object().if_contains("y"));
    }
    if (const json::value* a = o.if_contains("aliases"); a && a->is_array())
      for (const json::value& alias : a->get_array())
        if (alias.is_string()) s.aliases.emplace_back(alias.get_string());
    out.push_back(std::move(s));
  }
  return out;
}

std::string batches_json(const std::vector<Batch>& batches) {
  json::array out;
  for (const Batch& b : batches)
    out.push_back(json::object{{"id", b.id}, {"name", b.name}});
  return json::serialize(out);
}

std::vector<Batch> parse_batches(const std::string& text) {
  std::vector<Batch> out;
  const json::value list = parse_array(text, "batches");
  for (const json::value& v : list.get_array()) {
    if (!v.is_object()) throw std::invalid_argument("batches: an entry is not an object");
    out.push_back(Batch{string_of(v.get_object(), "id"), string_of(v.get_object(), "name")});
  }
  return out;
}

// ---- the workflow

std::vector<Stage> workflow(std::vector<Stage> stages) {
  std::vector<Stage> out;
  auto take = [&](const std::string& builtin) {
    auto it =
        std::find_if(stages.begin(), stages.end(), [&](const Stage& s) { return s.id == builtin; });
    Stage s = it == stages.end() ? Stage{builtin, builtin, builtin, 0, 0} : *it;
    if (it != stages.end()) stages.erase(it);
    if (s.type.empty()) s.type = builtin;
    return s;
  };
  out.push_back(take("Start"));
  Stage complete = take("Complete");
  for (Stage& s : stages) {
    if (s.type.empty()) s.type = "Label";
    out.push_back(std::move(s));
  }
  out.push_back(std::move(complete));
  for (std::size_t i = 0; i < out.size(); ++i) {
    out[i].x = kStageSpacing * static_cast<double>(i);
    out[i].y = 0;
  }
  return out;
}

Stage declared_stage(const std::string& name, const std::string& type) {
  if (is_builtin(name)) return Stage{name, name, name, 0, 0};
  return Stage{new_id(), name, type.empty() ? "Label" : type, 0, 0};
}

std::vector<const Stage*> find_stages(const Project& project, const std::string& value) {
  std::vector<const Stage*> out;
  for (const Stage& s : project.stages)
    if (s.id == value || std::find(s.aliases.begin(), s.aliases.end(), value) != s.aliases.end())
      return {&s};
  for (const Stage& s : project.stages)
    if (s.name == value) out.push_back(&s);
  return out;
}

const Batch* find_batch(const Project& project, const std::string& value) {
  for (const Batch& b : project.batches)
    if (b.id == value) return &b;
  for (const Batch& b : project.batches)
    if (b.name == value) return &b;
  return nullptr;
}

// ---- learning from assets

// The ontology the assets show: each schemaId (or, without one, each title) once, with the
// answers seen for classifications as their options. Lookups are hashed and the entries
// capped (kMaxEntries): an export whose objects each carry a schemaId of their own (generated
// data) must not make an import quadratic, nor an ontology of a million entries.
struct ProjectLearner::Schema {
  static constexpr std::size_t kMaxEntries = 2000;

  template <class Node>
  struct Nodes {
    std::vector<Node> items;
    std::unordered_map<std::string, std::size_t> index;
  };
  struct Classification {
    std::string key, schema_id, title, tool;
    std::vector<std::string> options;
    Nodes<Classification> children;

    void add_option(std::string_view value) {
      if (value.empty() || options.size() >= 200) return;  // free text is not an option
      if (std::find(options.begin(), options.end(), value) == options.end())
        options.emplace_back(value);
    }
  };
  struct Entry {  // a tool or a relation
    std::string key, schema_id, title, tool;
    Nodes<Classification> classifications;
  };
  Nodes<Entry> tools, relations;
  Nodes<Classification> classifications;
  std::size_t entries = 0;
  bool truncated = false;

  template <class Node>
  Node* find_or_add(Nodes<Node>& nodes, std::string_view schema_id, std::string_view title) {
    std::string key(schema_id.empty() ? title : schema_id);
    if (key.empty()) return nullptr;
    if (auto it = nodes.index.find(key); it != nodes.index.end()) return &nodes.items[it->second];
    if (entries >= kMaxEntries) {
      truncated = true;
      return nullptr;
    }
    ++entries;
    Node n;
    n.key = key;
    n.schema_id = std::string(schema_id);
    n.title = std::string(title);
    nodes.index.emplace(key, nodes.items.size());
    nodes.items.push_back(std::move(n));
    return &nodes.items.back();
  }

  void learn(Nodes<Classification>& into, const aaf::ClassificationList& list) {
    for (const aaf::Classification& c : list) {
      Classification* node = find_or_add(into, c.schema_id(), c.title());
      if (!node) continue;
      if (node->tool.empty()) node->tool = std::string(c.tool());
      bool free_text = c.tool() == "text";
      if (!free_text) {
        node->add_option(c.answer());
        for (std::string_view a : c.answers())
          node->add_option(a);
      }
      learn(node->children, c.children());
    }
  }

  static json::array to_json(const Nodes<Classification>& list) {
    json::array out;
    for (const Classification& c : list.items) {
      json::array options;
      for (const auto& o : c.options)
        options.push_back(json::object{{"value", o}});
      out.push_back(json::object{{"schemaId", c.schema_id},
                                 {"title", c.title},
                                 {"tool", c.tool},
                                 {"options", std::move(options)},
                                 {"classifications", to_json(c.children)}});
    }
    return out;
  }
};

ProjectLearner::ProjectLearner() : schema_(std::make_unique<Schema>()) {}
ProjectLearner::~ProjectLearner() = default;

void ProjectLearner::see(const aaf::Asset& asset) {
  for (std::string_view b : asset.batches())
    if (!b.empty() && batch_names_.emplace(b).second) batches_.emplace_back(b);

  // v2 exports have no stages (their task "stage" is a status): only v3 teaches stages.
  if (asset.generation() == aaf::Generation::v3) {
    std::string previous = "Start";
    auto visit = [&](std::string_view id, std::string_view name, bool reviewed) {
      std::string key(id.empty() ? name : id);
      if (key.empty()) return;
      if (stage_keys_.insert(key).second) {
        std::string type = is_builtin(key) || is_builtin(std::string(name)) ? std::string(name)
                           : reviewed                                       ? "Review"
                                                                            : "Label";
        stages_.push_back(StageSeen{key, std::string(name.empty() ? id : name), type, previous});
      }
      previous = key;
    };
    for (const aaf::StageSnapshot& h : asset.stage_history())
      visit(h.stage_id, h.stage, !h.review_status.empty());
    if (asset.has_task()) visit(asset.stage_id(), asset.stage(), false);
  }

  for (const aaf::Object& o : asset.objects()) {
    Schema::Entry* tool = schema_->find_or_add(schema_->tools, o.schema_id(), o.title());
    if (!tool) continue;
    if (tool->tool.empty()) tool->tool = std::string(to_string(o.kind()));
    schema_->learn(tool->classifications, o.classifications());
  }
  schema_->learn(schema_->classifications, asset.classifications());
  for (const aaf::Relation& r : asset.relations()) {
    Schema::Entry* rel = schema_->find_or_add(schema_->relations, r.schema_id(), r.title());
    if (rel && rel->tool.empty()) rel->tool = r.from().empty() ? "group" : "one-to-one";
  }
}

namespace {

// Every schemaId and title anywhere in a categorySchema, to tell what it already has.
void collect_keys(const json::value& v, std::set<std::string>& keys) {
  if (v.is_array()) {
    for (const auto& e : v.get_array())
      collect_keys(e, keys);
  } else if (v.is_object()) {
    const json::object& o = v.get_object();
    if (auto s = string_of(o, "schemaId"); !s.empty()) keys.insert(s);
    if (auto t = string_of(o, "title"); !t.empty()) keys.insert(t);
    for (const auto& [k, child] : o)
      if (k == "tools" || k == "classifications" || k == "relations") collect_keys(child, keys);
  }
}

}  // namespace

bool ProjectLearner::ontology_truncated() const {
  return schema_->truncated;
}

bool ProjectLearner::apply(Project& project) const {
  bool changed = false;

  // Stages: each new one after the stage its assets were in before (before Complete).
  std::vector<Stage> stages = project.stages;
  for (const StageSeen& seen : stages_) {
    // A stage the project already has by id, or by name (declared before the import gave
    // it its platform id: filters match assets by name too, so one stage serves both).
    auto same = std::find_if(stages.begin(), stages.end(), [&](const Stage& s) {
      return s.id == seen.id || s.name == seen.name || (is_builtin(seen.name) && s.id == seen.name);
    });
    if (same != stages.end()) {
      if (same->id != seen.id &&
          std::find(same->aliases.begin(), same->aliases.end(), seen.id) == same->aliases.end()) {
        same->aliases.push_back(seen.id);
        changed = true;
      }
      continue;
    }
    auto complete = std::find_if(stages.begin(), stages.end(),
                                 [](const Stage& s) { return s.id == "Complete"; });
    auto after = std::find_if(stages.begin(), stages.end(), [&](const Stage& s) {
      return s.id == seen.after || s.name == seen.after;
    });
    auto at = after == stages.end() || after >= complete ? complete : after + 1;
    stages.insert(at, Stage{seen.id, seen.name, seen.type, 0, 0});
    changed = true;
  }
  if (changed) project.stages = workflow(std::move(stages));  // new stages or aliases

  for (const std::string& name : batches_) {
    bool known = std::any_of(project.batches.begin(), project.batches.end(),
                             [&](const Batch& b) { return b.name == name; });
    if (known) continue;
    project.batches.push_back(Batch{new_id(), name});
    changed = true;
  }

  // The ontology: entries whose schemaId (or title) the project's schema lacks.
  boost::system::error_code ec;
  json::value parsed = json::parse(project.category_schema, ec);
  json::object schema = !ec && parsed.is_object() ? parsed.get_object() : json::object{};
  std::set<std::string> keys;
  collect_keys(schema, keys);
  bool schema_changed = false;
  auto list = [&](const char* name) -> json::array& {
    json::value& v = schema[name];
    if (!v.is_array()) v = json::array{};
    return v.get_array();
  };
  list("tools");
  list("classifications");
  list("relations");
  for (const Schema::Entry& t : schema_->tools.items) {
    if (keys.count(t.key)) continue;
    list("tools").push_back(json::object{{"schemaId", t.schema_id},
                                         {"title", t.title},
                                         {"tool", t.tool},
                                         {"classifications", Schema::to_json(t.classifications)}});
    schema_changed = true;
  }
  json::array top = Schema::to_json(schema_->classifications);
  for (std::size_t i = 0; i < schema_->classifications.items.size(); ++i) {
    if (keys.count(schema_->classifications.items[i].key)) continue;
    list("classifications").push_back(std::move(top[i]));
    schema_changed = true;
  }
  for (const Schema::Entry& r : schema_->relations.items) {
    if (keys.count(r.key)) continue;
    list("relations")
        .push_back(json::object{{"schemaId", r.schema_id}, {"title", r.title}, {"tool", r.tool}});
    schema_changed = true;
  }
  if (schema_changed) project.category_schema = json::serialize(schema);
  return changed || schema_changed;
}

}  // namespace xport::hub
