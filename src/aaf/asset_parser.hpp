// Turns one asset's JSON text into AssetData in a single forward pass (simdjson
// On-Demand): documented fields are decoded, everything else is skipped undecoded.
#pragma once

#include <simdjson.h>

#include <array>
#include <cstring>
#include <deque>
#include <string>
#include <vector>

#include "aaf/asset_data.hpp"
#include "xport/aaf/reader.hpp"

namespace xport::aaf {

// An object key as written in the JSON text (escapes left in place), compared without
// measuring it first: the known AAF keys contain no escapes, and the key text is followed
// by its closing quote (and the document by simdjson's padding), so comparing the
// literal plus that quote is exact and never reads out of bounds.
class RawKey {
 public:
  explicit RawKey(const char* text) : p_(text) {}
  template <std::size_t N>
  bool operator==(const char (&literal)[N]) const {
    return std::memcmp(p_, literal, N - 1) == 0 && p_[N - 1] == '"';
  }
  char first() const { return p_[0]; }
  const char* raw() const { return p_; }
  // The key text up to its closing quote (for messages).
  std::string_view view() const;

 private:
  const char* p_;
};

class AssetParser {
 public:
  explicit AssetParser(const ReadOptions& options)
      : fields_(options.fields), geometry_(options.geometry), validate_(options.validate) {}

  // Parses json[0, size) (followed by simdjson's padding). Returns true and fills data(),
  // or returns false and fills `problem` (path + reason; the caller adds the source).
  bool parse(const char* json, std::size_t size, const Location& where, Problem& problem);
  const detail::AssetData& data() const { return data_; }

 private:
  struct PathSegment {
    const char* key = nullptr;  // raw key text; null for an array index
    std::size_t index = 0;
  };
  static constexpr std::size_t kMaxPath = 32;  // deeper paths are elided in messages
  class PathGuard;

  bool parse_in_place(const char* json, std::size_t size, const Location& where, Problem& problem);
  void read_asset(simdjson::ondemand::value asset);
  void read_metadata(simdjson::ondemand::value v);
  void read_task(simdjson::ondemand::value task);
  void read_objects(simdjson::ondemand::value list);
  void read_object(simdjson::ondemand::value v, detail::ObjectRec& rec);
  void read_geometry(ObjectKind kind, simdjson::ondemand::value v, detail::ObjectRec& rec);
  detail::Range read_classifications(simdjson::ondemand::value list);
  void read_classification(simdjson::ondemand::value v, std::uint32_t index);
  void read_relations(simdjson::ondemand::value list);
  void read_stage_history(simdjson::ondemand::value list);
  detail::Range read_strings(simdjson::ondemand::value list);

  Box read_box(simdjson::ondemand::value v);
  RotatedBox read_rotated_box(simdjson::ondemand::value v);
  Point read_point(simdjson::ondemand::value v);
  detail::Range read_points(simdjson::ondemand::value v);
  detail::Range read_zones(simdjson::ondemand::value v);
  NerSpan read_ner(simdjson::ondemand::value v);
  detail::PdfRec read_pdf(simdjson::ondemand::value v);
  PdfRect read_pdf_rect(simdjson::ondemand::value v);

  double number(simdjson::ondemand::value v);
  std::optional<double> optional_number(simdjson::ondemand::value v);
  int page(simdjson::ondemand::value v);
  std::string_view text(simdjson::ondemand::value v);
  Scalar scalar(simdjson::ondemand::value v);
  simdjson::ondemand::object object(simdjson::ondemand::value v);
  simdjson::ondemand::array array(simdjson::ondemand::value v);
  simdjson::ondemand::json_type type_of(simdjson::ondemand::value v);
  bool is_null(simdjson::ondemand::value v);

  [[noreturn]] void type_error(const char* expected, simdjson::ondemand::value v);
  [[noreturn]] void fail(std::string reason, bool recoverable = true);
  void check(simdjson::error_code error);
  std::string path_text() const;
  std::string_view keep(std::string text);

  Fields fields_;
  KindSet geometry_;
  bool validate_;
  simdjson::ondemand::parser ondemand_;
  simdjson::dom::parser dom_;
  std::vector<char> scratch_;  // a failed asset read again, followed by zeros
  detail::AssetData data_;
  std::array<PathSegment, kMaxPath> path_{};
  std::size_t depth_ = 0;
  std::deque<std::string> owned_;  // message texts referenced by ObjectRec::problem
};

}  // namespace xport::aaf
