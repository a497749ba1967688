// Row writing shared by the flat-table formats (csv, tsv, classification): one dialect
// type so that every field of every row goes through the same quoting/escaping.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "xport/aaf/model.hpp"

namespace xport::formats::table {

struct Dialect {
  char delimiter = ',';
  bool tsv = false;  // escape (\t \n \r \\) instead of RFC 4180 quoting
  // RFC 4180 asks for CRLF; TSV readers expect LF.
  std::string_view line_end = "\r\n";
};

inline constexpr Dialect kCsv{',', false, "\r\n"};
inline constexpr Dialect kTsv{'\t', true, "\n"};

// Appends fields of one row to `out`, delimiters between them.
class Row {
 public:
  Row(std::string& out, const Dialect& dialect) : out_(out), dialect_(dialect) {}
  void field(std::string_view value);
  void field(std::uint64_t value) { field(std::string_view(std::to_string(value))); }
  // A field whose text is already encoded for the dialect (e.g. a cached prefix).
  void raw(std::string_view encoded);
  void end() { out_ += dialect_.line_end; }

 private:
  void separate();
  std::string& out_;
  const Dialect& dialect_;
  bool first_ = true;
};

// An answer as one string: the text answer, or a list answer joined with "|".
void append_answer(std::string& out, const aaf::Classification& c);

// Classifications as "title=answer" leaf paths joined with "; "; a nested answer is the
// path from its top-level question: "Parent=ans/Child=ans".
std::string flatten(const aaf::ClassificationList& list);

}  // namespace xport::formats::table
