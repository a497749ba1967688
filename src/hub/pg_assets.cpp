// PgStore: assets (imports through COPY, exports through a cursor) and issues.
#include <pqxx/stream_to>

#include <functional>
#include <string_view>
#include <tuple>
#include <unordered_set>

#include "hub/json_text.hpp"
#include "hub/pg_store.hpp"
#include "hub/pg_store_impl.hpp"

namespace xport::hub {

using pg::integer;
using pg::text;

namespace {

constexpr const char* kAssetColumns =
    "project_id, seq, external_id, stage, batches, json_text, asset_id, stage_id, task_id";
AssetRow read_asset(const pqxx::row& r) {
  AssetRow row;
  row.project_id = text(r, 0);
  row.seq = integer(r, 1);
  row.external_id = text(r, 2);
  row.stage = text(r, 3);
  row.batches_json = text(r, 4);
  row.json_text = text(r, 5);
  row.asset_id = text(r, 6);
  row.stage_id = text(r, 7);
  row.task_id = text(r, 8);
  return row;
}

// The WHERE clause of an AssetFilter over $1 (project) and $2..$6 (FilterParams).
constexpr const char* kAssetWhere =
    "project_id = $1"
    " AND ($2::jsonb IS NULL OR stage_id IN (SELECT jsonb_array_elements_text($2::jsonb))"
    "      OR stage IN (SELECT jsonb_array_elements_text($3::jsonb)))"
    " AND ($4::jsonb IS NULL OR EXISTS (SELECT 1 FROM jsonb_array_elements_text("
    "      assets.batches::jsonb) AS b WHERE b IN (SELECT jsonb_array_elements_text($4::jsonb))))"
    " AND ($5::text IS NULL OR asset_id = $5) AND ($6::text IS NULL OR external_id = $6)";

// An AssetFilter as the parameters of kAssetWhere (NULL: that part of the filter is off).
struct FilterParams {
  explicit FilterParams(const AssetFilter& f) {
    if (!f.stage_ids.empty() || !f.stage_names.empty()) {
      stage_ids = json_string_list(f.stage_ids);
      stage_names = json_string_list(f.stage_names);
    }
    if (!f.batches.empty()) batches = json_string_list(f.batches);
    asset_id = f.asset_id;
    external_id = f.external_id;
  }
  std::optional<std::string> stage_ids, stage_names, batches, asset_id, external_id;
};

// The rows of one import. New rows stream into the table through COPY; a row whose asset id
// may be there already (the project's ids and this import's, as 64-bit hashes: a few MB per
// 100k rows, never the rows) ends the COPY and is looked up, so that a conflict is reported
// for the row just read, as the importer expects, before the next one is read.
// With `replace` nothing is a conflict: every row streams into a temporary table, merged at
// the end by one INSERT ... ON CONFLICT DO UPDATE (a replacement keeps the place of the row it
// replaces: the project's, or the first of this import's with its id; the last one's text).
class AssetImport {
 public:
  AssetImport(pqxx::work& t, const std::string& project_id, bool replace,
              const Store::ConflictHandler& on_conflict)
      : t_(t), project_id_(project_id), replace_(replace), on_conflict_(on_conflict) {
    // One import into a project at a time (on every hub): the seq read below stays valid.
    t_.exec_params("SELECT pg_advisory_xact_lock($1, hashtext($2))", pg::kImportLock, project_id_);
    const pqxx::result p = t_.exec_params(
        "SELECT (SELECT coalesce(max(seq), 0) FROM assets WHERE project_id = $1) "
        "FROM projects WHERE id = $1",
        project_id_);
    if (p.empty()) throw NotFound("no project " + project_id_);
    seq_ = p[0][0].as<std::int64_t>();
    if (replace_)
      t_.exec("CREATE TEMPORARY TABLE import_rows (LIKE assets INCLUDING DEFAULTS) ON COMMIT DROP");
    else if (seq_ > 0)
      load_known_ids();
  }

  void add(const AssetRow& row) {
    if (replace_ || known_.insert(std::hash<std::string>{}(row.asset_id)).second) return copy(row);
    end_copy();  // the lookup below must see every row streamed so far
    if (t_.exec_params("SELECT 1 FROM assets WHERE project_id = $1 AND asset_id = $2", project_id_,
                       row.asset_id)
            .empty())
      return copy(row);  // two ids with one hash
    std::string reason = "asset with id '" + row.asset_id + "' (external id '" + row.external_id +
                         "') is already in project " + project_id_;
    if (!on_conflict_ || !on_conflict_(row, reason)) throw Conflict(reason);
  }

