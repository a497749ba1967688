#include "formats/csv/csv_format.hpp"

#include "formats/builtin_formats.hpp"

#include <string>
#include <vector>

#include "formats/csv/geometry_json.hpp"

namespace xport::formats {
namespace {

// A report entry decided while building an asset's rows, applied only once the asset
// cannot fail any more (consume() must leave the chunk unchanged when it throws).
struct PendingNote {
  Report::Action action;
  std::string_view reason;
  std::string detail;
};

struct CsvChunk {
  std::string text;  // the chunk's rows
  Report report;
  // Scratch for one asset.
  std::string rows;
  std::string prefix;
  std::vector<PendingNote> notes;
  std::vector<aaf::Object> counted;
};

class DelimitedConversion final : public ChunkedConversion<CsvChunk> {
 public:
  DelimitedConversion(FormatContext& context, const table::Dialect& dialect, CsvOptions options)
      : context_(context), dialect_(dialect), options_(options) {
    context_.zip.begin_entry(context_.project_id + (dialect_.tsv ? ".tsv" : ".csv"),
                             context_.entry);
    std::string header;
    table::Row row(header, dialect_);
    for (std::string_view name : {"asset", "externalId", "assetId", "taskId", "line"})
      row.field(name);
    if (options_.per_asset) {
      row.field("objects");
      row.field("classes");
    } else {
      for (std::string_view name : {"page", "class", "objectId", "geometryType", "geometry"})
        row.field(name);
    }
    if (options_.classifications) row.field("classifications");
    row.end();
    context_.zip.write(header);
  }

  void consume_asset(const aaf::Asset& asset, CsvChunk& chunk) override {
    chunk.rows.clear();
    chunk.notes.clear();
    chunk.counted.clear();
    // The asset's columns, encoded once and shared by its rows.
    chunk.prefix.clear();
    table::Row prefix(chunk.prefix, dialect_);
    prefix.field(asset.url());
    prefix.field(asset.external_id());
    prefix.field(asset.asset_id());
    prefix.field(asset.task_id());
    prefix.field(asset.location().line);

    if (options_.per_asset)
      asset_row(asset, chunk);
    else
      object_rows(asset, chunk);

    // Nothing below throws (short of memory): the chunk changes only now.
    chunk.text += chunk.rows;
    for (const PendingNote& n : chunk.notes)
      chunk.report.note(n.action, n.reason, asset, n.detail);
    for (const aaf::Object& o : chunk.counted)
      chunk.report.count_object(o.title(), o.kind());
    chunk.report.count_asset();
  }

  void commit_chunk(CsvChunk& chunk) override {
    context_.zip.write(chunk.text);
    context_.report.merge(chunk.report);
    chunk.text.clear();
    chunk.report.clear();
  }

  void finish() override { context_.zip.end_entry(); }

 private:
  // Invalid objects are noted and left out; the rest are collected in chunk.counted.
  void collect_objects(const aaf::Asset& asset, CsvChunk& chunk) const {
    for (const aaf::Object& object : asset.objects()) {
      if (object.kind() == aaf::ObjectKind::invalid) {
        chunk.notes.push_back({Report::Action::dropped, "invalid object",
                               object.path() + ": " + std::string(object.problem())});
        continue;
      }
      chunk.counted.push_back(object);
    }
  }

  void object_rows(const aaf::Asset& asset, CsvChunk& chunk) const {
    collect_objects(asset, chunk);
    std::string cell;
    for (const aaf::Object& object : chunk.counted) {
      table::Row row(chunk.rows, dialect_);
      row.raw(chunk.prefix);
      if (auto page = object.page())
        row.field(std::to_string(*page));
      else
        row.field("");
      row.field(object.title());
      row.field(object.object_id());
      row.field(aaf::to_string(object.kind()));
      cell.clear();
      if (!table::append_geometry_json(cell, object))
        chunk.notes.push_back({Report::Action::altered, "no known geometry (geometry left empty)",
                               object.path() + ": " + std::string(aaf::to_string(object.kind()))});
      row.field(cell);
      if (options_.classifications) row.field(table::flatten(object.classifications()));
      row.end();
    }
    if (asset.objects().empty()) {
      if (!options_.empty_rows) {
        chunk.notes.push_back({Report::Action::ignored,
                               "asset without objects (no row; \"empty_rows\" writes one)", ""});
        return;
      }
      table::Row row(chunk.rows, dialect_);
      row.raw(chunk.prefix);
      for (int i = 0; i < 5 + (options_.classifications ? 1 : 0); ++i)
        row.field("");
      row.end();
    }
  }

