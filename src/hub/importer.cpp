#include "hub/importer.hpp"

#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "hub/credentials.hpp"
#include "hub/json_text.hpp"
#include "hub/project_meta.hpp"
#include "xport/aaf/reader.hpp"
#include "xport/errors.hpp"

namespace xport::hub {

namespace {

// Shows a source under another name: the hub's temporary upload file as "<body>" or as the
// client's file name. A zip's entry keeps its suffix ("<body>:export.ndjson").
class RenamedSource final : public ByteSource {
 public:
  RenamedSource(std::unique_ptr<ByteSource> inner, std::string path, std::string name)
      : inner_(std::move(inner)), path_(std::move(path)), name_(std::move(name)) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    return inner_->read(buffer, capacity);
  }
  std::optional<std::uint64_t> size() const override { return inner_->size(); }
  std::string name() const override {
    std::string inner = inner_->name();
    if (inner.compare(0, path_.size(), path_) == 0) return name_ + inner.substr(path_.size());
    return name_;
  }

 private:
  std::unique_ptr<ByteSource> inner_;
  std::string path_;
  std::string name_;
};

std::string shown_name(const ImportSource& s) {
  if (!s.name.empty()) return s.name;
  return s.path == "-" ? "<stdin>" : s.path;
}

// Added to by the reading thread (the reader's problems) and the store's (conflicts).
class Problems {
 public:
  Problems(const ImportOptions& options, ImportResult& result)
      : options_(options), result_(result) {}
  void add(ImportProblem p) {
    std::lock_guard lock(mutex_);
    ++result_.problem_count;
    if (p.conflict) ++result_.conflict_count;
    if (result_.problems.size() < options_.max_listed) result_.problems.push_back(std::move(p));
  }
  void add(const aaf::Problem& pr, bool conflict = false) {
    if (pr.warning) return;
    add(ImportProblem{pr.source, pr.where.line, pr.where.element, pr.where.byte_offset, pr.path,
                      pr.reason, conflict, pr.fatal, pr.to_string()});
  }
  std::int64_t count() const {
    std::lock_guard lock(mutex_);
    return result_.problem_count;
  }

 private:
  const ImportOptions& options_;
  ImportResult& result_;
  mutable std::mutex mutex_;
};

// The good assets of all the sources, in order; problems go to `problems`.
class Cursor {
 public:
  Cursor(const std::vector<ImportSource>& sources, Problems& problems, ProjectLearner& learner)
      : sources_(sources), problems_(problems), learner_(learner) {}

  const aaf::Asset* next() {
    for (;;) {
      if (!reader_) {
        if (index_ >= sources_.size()) return nullptr;
        open(sources_[index_++]);
        if (!reader_) continue;
      }
      try {
        if (const aaf::Asset* a = reader_->next()) {
          last_ = a->location();
          learner_.see(*a);
          return a;
        }
      } catch (const InputError& e) {
        // A broken zip found while reading: the rest of this file is lost, go on with the next.
        report_broken(e.what());
      }
      reader_.reset();
    }
  }
  const std::string& source() const { return name_; }
  const aaf::Location& location() const { return last_; }

 private:
  void open(const ImportSource& s) {
    name_ = shown_name(s);
    last_ = {};
    aaf::ReadOptions ro;
    ro.fields = aaf::Fields::all;  // stage histories and the ontology teach the project
    ro.validate = true;
    ro.on_error = aaf::OnError::skip;
    ro.on_problem = [this](const aaf::Problem& pr) { problems_.add(pr); };
    try {
      std::unique_ptr<ByteSource> in = aaf::open_export(s.path);
      if (!s.name.empty()) in = std::make_unique<RenamedSource>(std::move(in), s.path, s.name);
      reader_.emplace(std::move(in), std::move(ro));
    } catch (const InputError& e) {
      report_broken(e.what());  // e.g. a zip without entries
    }
  }
  void report_broken(std::string reason) {
    // Messages of the zip layer name the file by its path: show the given name instead.
    if (const std::string& path = sources_[index_ - 1].path; !path.empty() && path != name_) {
      for (auto at = reason.find(path); at != std::string::npos; at = reason.find(path, at))
        reason.replace(at, path.size(), name_);
    }
    aaf::Problem pr;
    pr.source = name_;
    pr.where = last_;
    pr.reason = std::move(reason);
    pr.fatal = true;
    problems_.add(pr);
  }

