// The run-facing value types of the SDK: the export as a re-readable stream, the result
// file, a zip written to the run's temporary directory, and the request's helpers.
#include <algorithm>

#include "xport/errors.hpp"
#include "xport/format.hpp"
#include "xport/plugin.hpp"

namespace xport {

ExportStream::ExportStream(std::filesystem::path zip_file) : zip_file_(std::move(zip_file)) {}

std::unique_ptr<ByteSource> ExportStream::open() const {
  // The platform's transport form, and nothing else: a zip whose first entry is the export.
  // Anything else (an error page, a truncated download) must fail the run, not read as an
  // export of zero assets.
  static constexpr char kZipMagic[] = {'P', 'K', '\x03', '\x04'};
  auto source = open_file_source(zip_file_.string());
  char head[4] = {};
  std::size_t got = 0;
  while (got < sizeof head)
    if (std::size_t n = source->read(head + got, sizeof head - got))
      got += n;
    else
      break;
  if (got < sizeof head || !std::equal(head, head + 4, kZipMagic))
    throw InputError("the export download is not a zip archive (" +
                     std::to_string(got < 4 ? got : std::filesystem::file_size(zip_file_)) +
                     " bytes, starting \"" + std::string(head, got) + "\")");
  return zip::open_first_entry_file(zip_file_.string());
}

aaf::ReadOptions ExportStream::tracked(aaf::ReadOptions options) const {
  if (!progress_ || options.bytes_read || options.assets_found || options.total_bytes)
    return options;
  progress_->bytes_done = 0;
  progress_->assets_done = 0;
  options.bytes_read = &progress_->bytes_done;
  options.assets_found = &progress_->assets_done;
  options.total_bytes = &progress_->bytes_total;
  return options;
}

aaf::Reader ExportStream::reader(aaf::ReadOptions options) const {
  return aaf::Reader(open(), tracked(std::move(options)));
}

aaf::Reader::iterator ExportStream::begin() {
  pass_ = std::make_unique<aaf::Reader>(open(), tracked({}));
  return pass_->begin();
}

ResultZip::ResultZip(std::filesystem::path file)
    : file_(std::move(file)),
      sink_(open_file_sink(file_.string())),
      writer_(std::make_unique<zip::Writer>(*sink_)) {}

ResultZip::~ResultZip() = default;
ResultZip::ResultZip(ResultZip&&) noexcept = default;

void ResultZip::add(std::string_view name, std::string_view data, zip::EntryOptions options) {
  writer_->add(name, data, options);
}

ResultFile ResultZip::finish() {
  writer_->close();
  sink_->close();
  writer_.reset();
  sink_.reset();
  return ResultFile(file_);
}

boost::json::object ExportRequest::config() const {
  return parse_config(configJSON);
}

ResultZip ExportRequest::new_zip(std::string_view name) const {
  auto checked = zip::check_entry_name(name);  // a plain relative name, no ".." or "/"
  if (checked.find('/') != std::string_view::npos)
    throw ConfigError("new_zip: the name must not contain '/': " + std::string(name));
  return ResultZip(work_dir / std::string(checked));
}

}  // namespace xport
