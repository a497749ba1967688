// Runs xport::convert() on an in-memory export and returns the zip's entries, so tests can
// look at the files a user would unzip. Shared by the yolo, voc and kitti tests.
#pragma once

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "xport/format.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::test {

struct Output {
  std::map<std::string, std::string> entries;  // name -> content, report.json excluded
  std::vector<std::string> order;              // entry names as written
  boost::json::object report;

  bool has(const std::string& name) const { return entries.count(name) != 0; }
  const std::string& at(const std::string& name) const {
    auto it = entries.find(name);
    if (it == entries.end()) throw std::runtime_error("no entry " + name);
    return it->second;
  }
  // The count of the report note with this action whose reason contains `reason`.
  std::uint64_t note(std::string_view action, std::string_view reason) const {
    std::uint64_t n = 0;
    for (const auto& v : report.at("output").at("notes").as_array()) {
      const auto& o = v.as_object();
      if (o.at("action").as_string() == action &&
          std::string_view(o.at("reason").as_string()).find(reason) != std::string_view::npos)
        n += o.at("count").to_number<std::uint64_t>();
    }
    return n;
  }
  std::uint64_t objects() const {
    return report.at("output").at("objects").to_number<std::uint64_t>();
  }
  // Entry names under `prefix`.
  std::vector<std::string> under(std::string_view prefix) const {
    std::vector<std::string> out;
    for (const auto& [name, content] : entries)
      if (name.starts_with(prefix)) out.push_back(name);
    return out;
  }
};

inline Output convert_to(std::string_view format_name, std::string_view input,
                         std::string_view config = "{}", unsigned threads = 2) {
  const Format* format = find_format(format_name);
  if (!format) throw std::runtime_error(std::string(format_name) + " is not registered");
  StringSink sink;
  ConvertOptions options;
  options.threads = threads;
  convert(std::make_unique<MemorySource>(input), sink, *format, parse_config(config), options);
  Output out;
  MemorySource zipped(sink.data());
  zip::Reader reader(zipped);
  while (reader.next_entry()) {
    std::string content;
    char buffer[65536];
    while (std::size_t n = reader.read(buffer, sizeof buffer))
      content.append(buffer, n);
    out.order.push_back(reader.name());
    if (reader.name() == "report.json")
      out.report = boost::json::parse(content).as_object();
    else
      out.entries.emplace(reader.name(), std::move(content));
  }
  return out;
}

// One NDJSON line of a v3 asset; `tools` and `metadata` are JSON text.
inline std::string asset(std::string_view external_id, std::string_view tools,
                         std::string_view metadata = R"({"width":200,"height":100})",
                         std::string_view extra = "") {
  std::string s = R"({"asset":"https://x/)";
  s += external_id;
  s += R"(","externalId":")";
  s += external_id;
  s += R"(","metadata":)";
  s += metadata;
  s += extra;
  s += R"(,"task":{"tools":[)";
  s += tools;
  s += "]}}\n";
  return s;
}

inline std::string box(std::string_view title, double x, double y, double w, double h) {
  std::ostringstream s;
  s.precision(17);
  s << R"({"title":")" << title << R"(","bounding-box":{"x":)" << x << ",\"y\":" << y
    << ",\"width\":" << w << ",\"height\":" << h << "}}";
  return s.str();
}

inline std::vector<std::string> lines(std::string_view text) {
  std::vector<std::string> out;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);)
    out.push_back(line);
  return out;
}

inline std::vector<std::string> fields(std::string_view line) {
  std::vector<std::string> out;
  std::istringstream in{std::string(line)};
  for (std::string f; in >> f;)
    out.push_back(f);
  return out;
}

inline std::vector<double> numbers(std::string_view line) {
  std::vector<double> out;
  for (const auto& f : fields(line))
    out.push_back(std::stod(f));
  return out;
}

}  // namespace xport::test
