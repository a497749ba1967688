#include "xport/report.hpp"

#include <fmt/format.h>
#include <boost/json.hpp>

namespace xport {

std::string_view Report::to_string(Action a) {
  switch (a) {
    case Action::dropped:
      return "dropped";
    case Action::altered:
      return "altered";
    case Action::ignored:
      return "ignored";
  }
  return "?";
}

void Report::count_object(std::string_view class_name, aaf::ObjectKind kind) {
  ++objects_;
  auto c = per_class_.find(class_name);
  if (c == per_class_.end()) c = per_class_.emplace(std::string(class_name), 0).first;
  ++c->second;
  ++per_kind_[static_cast<std::size_t>(kind)];
}

void Report::note(Action action, std::string_view reason, const aaf::Asset& asset,
                  std::string_view detail) {
  auto key = std::make_pair(action, std::string(reason));
  Entry& e = notes_[key];
  ++e.count;
  if (e.examples.size() < kExamplesPerReason)
    e.examples.push_back({asset.location(), std::string(asset.external_id()), std::string(detail)});
}

void Report::merge(const Report& other) {
  assets_ += other.assets_;
  objects_ += other.objects_;
  for (const auto& [k, n] : other.per_class_)
    per_class_[k] += n;
  for (std::size_t i = 0; i < per_kind_.size(); ++i)
    per_kind_[i] += other.per_kind_[i];
  for (const auto& [k, e] : other.notes_) {
    Entry& mine = notes_[k];
    mine.count += e.count;
    for (const auto& ex : e.examples) {
      if (mine.examples.size() >= kExamplesPerReason) break;
      mine.examples.push_back(ex);
    }
  }
}

void Report::clear() {
  *this = Report();
}

std::uint64_t Report::count(Action action) const {
  std::uint64_t n = 0;
  for (const auto& [k, e] : notes_)
    if (k.first == action) n += e.count;
  return n;
}

boost::json::object Report::to_json() const {
  boost::json::object out;
  out["assets"] = assets_;
  out["objects"] = objects_;
  boost::json::object classes, kinds;
  std::map<std::string_view, std::uint64_t> sorted(per_class_.begin(), per_class_.end());
  for (const auto& [k, n] : sorted)
    classes[k] = n;
  for (std::size_t i = 0; i < per_kind_.size(); ++i)
    if (per_kind_[i]) kinds[aaf::to_string(static_cast<aaf::ObjectKind>(i))] = per_kind_[i];
  out["objects_per_class"] = std::move(classes);
  out["objects_per_kind"] = std::move(kinds);
  boost::json::array notes;
  for (const auto& [k, e] : notes_) {
    boost::json::array examples;
    for (const auto& ex : e.examples) {
      boost::json::object o{{"line", ex.location.line},
                            {"asset", ex.location.element},
                            {"byte", ex.location.byte_offset},
                            {"externalId", ex.external_id}};
      if (!ex.detail.empty()) o["detail"] = ex.detail;
      examples.push_back(std::move(o));
    }
    notes.push_back(boost::json::object{{"action", to_string(k.first)},
                                        {"reason", k.second},
                                        {"count", e.count},
                                        {"examples", std::move(examples)}});
  }
  out["notes"] = std::move(notes);
  return out;
}

std::vector<std::string> Report::summary_lines() const {
  std::vector<std::string> lines;
  for (const auto& [k, e] : notes_) {
    std::string line = fmt::format("{} {}: {}", to_string(k.first), e.count, k.second);
    if (!e.examples.empty()) {
      const auto& ex = e.examples.front();
      line += fmt::format(" (e.g. line {}, asset {}", ex.location.line, ex.location.element);
      if (!ex.external_id.empty()) line += fmt::format(" \"{}\"", ex.external_id);
      if (!ex.detail.empty()) line += fmt::format(": {}", ex.detail);
      line += ")";
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace xport
