#include "formats/classification/classification_format.hpp"

#include "formats/builtin_formats.hpp"

#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "formats/classification/record_file.hpp"
#include "formats/common/text.hpp"
#include "formats/csv/table.hpp"

namespace xport::formats {
namespace {

// One asset's row before its questions have column numbers (those are given in input
// order, in commit()).
struct PendingRow {
  std::string prefix;                                      // encoded asset columns
  std::vector<std::pair<std::string, std::string>> cells;  // question path -> answer
};

struct ClassificationChunk {
  std::vector<PendingRow> rows;
  std::size_t used = 0;  // rows[0, used) are this chunk's; the rest is reusable storage
  std::string labels;
  Report report;
};

// Every classification (nested ones too) as ("Parent/Child", answer) cells. A question
// answered more than once in one asset (pages, frames) keeps all answers joined with "|".
void collect(const aaf::ClassificationList& list, std::string& path, PendingRow& row,
             bool& repeated) {
  for (const aaf::Classification& c : list) {
    const std::size_t mark = path.size();
    if (mark) path += '/';
    path += c.title();
    std::string answer;
    table::append_answer(answer, c);
    bool merged = false;
    for (auto& [key, value] : row.cells) {
      if (key == path) {
        value += '|';
        value += answer;
        merged = repeated = true;
        break;
      }
    }
    if (!merged) row.cells.emplace_back(path, std::move(answer));
    collect(c.children(), path, row, repeated);
    path.resize(mark);
  }
}

class ClassificationConversion final : public ChunkedConversion<ClassificationChunk> {
 public:
  ClassificationConversion(FormatContext& context, std::optional<std::string> question)
      : context_(context), question_(std::move(question)) {
    // labels.txt streams as assets commit; the table follows at finish().
    if (question_) context_.zip.begin_entry("labels.txt", context_.entry);
  }

  void consume_asset(const aaf::Asset& asset, ClassificationChunk& chunk) override {
    if (chunk.used == chunk.rows.size()) chunk.rows.emplace_back();
    PendingRow& row = chunk.rows[chunk.used];
    row.prefix.clear();
    row.cells.clear();
    table::Row prefix(row.prefix, table::kCsv);
    prefix.field(asset.url());
    prefix.field(asset.external_id());
    prefix.field(asset.asset_id());
    prefix.field(asset.location().line);
    std::string path;
    bool repeated = false;
    collect(asset.classifications(), path, row, repeated);

    std::string label;
    std::string_view label_note;
    if (!question_) {
      label_note = "not in labels.txt: option \"question\" not set";
    } else {
      label_note = find_label(asset, label);
    }
    // Nothing below throws (short of memory): the chunk changes only now.
    ++chunk.used;
    chunk.labels += label;
    if (repeated)
      chunk.report.note(Report::Action::altered,
                        "question answered more than once (answers joined with \"|\")", asset);
    if (!label_note.empty()) chunk.report.note(Report::Action::ignored, label_note, asset);
    chunk.report.count_asset();
  }

  void commit_chunk(ClassificationChunk& chunk) override {
    std::string line;
    std::vector<const std::string*> by_column;
    for (std::size_t i = 0; i < chunk.used; ++i) {
      PendingRow& row = chunk.rows[i];
      by_column.clear();
      for (const auto& [key, value] : row.cells) {
        auto [it, added] = columns_.try_emplace(key, static_cast<std::uint32_t>(titles_.size()));
        if (added) titles_.push_back(key);
        if (by_column.size() <= it->second) by_column.resize(it->second + 1, nullptr);
        by_column[it->second] = &value;
      }
      // The row holds its questions' columns only: every later column is new, so the
      // row is padded with empty fields at finish() once the column count is known.
      line = row.prefix;
      for (const std::string* value : by_column) {
        line += ',';
        if (value) text::append_csv_field(line, *value);
      }
      spool_.write(static_cast<std::uint32_t>(by_column.size()), line);
    }
    if (question_) context_.zip.write(chunk.labels);
    context_.report.merge(chunk.report);
    chunk.used = 0;
    chunk.labels.clear();
    chunk.report.clear();
  }

  void finish() override {
    if (question_) context_.zip.end_entry();
    context_.zip.begin_entry(context_.project_id + ".csv", context_.entry);
    std::string out;
    table::Row header(out, table::kCsv);
    for (std::string_view name : {"asset", "externalId", "assetId", "line"})
      header.field(name);
    for (const std::string& title : titles_)
      header.field(title);
    header.end();
    spool_.rewind();
    std::uint32_t written = 0;
    std::string row;
    while (spool_.next(written, row)) {
      out += row;
      out.append(titles_.size() - written, ',');
      out += table::kCsv.line_end;
      if (out.size() >= (1u << 20)) {
        context_.zip.write(out);
        out.clear();
      }
    }
    context_.zip.write(out);
    context_.zip.end_entry();
  }

 private:
  // Appends the asset's labels.txt line to `label`, or says why there is none.
  std::string_view find_label(const aaf::Asset& asset, std::string& label) const {
    for (const aaf::Classification& c : asset.classifications()) {
      if (c.title() != *question_) continue;
      if (c.answer_kind() == aaf::AnswerKind::list)
        return "not in labels.txt: \"question\" has a list answer (needs a single answer)";
      if (c.answer().empty()) break;
      text::append_tsv_field(label, asset.external_id());
      label += '\t';
      text::append_tsv_field(label, c.answer());
      label += '\n';
      return {};
    }
    return "not in labels.txt: asset without an answer to \"question\"";
  }

  FormatContext& context_;
  std::optional<std::string> question_;
  RecordFile spool_;
  std::unordered_map<std::string, std::uint32_t> columns_;
  std::vector<std::string> titles_;
};

}  // namespace

const OptionList<ClassificationOptions>& ClassificationOptions::declarations() {
  static const auto list = [] {
    OptionList<ClassificationOptions> o;
    o.option(&ClassificationOptions::question, "question", std::optional<std::string>(),
             "Title of the task-level radio question whose answer becomes each asset's label in "
             "labels.txt (\"<externalId> TAB <answer>\", TSV escapes). Without it no labels.txt "
             "is written. Assets without a single answer to it are left out of labels.txt and "
             "reported.");
    return o;
  }();
  return list;
}

std::unique_ptr<Format> classification_format() {
  return std::make_unique<DeclaredFormat<ClassificationOptions>>(
      FormatInfo{.name = "classification",
                 .description =
                     "Classification table (<projectId>.csv, RFC 4180): one row per asset with one "
                     "column per classification question (nested ones as \"Parent/Child\"), list "
                     "answers joined with \"|\"; with \"question\", also an ImageNet-style "
                     "labels.txt.",
                 .fields = aaf::Fields::classifications,
                 .geometry = {}},
      [](FormatContext& context, ClassificationOptions options) -> std::unique_ptr<Conversion> {
        return std::make_unique<ClassificationConversion>(context, std::move(options.question));
      });
}

}  // namespace xport::formats
