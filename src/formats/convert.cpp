// The conversion driver: reader → format → zip → sink, the one data path that
// `xport convert`, the plugin and the hub share.
#include <boost/json.hpp>

#include "xport/format.hpp"

namespace xport {
namespace {

// report.json keeps this many input problems verbatim (all are counted).
constexpr std::size_t kReportedProblems = 1000;

std::string_view kind_name(aaf::InputKind kind) {
  switch (kind) {
    case aaf::InputKind::ndjson:
      return "ndjson";
    case aaf::InputKind::json_array:
      return "json-array";
    case aaf::InputKind::empty:
      return "empty";
  }
  return "unknown";
}

}  // namespace

ConvertResult convert(std::unique_ptr<ByteSource> input, ByteSink& output, const Format& format,
                      const boost::json::object& config, const ConvertOptions& options) {
  validate_config(format, config);
  ConvertResult result;
  zip::Writer zip(output);
  FormatContext context{options.project_id, config, zip, result.report, zip::EntryOptions{}};
  auto conversion = format.start(context);

  std::vector<aaf::Problem> problems;
  std::uint64_t problems_total = 0;
  aaf::ReadOptions read;
  read.on_problem = [&](const aaf::Problem& p) {
    ++problems_total;
    if (problems.size() < kReportedProblems) problems.push_back(p);
    if (options.on_problem) options.on_problem(p);
  };
  read.fields = format.fields();
  read.geometry = format.geometry();
  read.on_error = options.on_error;
  read.threads = options.threads;
  read.bytes_read = options.bytes_read;
  read.assets_found = options.assets_found;
  read.total_bytes = options.total_bytes;
  // A Conversion is the reader's consumer itself.
  result.read = aaf::read_parallel(std::move(input), read, *conversion);

  conversion->finish();
  if (format.writes_report()) {
    zip.add(
        "report.json",
        boost::json::serialize(report_document(format.name(), result, problems, problems_total)),
        zip::EntryOptions{.method = zip::Method::deflate});
  }
  zip.close();
  result.output_bytes = zip.bytes_written();
  output.close();
  return result;
}

boost::json::object report_document(std::string_view format, const ConvertResult& result,
                                    const std::vector<aaf::Problem>& problems,
                                    std::uint64_t problems_total) {
  boost::json::object doc;
  doc["format"] = format;
  doc["input"] = boost::json::object{{"kind", kind_name(result.read.kind)},
                                     {"bytes", result.read.bytes},
                                     {"assets", result.read.assets},
                                     {"skipped", result.read.skipped},
                                     {"truncated", result.read.truncated}};
  doc["output"] = result.report.to_json();
  boost::json::array list;
  for (const auto& p : problems) {
    boost::json::object o{{"line", p.where.line},
                          {"asset", p.where.element},
                          {"byte", p.where.byte_offset},
                          {"reason", p.reason},
                          {"message", p.to_string()}};
    if (!p.path.empty()) o["field"] = p.path;
    if (p.fatal) o["fatal"] = true;
    if (p.warning) o["warning"] = true;
    list.push_back(std::move(o));
  }
  doc["problems"] = boost::json::object{{"count", problems_total}, {"first", std::move(list)}};
  return doc;
}

}  // namespace xport
