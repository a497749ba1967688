#include "hub/app/export_writer.hpp"

#include <exception>
#include <thread>
#include <utility>

#include "formats/aaf/key_frames.hpp"
#include "xport/pipe.hpp"
#include "xport/zip.hpp"

namespace xport::hub {
namespace {

// Rows → zip entry, nothing parsed: the stored text is the asset as imported.
ExportOutcome write_rows(Store& store, const ExportSpec& spec, ByteSink& sink) {
  ExportOutcome out;
  zip::Writer w(sink);
  w.begin_entry(spec.entry_name);
  if (spec.json_array) w.write("[");
  bool first = true;
  out.assets = store.for_each_asset(spec.project_id, spec.filter, [&](const AssetRow& row) {
    if (spec.json_array && !std::exchange(first, false)) w.write(",\n");
    w.write(row.json_text);
    if (!spec.json_array) w.write("\n");
  });
  if (spec.json_array) w.write("]\n");
  w.end_entry();
  w.close();
  sink.close();
  return out;
}

// Rows → pipe → the `aaf` format's key-frame filter (in the requested layout).
ExportOutcome write_key_frames(Store& store, const ExportSpec& spec, ByteSink& sink) {
  BytePipe pipe(std::size_t{4} << 20, "project " + spec.project_id);
  std::thread producer([&] {
    try {
      store.for_each_asset(spec.project_id, spec.filter, [&](const AssetRow& row) {
        pipe.write(row.json_text);
        pipe.write("\n", 1);
      });
      pipe.close();
    } catch (const std::exception& e) {
      pipe.fail(e.what());  // the converter's read throws it
    }
  });
  formats::KeyFrameExport thin;
  thin.project_id = spec.project_id;
  thin.entry_name = spec.entry_name;
  thin.json_array = spec.json_array;
  thin.threads = 2;  // the hub serves others meanwhile
  ExportOutcome out;
  try {
    formats::KeyFrameOutcome result = formats::write_key_frames_only(pipe.source(), sink, thin);
    out.assets = static_cast<std::int64_t>(result.assets);
    out.dropped_entries = result.dropped_entries;
  } catch (...) {
    pipe.cancel();  // unblocks the producer
    producer.join();
    throw;
  }
  pipe.cancel();
  producer.join();
  return out;
}

}  // namespace

ExportOutcome write_issue_export(Store& store, const ExportSpec& spec, ByteSink& sink) {
  ExportOutcome out;
  zip::Writer w(sink);
  w.begin_entry(spec.entry_name);
  if (spec.json_array) w.write("[");
  constexpr std::int64_t kPage = 1000;
  for (std::int64_t offset = 0;; offset += kPage) {
    std::int64_t total = 0;
    auto rows = store.list_issues(spec.project_id, offset, kPage, &total);
    for (const IssueRow& row : rows) {
      if (spec.json_array && out.assets > 0) w.write(",\n");
      w.write(row.json_text);
      if (!spec.json_array) w.write("\n");
      ++out.assets;
    }
    if (static_cast<std::int64_t>(rows.size()) < kPage) break;
  }
  if (spec.json_array) w.write("]\n");
  w.end_entry();
  w.close();
  sink.close();
  return out;
}

ExportOutcome write_export(Store& store, const ExportSpec& spec, ByteSink& sink) {
  return spec.filter.key_frames_only ? write_key_frames(store, spec, sink)
                                     : write_rows(store, spec, sink);
}

}  // namespace xport::hub