  std::int64_t finish() {
    end_copy();
    if (replace_) merge();
    return count_;
  }

 private:
  void load_known_ids() {
    t_.exec_params(
        "DECLARE known_ids NO SCROLL CURSOR FOR "
        "SELECT asset_id FROM assets WHERE project_id = $1",
        project_id_);
    for (;;) {
      const pqxx::result ids = t_.exec("FETCH 10000 FROM known_ids");
      if (ids.empty()) break;
      for (const auto& id : ids)
        known_.insert(std::hash<std::string_view>{}(std::string_view(id[0].c_str(), id[0].size())));
    }
    t_.exec("CLOSE known_ids");
  }

  void copy(const AssetRow& row) {
    if (!stream_)
      stream_.emplace(
          t_, replace_ ? "import_rows" : "assets",
          std::vector<std::string>{"project_id", "seq", "external_id", "stage", "batches",
                                   "json_text", "asset_id", "stage_id", "task_id"});
    const std::int64_t seq = ++seq_;
    *stream_ << std::forward_as_tuple(project_id_, seq, row.external_id, row.stage,
                                      row.batches_json, row.json_text, row.asset_id, row.stage_id,
                                      row.task_id);
    ++count_;
  }

  void end_copy() {
    if (!stream_) return;
    stream_->complete();
    stream_.reset();
  }

  // With `replace`, an asset id already in the project takes the new row in its old place.
  void merge() {
    t_.exec(std::string("INSERT INTO assets (") + kAssetColumns +
            ") SELECT DISTINCT ON (asset_id) project_id, min(seq) OVER (PARTITION BY asset_id), "
            "external_id, stage, batches, json_text, asset_id, stage_id, task_id "
            "FROM import_rows ORDER BY asset_id, seq DESC "
            "ON CONFLICT (project_id, asset_id) DO UPDATE SET "
            "external_id = excluded.external_id, stage = excluded.stage, "
            "batches = excluded.batches, json_text = excluded.json_text, "
            "stage_id = excluded.stage_id, task_id = excluded.task_id");
  }