  void asset_row(const aaf::Asset& asset, CsvChunk& chunk) const {
    collect_objects(asset, chunk);
    // Distinct class names in first-appearance order (few per asset: a linear scan).
    std::vector<std::string_view> classes;
    for (const aaf::Object& object : chunk.counted) {
      std::string_view title = object.title();
      bool seen = false;
      for (std::string_view c : classes)
        seen = seen || c == title;
      if (!seen) classes.push_back(title);
    }
    std::string joined;
    for (std::size_t i = 0; i < classes.size(); ++i) {
      if (i) joined += '|';
      joined += classes[i];
    }
    table::Row row(chunk.rows, dialect_);
    row.raw(chunk.prefix);
    row.field(static_cast<std::uint64_t>(chunk.counted.size()));
    row.field(joined);
    if (options_.classifications) row.field(table::flatten(asset.classifications()));
    row.end();
  }

  FormatContext& context_;
  const table::Dialect& dialect_;
  CsvOptions options_;
};

}  // namespace

const OptionList<CsvOptions>& CsvOptions::declarations() {
  static const auto list = [] {
    OptionList<CsvOptions> o;
    o.option(&CsvOptions::per_asset, "one_row_per_asset", false,
             "One row per asset instead of one per object: asset, externalId, assetId, taskId, "
             "line, objects (count), classes (distinct class names joined with \"|\"), "
             "classifications (the task-level ones, flattened).");
    o.option(&CsvOptions::classifications, "include_classifications", true,
             "Write the classifications column: answers flattened as \"title=answer\" joined "
             "with \"; \", nested ones as \"Parent=answer/Child=answer\", list answers joined "
             "with \"|\". Per object: the object's classifications; per asset: the task-level "
             "ones.");
    o.option(&CsvOptions::empty_rows, "empty_rows", false,
             "One row per object only: also write a row (with empty object columns) for each "
             "asset without objects. When false such assets are listed in report.json instead.");
    return o;
  }();
  return list;
}

// csv and tsv: the same conversion in two dialects.
constexpr aaf::Fields kFields = aaf::Fields::objects | aaf::Fields::classifications;

std::unique_ptr<Format> csv_format() {
  return std::make_unique<DeclaredFormat<CsvOptions>>(
      FormatInfo{
          .name = "csv",
          .description =
              "Flat CSV table (<projectId>.csv, RFC 4180): one row per object (or per asset) "
              "with asset, ids, input line, class, geometry type, geometry as JSON and "
              "flattened classifications.",
          .fields = kFields},
      [](FormatContext& context, CsvOptions options) -> std::unique_ptr<Conversion> {
        return std::make_unique<DelimitedConversion>(context, table::kCsv, options);
      });
}

std::unique_ptr<Format> tsv_format() {
  return std::make_unique<DeclaredFormat<CsvOptions>>(
      FormatInfo{.name = "tsv",
                 .description =
                     "Flat TSV table (<projectId>.tsv): one row per object (or per asset) "
                     "with asset, ids, input line, class, geometry type, geometry as "
                     "JSON and flattened classifications; tabs, newlines and "
                     "backslashes escaped.",
                 .fields = kFields},
      [](FormatContext& context, CsvOptions options) -> std::unique_ptr<Conversion> {
        return std::make_unique<DelimitedConversion>(context, table::kTsv, options);
      });
}

}  // namespace xport::formats
