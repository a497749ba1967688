// libFuzzer target: what an import teaches the hub about its project (src/hub/importer.cpp
// through src/hub/project_meta.hpp): the input is an uploaded export, read as the importer
// reads it (the AAF reader, bad assets skipped); every good asset goes to a ProjectLearner,
// which is applied to a project with a declared stage, a batch and an ontology entry.
//
// Oracles besides the sanitizers: the workflow keeps the platform's Start first and Complete
// last, stage ids and batch names stay unique, the stage and batch columns read back as
// written, the ontology stays a JSON object, and applying the same import again changes
// nothing (re-importing an export must not grow the project).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <string_view>

#include <boost/json.hpp>

#include "hub/project_meta.hpp"
#include "xport/aaf/model.hpp"
#include "xport/aaf/reader.hpp"
#include "xport/errors.hpp"
#include "xport/io.hpp"

namespace {

using namespace xport;
using namespace xport::hub;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_import_learning invariant broken: %s\n", what);
  std::abort();
}

#define FUZZ_CHECK(cond)      \
  do {                        \
    if (!(cond)) fail(#cond); \
  } while (false)

Project declared_project() {
  Project p;
  p.id = "p1";
  p.name = "Cats";
  p.stages = workflow({declared_stage("Review", "Review")});
  p.batches = {Batch{"b-1", "Batch A"}};
  p.category_schema = R"({"tools":[{"schemaId":"t1","title":"Cat","tool":"bounding-box"}],)"
                      R"("classifications":[],"relations":[]})";
  return p;
}

void check_shape(const Project& p) {
  FUZZ_CHECK(p.stages.size() >= 2);
  FUZZ_CHECK(p.stages.front().id == "Start");
  FUZZ_CHECK(p.stages.back().id == "Complete");
  std::set<std::string> ids;
  for (const Stage& s : p.stages)
    FUZZ_CHECK(ids.insert(s.id).second);
  std::set<std::string> names;
  for (const Batch& b : p.batches)
    FUZZ_CHECK(names.insert(b.name).second);
  FUZZ_CHECK(stages_json(parse_stages(stages_json(p.stages))) == stages_json(p.stages));
  FUZZ_CHECK(batches_json(parse_batches(batches_json(p.batches))) == batches_json(p.batches));
  boost::system::error_code ec;
  const auto schema = boost::json::parse(p.category_schema, ec);
  FUZZ_CHECK(!ec && schema.is_object());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  ProjectLearner learner;
  aaf::ReadOptions options;
  options.on_error = aaf::OnError::skip;
  options.fields = aaf::Fields::all;  // as the importer reads: stage histories, the ontology
  options.validate = true;            // and every asset fully checked
  options.on_problem = [](const aaf::Problem&) {};
  try {
    aaf::Reader reader(std::make_unique<MemorySource>(input, "<fuzz>"), options);
    while (const aaf::Asset* asset = reader.next())
      learner.see(*asset);
  } catch (const InputError&) {
    return 0;  // a malformed zip archive: the import fails before learning anything
  }
  Project project = declared_project();
  learner.apply(project);
  check_shape(project);
  if (!learner.ontology_truncated()) {
    const std::string stages = stages_json(project.stages);
    const std::string batches = batches_json(project.batches);
    const std::string schema = project.category_schema;
    FUZZ_CHECK(!learner.apply(project));
    FUZZ_CHECK(stages_json(project.stages) == stages);
    FUZZ_CHECK(batches_json(project.batches) == batches);
    FUZZ_CHECK(project.category_schema == schema);
  }
  return 0;
}
