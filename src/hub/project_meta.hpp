// A project's workflow stages, batches and ontology (categorySchema): how they are kept as
// JSON text, what every project has, what an import teaches the hub, and how the values the
// platform's SDKs send (stage and batch ids or names) are resolved.
//
// The platform's plugins read these from GET /v2/project/{id}: stages ordered by position.x
// (a per-stage report), batch ids mapped to names, the ontology's schemaIds. A project
// declares them at creation, or learns them from the assets it imports: task.stage/stageId
// and task.stageHistory[] name the stages an asset went through, `batches` its batches, the
// tools, classifications and relations their schemaIds.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "hub/store.hpp"

namespace xport::aaf {
class Asset;
}

namespace xport::hub {

// JSON text of the stage and batch lists (the projects table's columns). parse_stages also
// reads the first schema's plain list of stage names.
std::string stages_json(const std::vector<Stage>& stages);
std::vector<Stage> parse_stages(const std::string& text);  // std::invalid_argument
std::string batches_json(const std::vector<Batch>& batches);
std::vector<Batch> parse_batches(const std::string& text);  // std::invalid_argument

// The workflow as the platform has it: its own Start stage first and Complete last (ids
// "Start" and "Complete"), the project's stages between them in order, positions by order.
std::vector<Stage> workflow(std::vector<Stage> stages);

// A stage declared by name (and type; "" = Label), with a new id.
Stage declared_stage(const std::string& name, const std::string& type);

// The stages `value` names: a stage id, else stage names (several stages may share a name).
// Empty when none matches.
std::vector<const Stage*> find_stages(const Project& project, const std::string& value);
// The batch `value` names: a batch id, else a batch name; nullptr when none.
const Batch* find_batch(const Project& project, const std::string& value);

// What the assets of an import say about their project. see() each good asset, then
// apply() the lot to the project (in Store::update_project).
class ProjectLearner {
 public:
  ProjectLearner();
  ~ProjectLearner();
  ProjectLearner(const ProjectLearner&) = delete;
  ProjectLearner& operator=(const ProjectLearner&) = delete;

  void see(const aaf::Asset& asset);
  // Adds the stages, batches and schema entries not yet in `project`. True if it changed.
  bool apply(Project& project) const;
  // More distinct schema entries were seen than an ontology keeps (the first are kept).
  bool ontology_truncated() const;

 private:
  struct StageSeen {
    std::string id, name, type;
    std::string after;  // the stage (id or name) the asset was in before: keeps the order
  };
  std::vector<StageSeen> stages_;
  std::set<std::string> stage_keys_;
  std::vector<std::string> batches_;
  std::set<std::string> batch_names_;
  struct Schema;
  std::unique_ptr<Schema> schema_;
};

}  // namespace xport::hub
