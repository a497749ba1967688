// `csv` and `tsv`: flat tables, one row per object (or per asset), for spreadsheets and
// pandas. One conversion, registered twice with a different dialect.
//
// Output: `<projectId>.csv` (RFC 4180: quoted fields, CRLF) or `<projectId>.tsv` (no
// quoting: tab, LF, CR, backslash escaped as \t \n \r \\; LF line ends), with a header row.
#pragma once

#include "formats/csv/table.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats {

struct CsvOptions {
  bool per_asset;        // one row per asset, not per object
  bool classifications;  // the classifications column
  bool empty_rows;       // per object: a row for assets without objects
  static const OptionList<CsvOptions>& declarations();
};

}  // namespace xport::formats
