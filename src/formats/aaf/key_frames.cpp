#include "formats/aaf/key_frames.hpp"

#include <boost/json.hpp>

#include <utility>

#include "formats/builtin_formats.hpp"
#include "xport/format.hpp"

namespace xport::formats {

KeyFrameOutcome write_key_frames_only(std::unique_ptr<ByteSource> input, ByteSink& sink,
                                      const KeyFrameExport& spec) {
  static const std::unique_ptr<Format> format = aaf_format();
  const boost::json::object config{{"key_frames_only", true},
                                   {"layout", spec.json_array ? "json" : "ndjson"},
                                   {"file_name", spec.entry_name}};
  ConvertOptions options;
  options.project_id = spec.project_id;
  options.threads = spec.threads;
  ConvertResult result = convert(std::move(input), sink, *format, config, options);
  return {result.read.assets, result.report.count(Report::Action::dropped)};
}

}  // namespace xport::formats
