// What a conversion kept, changed and left out, and why. Every format fills one; the CLI
// prints its summary and formats may write it into the result (report.json), so nothing
// is ever dropped silently.
#pragma once

#include <boost/json/object.hpp>

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "xport/aaf/model.hpp"
#include "xport/string_hash.hpp"

namespace xport {

class Report {
 public:
  // How many examples (asset references) are kept per reason.
  static constexpr std::size_t kExamplesPerReason = 5;

  enum class Action { dropped, altered, ignored };
  static std::string_view to_string(Action a);

  void count_asset() { ++assets_; }
  // An object written to the output, by class and geometry kind.
  void count_object(std::string_view class_name, aaf::ObjectKind kind);
  // Something that did not reach the output as it was: `what` is the subject ("object",
  // "asset"), `reason` a short stable phrase; examples point at the asset.
  void note(Action action, std::string_view reason, const aaf::Asset& asset,
            std::string_view detail = {});

  // Adds another report's counts (chunk-local reports are merged in input order).
  void merge(const Report& other);
  void clear();

  std::uint64_t assets() const { return assets_; }
  std::uint64_t objects() const { return objects_; }
  std::uint64_t count(Action action) const;
  boost::json::object to_json() const;
  // One line per reason: "dropped 12 objects: polygon with 2 points (e.g. line 4, asset 3)".
  std::vector<std::string> summary_lines() const;

 private:
  struct Example {
    aaf::Location location;
    std::string external_id;
    std::string detail;
  };
  struct Entry {
    std::uint64_t count = 0;
    std::vector<Example> examples;
  };
  std::uint64_t assets_ = 0;
  std::uint64_t objects_ = 0;
  // Looked up once per object: hashed, with string_view lookups that do not allocate.
  StringMap<std::uint64_t> per_class_;
  std::array<std::uint64_t, static_cast<std::size_t>(aaf::ObjectKind::invalid) + 1> per_kind_{};
  std::map<std::pair<Action, std::string>, Entry, std::less<>> notes_;
};

}  // namespace xport
