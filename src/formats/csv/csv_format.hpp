// `csv` and `tsv`: flat tables, one row per object (or per asset), for spreadsheets and
// pandas. One class, registered twice with a different dialect.
//
// Output: `<projectId>.csv` (RFC 4180: quoted fields, CRLF) or `<projectId>.tsv` (no
// quoting: tab, LF, CR, backslash escaped as \t \n \r \\; LF line ends), with a header row.
#pragma once

#include "formats/csv/table.hpp"
#include "xport/format.hpp"

namespace xport::formats {

class DelimitedFormat final : public Format {
 public:
  explicit DelimitedFormat(bool tsv) : tsv_(tsv) {}
  std::string_view name() const override { return tsv_ ? "tsv" : "csv"; }
  std::string_view description() const override;
  std::span<const OptionSpec> options() const override;
  aaf::Fields fields() const override {
    return aaf::Fields::objects | aaf::Fields::classifications;
  }
  std::unique_ptr<Conversion> start(FormatContext& context) const override;

 private:
  bool tsv_;
};

}  // namespace xport::formats
