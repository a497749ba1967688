// Runs xport::convert() with the coco format on an in-memory export and parses what it
// wrote, so tests can look at the documents as JSON.
#pragma once

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include <map>
#include <string>
#include <string_view>

#include "xport/format.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::test {

namespace json = boost::json;

struct CocoOutput {
  std::map<std::string, std::string> raw;  // entry name → content
  std::map<std::string, json::object> docs;
  json::object report;

  const json::object& doc(const std::string& name = "annotations/instances.json") const {
    auto it = docs.find(name);
    if (it == docs.end()) throw std::runtime_error("no entry " + name);
    return it->second;
  }
  const json::array& images(const std::string& name = "annotations/instances.json") const {
    return doc(name).at("images").as_array();
  }
  const json::array& annotations(const std::string& name = "annotations/instances.json") const {
    return doc(name).at("annotations").as_array();
  }
  const json::array& categories(const std::string& name = "annotations/instances.json") const {
    return doc(name).at("categories").as_array();
  }
  // How many objects a report note counts (0 when absent); `reason` is matched exactly.
  std::uint64_t note(std::string_view action, std::string_view reason) const {
    for (const json::value& n : report.at("output").at("notes").as_array())
      if (n.at("action").as_string() == action && n.at("reason").as_string() == reason)
        return n.at("count").to_number<std::uint64_t>();
    return 0;
  }
  std::uint64_t objects() const {
    return report.at("output").at("objects").to_number<std::uint64_t>();
  }
};

inline CocoOutput convert_coco(std::string_view input, std::string_view config = "{}",
                               unsigned threads = 2) {
  const Format* format = find_format("coco");
  if (!format) throw std::runtime_error("coco is not registered");
  StringSink sink;
  ConvertOptions options;
  options.threads = threads;
  convert(std::make_unique<MemorySource>(input), sink, *format, parse_config(config), options);
  CocoOutput out;
  MemorySource zipped(sink.data());
  zip::Reader reader(zipped);
  while (reader.next_entry()) {
    std::string content;
    char buffer[65536];
    while (std::size_t n = reader.read(buffer, sizeof buffer))
      content.append(buffer, n);
    json::value v = json::parse(content);
    if (reader.name() == "report.json")
      out.report = v.as_object();
    else
      out.docs.emplace(reader.name(), v.as_object());
    out.raw.emplace(reader.name(), std::move(content));
  }
  return out;
}

// One NDJSON line of a v3 asset (line breaks in the arguments become spaces).
inline std::string asset(std::string_view external_id, std::string_view tools,
                         std::string_view metadata = R"({"width":100,"height":50})",
                         std::string_view extra = "") {
  std::string s = R"({"asset":"https://x/a.jpg","externalId":")";
  s += external_id;
  s += R"(","metadata":)";
  s += metadata;
  s += extra;
  s += R"(,"task":{"tools":[)";
  s += tools;
  s += "]}}";
  // Tests write tools over several lines for readability; NDJSON wants one line.
  for (char& ch : s)
    if (ch == '\n') ch = ' ';
  return s + "\n";
}

inline double num(const json::value& v) {
  return v.to_number<double>();
}

inline std::vector<double> nums(const json::value& v) {
  std::vector<double> out;
  for (const json::value& x : v.as_array())
    out.push_back(x.to_number<double>());
  return out;
}

}  // namespace xport::test