  const std::vector<ImportSource>& sources_;
  Problems& problems_;
  ProjectLearner& learner_;
  std::size_t index_ = 0;
  std::optional<aaf::Reader> reader_;
  std::string name_;
  aaf::Location last_{};
};

// The asset's identity: assetId, else dataId (older exports), else one the hub derives from
// the external id and the asset's URL: the same export imported twice names the same assets
// (a conflict, or a replacement with --replace), while the same file name in two folders
// (two URLs) is two assets.
std::string identity_of(const aaf::Asset& a) {
  if (!a.asset_id().empty()) return std::string(a.asset_id());
  if (auto data_id = a.raw()["dataId"].string(); data_id && !data_id->empty())
    return std::string(*data_id);
  std::string key(a.external_id());
  key += '\n';
  key += a.url();
  return "hub-" + sha256_hex(key).substr(0, 24);
}

void fill(AssetRow& row, const std::string& project_id, const aaf::Asset& a) {
  row.project_id = project_id;
  row.asset_id = identity_of(a);
  row.external_id = std::string(a.external_id());
  row.stage = std::string(a.stage());
  if (a.generation() == aaf::Generation::v3) row.stage_id = std::string(a.stage_id());
  row.task_id = std::string(a.task_id());
  std::vector<std::string> batches;
  for (auto b : a.batches())
    batches.emplace_back(b);
  row.batches_json = json_string_list(batches);
  row.json_text = std::string(a.json());
}

struct Rejected {};  // ends an all-or-nothing import with problems: the store rolls back

// The rows of the sources, read, checked and filled on a thread of its own while the store
// inserts the previous ones: parsing and inserting take about the same time, so an import
// takes the longer of the two instead of their sum. Rows travel in batches (one lock per
// batch), at most kBatches ahead: a few MB whatever the size of the import.
class RowFeed {
 public:
  RowFeed(Cursor& cursor, const std::string& project_id) : cursor_(cursor), project_(project_id) {
    thread_ = std::thread([this] { produce(); });
  }
  ~RowFeed() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
  }
  RowFeed(const RowFeed&) = delete;
  RowFeed& operator=(const RowFeed&) = delete;

  // The next row (moved into `row`), false at the end; rethrows what stopped the reading.
  bool next(AssetRow& row) {
    if (at_ == taken_.size()) {
      taken_.clear();
      at_ = 0;
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return !ready_.empty() || done_; });
      if (ready_.empty()) {
        if (error_) std::rethrow_exception(error_);
        return false;
      }
      taken_ = std::move(ready_.front());
      ready_.pop_front();
      wake_.notify_all();
    }
    Item& item = taken_[at_++];
    row = std::move(item.row);
    source_ = std::move(item.source);
    location_ = item.where;
    return true;
  }
  // Where the row next() gave last came from (what a conflict with it is reported at).
  const std::string& source() const { return source_; }
  const aaf::Location& location() const { return location_; }

 private:
  static constexpr std::size_t kBatchRows = 256;
  static constexpr std::size_t kBatches = 8;
  struct Item {
    AssetRow row;
    std::string source;
    aaf::Location where;
  };

  void produce() {
    try {
      std::vector<Item> batch;
      while (const aaf::Asset* a = cursor_.next()) {
        batch.emplace_back();
        fill(batch.back().row, project_, *a);
        batch.back().source = cursor_.source();
        batch.back().where = cursor_.location();
        if (batch.size() == kBatchRows && !hand_over(std::exchange(batch, {}))) return;
      }
      if (!batch.empty() && !hand_over(std::move(batch))) return;
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
    }
    std::lock_guard lock(mutex_);
    done_ = true;
    wake_.notify_all();
  }
  // False when the store stopped taking rows (a conflict, a rollback).
  bool hand_over(std::vector<Item> batch) {
    std::unique_lock lock(mutex_);
    wake_.wait(lock, [&] { return ready_.size() < kBatches || stop_; });
    if (stop_) return false;
    ready_.push_back(std::move(batch));
    wake_.notify_all();
    return true;
  }

  Cursor& cursor_;
  const std::string& project_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::vector<Item>> ready_;
  bool done_ = false;
  bool stop_ = false;
  std::exception_ptr error_;
  std::thread thread_;
  // The consumer's side (the store's thread).
  std::vector<Item> taken_;
  std::size_t at_ = 0;
  std::string source_;
  aaf::Location location_{};
};

}  // namespace

