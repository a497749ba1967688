#include "formats/csv/table.hpp"

#include "formats/common/text.hpp"

namespace xport::formats::table {
namespace {

void flatten_into(std::string& out, const aaf::ClassificationList& list, std::string& path) {
  for (const aaf::Classification& c : list) {
    const std::size_t mark = path.size();
    path += c.title();
    path += '=';
    append_answer(path, c);
    const aaf::ClassificationList children = c.children();
    if (children.empty()) {
      if (!out.empty()) out += "; ";
      out += path;
    } else {
      // Only leaves are written: each carries its parents' answers in its path.
      path += '/';
      flatten_into(out, children, path);
    }
    path.resize(mark);
  }
}

}  // namespace

void Row::separate() {
  if (!first_) out_ += dialect_.delimiter;
  first_ = false;
}

void Row::field(std::string_view value) {
  separate();
  if (dialect_.tsv)
    text::append_tsv_field(out_, value);
  else
    text::append_csv_field(out_, value, dialect_.delimiter);
}

void Row::raw(std::string_view encoded) {
  separate();
  out_ += encoded;
}

void append_answer(std::string& out, const aaf::Classification& c) {
  if (c.answer_kind() == aaf::AnswerKind::text) {
    out += c.answer();
    return;
  }
  bool first = true;
  for (std::string_view a : c.answers()) {
    if (!first) out += '|';
    first = false;
    out += a;
  }
}

std::string flatten(const aaf::ClassificationList& list) {
  std::string out;
  std::string path;
  flatten_into(out, list, path);
  return out;
}

}  // namespace xport::formats::table
