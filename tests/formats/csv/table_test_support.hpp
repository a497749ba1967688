// Runs xport::convert() on an in-memory export and returns the zip's entries, plus a small
// RFC 4180 / TSV reader, for the csv, tsv and classification tests.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "xport/format.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::test {

struct TableOutput {
  std::map<std::string, std::string> entries;  // report.json excluded
  boost::json::object report;

  const std::string& at(const std::string& name) const {
    auto it = entries.find(name);
    if (it == entries.end()) throw std::runtime_error("no entry " + name);
    return it->second;
  }
  bool has(const std::string& name) const { return entries.count(name) != 0; }
  // Count of the notes with this action whose reason contains `reason`.
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
  // The first example detail of the first matching note ("" when none).
  std::string detail(std::string_view reason) const {
    for (const auto& v : report.at("output").at("notes").as_array()) {
      const auto& o = v.as_object();
      if (std::string_view(o.at("reason").as_string()).find(reason) == std::string_view::npos)
        continue;
      for (const auto& ex : o.at("examples").as_array())
        if (const auto* d = ex.as_object().if_contains("detail"))
          return std::string(d->as_string());
    }
    return "";
  }
  std::uint64_t count(const char* key) const {
    return report.at("output").at(key).to_number<std::uint64_t>();
  }
};

inline TableOutput convert_table(std::string_view format_name, std::string_view input,
                                 std::string_view config = "{}", unsigned threads = 2) {
  const Format* format = find_format(format_name);
  if (!format) throw std::runtime_error(std::string(format_name) + " is not registered");
  StringSink sink;
  ConvertOptions options;
  options.threads = threads;
  options.project_id = "proj";
  convert(std::make_unique<MemorySource>(input), sink, *format, parse_config(config), options);
  TableOutput out;
  MemorySource zipped(sink.data());
  zip::Reader reader(zipped);
  while (reader.next_entry()) {
    std::string content;
    char buffer[65536];
    while (std::size_t n = reader.read(buffer, sizeof buffer))
      content.append(buffer, n);
    if (reader.name() == "report.json")
      out.report = boost::json::parse(content).as_object();
    else
      out.entries.emplace(reader.name(), std::move(content));
  }
  return out;
}

using Rows = std::vector<std::vector<std::string>>;

// RFC 4180 reader (quoted fields, doubled quotes, CRLF or LF), strict: throws on a stray
// quote, so malformed output fails the test.
inline Rows parse_csv(std::string_view text) {
  Rows rows;
  std::vector<std::string> row;
  std::string field;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      ++i;
      for (;;) {
        if (i >= text.size()) throw std::runtime_error("unterminated quote");
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field += text[i++];
      }
    }
    while (i < text.size() && text[i] != ',' && text[i] != '\r' && text[i] != '\n') {
      if (text[i] == '"') throw std::runtime_error("stray quote");
      field += text[i++];
    }
    row.push_back(std::move(field));
    field.clear();
    if (i < text.size() && text[i] == ',') {
      ++i;
      continue;
    }
    if (i < text.size() && text[i] == '\r') ++i;
    if (i < text.size() && text[i] == '\n') ++i;
    rows.push_back(std::move(row));
    row.clear();
  }
  return rows;
}

// TSV with \t \n \r \\ escapes.
inline Rows parse_tsv(std::string_view text) {
  Rows rows;
  std::vector<std::string> row;
  std::string field;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' && i + 1 < text.size()) {
      char e = text[++i];
      field += e == 't' ? '\t' : e == 'n' ? '\n' : e == 'r' ? '\r' : e;
    } else if (c == '\t') {
      row.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
    } else {
      field += c;
    }
  }
  return rows;
}

// One NDJSON line of a v3 asset; `tools` and `classifications` are JSON text.
inline std::string asset_line(std::string_view external_id_json, std::string_view tools,
                              std::string_view classifications = "") {
  std::string s = R"({"asset":"https://x/a.jpg","externalId":)";
  s += external_id_json;
  s += R"(,"assetId":"A1","task":{"taskId":"T1","tools":[)";
  s += tools;
  s += R"(],"classifications":[)";
  s += classifications;
  s += "]}}\n";
  return s;
}

}  // namespace xport::test