namespace {

// After a commit: the stages, batches and ontology the imported assets showed join the
// project, and repeated external ids are worth a warning (they are fine: assets are
// identified by assetId, but a format keyed on file names will have to tell them apart).
void finish(Store& store, const std::string& project_id, const ProjectLearner& learner,
            ImportResult& result) {
  store.update_project(project_id, [&](Project& p) { learner.apply(p); });
  result.repeated_external_ids = store.count_repeated_external_ids(project_id);
  if (learner.ontology_truncated())
    result.warnings.push_back(
        "the assets show more distinct schemaIds than an ontology keeps; the first 2000 were "
        "added (set the ontology with PUT /api/projects/{id}/schema)");
  if (result.repeated_external_ids > 0)
    result.warnings.push_back(std::to_string(result.repeated_external_ids) +
                              " external id(s) are shared by several assets of the project "
                              "(assets are told apart by assetId)");
}

}  // namespace

ImportResult import_exports(Store& store, const std::string& project_id,
                            const std::vector<ImportSource>& sources,
                            const ImportOptions& options) {
  ImportResult result;
  Problems problems(options, result);
  ProjectLearner learner;
  Cursor cursor(sources, problems, learner);
  // The learner and the cursor are the feed's thread's until it is gone.
  std::optional<RowFeed> feed(std::in_place, cursor, project_id);
  // An asset id already in the project (without replace) is one more problem of the asset
  // just read.
  auto on_conflict = [&](const AssetRow&, const std::string& reason) {
    aaf::Problem pr;
    pr.source = feed->source();
    pr.where = feed->location();
    pr.path = "assetId";
    pr.reason = reason;
    problems.add(pr, true);
    return true;  // skip it; all-or-nothing rolls back at the end anyway
  };

  if (!options.partial) {
    try {
      result.imported = store.import_assets(
          project_id, options.replace,
          [&](AssetRow& row) {
            if (!feed->next(row)) {
              if (problems.count() > 0) throw Rejected{};
              return false;
            }
            ++result.assets_read;
            return true;
          },
          on_conflict);
      result.committed = true;
    } catch (const Rejected&) {
      result.imported = 0;
      result.committed = false;
      return result;
    }
    feed.reset();
    finish(store, project_id, learner, result);
    return result;
  }

  // Partial: batches of rows, each its own transaction.
  bool done = false;
  while (!done) {
    std::int64_t in_batch = 0;
    result.imported += store.import_assets(
        project_id, options.replace,
        [&](AssetRow& row) {
          if (in_batch >= options.batch_rows) return false;
          if (!feed->next(row)) {
            done = true;
            return false;
          }
          ++result.assets_read;
          ++in_batch;
          return true;
        },
        on_conflict);
  }
  result.committed = true;
  feed.reset();
  finish(store, project_id, learner, result);
  return result;
}

}  // namespace xport::hub