  pqxx::work& t_;
  const std::string& project_id_;
  const bool replace_;
  const Store::ConflictHandler& on_conflict_;
  std::int64_t seq_ = 0;
  std::int64_t count_ = 0;
  std::unordered_set<std::size_t> known_;
  std::optional<pqxx::stream_to> stream_;
};

}  // namespace

std::int64_t PgStore::import_assets(const std::string& project_id, bool replace,
                                    const std::function<bool(AssetRow&)>& next,
                                    const ConflictHandler& on_conflict) {
  return impl_->transaction("import into project " + project_id, [&](pqxx::work& t) {
    AssetImport import(t, project_id, replace, on_conflict);
    AssetRow row;
    while (next(row)) {
      import.add(row);
      row = AssetRow{};
    }
    const std::int64_t imported = import.finish();  // an exception above rolls all back
    if (imported > 0) pg::bump_revision(t, project_id);
    return imported;
  });
}

std::int64_t PgStore::for_each_asset(const std::string& project_id, const AssetFilter& filter,
                                     const std::function<void(const AssetRow&)>& each) {
  // A connection of its own and a cursor: one snapshot (consistent while an import commits),
  // a batch of rows in memory at a time, and no lock that stops writers.
  return pg::guarded("export of project " + project_id, [&] {
    auto connection = impl_->pool.acquire();
    pqxx::read_transaction t(*connection);
    const FilterParams p(filter);
    t.exec_params(std::string("DECLARE export_rows NO SCROLL CURSOR FOR SELECT ") + kAssetColumns +
                      " FROM assets WHERE " + kAssetWhere + " ORDER BY seq",
                  project_id, pg::maybe(p.stage_ids), pg::maybe(p.stage_names),
                  pg::maybe(p.batches), pg::maybe(p.asset_id), pg::maybe(p.external_id));
    std::int64_t count = 0;
    for (;;) {
      const pqxx::result rows = t.exec("FETCH 500 FROM export_rows");
      if (rows.empty()) break;
      for (const auto& r : rows) {
        each(read_asset(r));
        ++count;
      }
    }
    return count;
  });
}

std::int64_t PgStore::count_assets(const std::string& project_id) {
  return impl_
      ->exec("assets", "SELECT count(*) FROM assets WHERE project_id = $1", project_id)[0][0]
      .as<std::int64_t>();
}

std::vector<AssetRow> PgStore::list_assets(const std::string& project_id, const AssetFilter& filter,
                                           std::int64_t offset, std::int64_t limit,
                                           std::int64_t* total) {
  return pg::guarded("assets of project " + project_id, [&] {
    auto connection = impl_->pool.acquire();
    // One snapshot for the count and the page.
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> t(*connection);
    const FilterParams p(filter);
    if (total)
      *total =
          t.exec_params(std::string("SELECT count(*) FROM assets WHERE ") + kAssetWhere, project_id,
                        pg::maybe(p.stage_ids), pg::maybe(p.stage_names), pg::maybe(p.batches),
                        pg::maybe(p.asset_id), pg::maybe(p.external_id))[0][0]
              .as<std::int64_t>();
    const pqxx::result r = t.exec_params(
        std::string("SELECT ") + kAssetColumns + " FROM assets WHERE " + kAssetWhere +
            " ORDER BY seq LIMIT $7 OFFSET $8",
        project_id, pg::maybe(p.stage_ids), pg::maybe(p.stage_names), pg::maybe(p.batches),
        pg::maybe(p.asset_id), pg::maybe(p.external_id), limit, offset);
    std::vector<AssetRow> rows;
    for (const auto& row : r)
      rows.push_back(read_asset(row));
    return rows;
  });
}

std::optional<AssetRow> PgStore::find_task(const std::string& task_id) {
  if (auto found = impl_->one(
          std::string("SELECT ") + kAssetColumns + " FROM assets WHERE task_id = $1 LIMIT 1",
          read_asset, task_id))
    return found;
  // A task the export gave no id is listed under its asset's id (platform_read_routes).
  return impl_->one(std::string("SELECT ") + kAssetColumns +
                        " FROM assets WHERE task_id = '' AND asset_id = $1 LIMIT 1",
                    read_asset, task_id);
}

std::int64_t PgStore::count_repeated_external_ids(const std::string& project_id) {
  return impl_
      ->exec("assets",
             "SELECT count(*) FROM (SELECT external_id FROM assets WHERE project_id = $1 AND "
             "external_id <> '' GROUP BY external_id HAVING count(*) > 1) AS repeated",
             project_id)[0][0]
      .as<std::int64_t>();
}

std::int64_t PgStore::add_issues(const std::string& project_id,
                                 const std::vector<IssueRow>& issues) {
  return impl_->transaction("issues of project " + project_id, [&](pqxx::work& t) {
    t.exec_params("SELECT pg_advisory_xact_lock($1, hashtext($2))", pg::kIssueLock, project_id);
    std::int64_t seq =
        t.exec_params("SELECT coalesce(max(seq), 0) FROM issues WHERE project_id = $1",
                      project_id)[0][0]
            .as<std::int64_t>();
    for (const IssueRow& issue : issues)
      t.exec_params(
          "INSERT INTO issues (project_id, seq, id, asset_id, json_text, created_at) "
          "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (project_id, id) DO UPDATE SET "
          "asset_id = excluded.asset_id, json_text = excluded.json_text",
          project_id, ++seq, issue.id, issue.asset_id, issue.json_text, issue.created_at);
    pg::bump_revision(t, project_id);
    return static_cast<std::int64_t>(issues.size());
  });
}

std::vector<IssueRow> PgStore::list_issues(const std::string& project_id, std::int64_t offset,
                                           std::int64_t limit, std::int64_t* total) {
  return pg::guarded("issues of project " + project_id, [&] {
    auto connection = impl_->pool.acquire();
    pqxx::transaction<pqxx::repeatable_read, pqxx::read_only> t(*connection);
    if (total)
      *total = t.exec_params("SELECT count(*) FROM issues WHERE project_id = $1", project_id)[0][0]
                   .as<std::int64_t>();
    const pqxx::result r = t.exec_params(
        "SELECT project_id, id, asset_id, json_text, created_at FROM issues "
        "WHERE project_id = $1 ORDER BY seq LIMIT $2 OFFSET $3",
        project_id, limit, offset);
    std::vector<IssueRow> rows;
    for (const auto& row : r)
      rows.push_back(
          IssueRow{text(row, 0), text(row, 1), text(row, 2), text(row, 3), integer(row, 4)});
    return rows;
  });
}

}  // namespace xport::hub
