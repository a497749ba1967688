// The conversion driver: reader → format → zip → sink, the one data path that
// `xport convert`, the plugin and the hub share.
#include "xport/format.hpp"

namespace xport {
namespace {

// Adapts a Conversion to the reader (kept separate so the driver can add bookkeeping).
class CountingConsumer final : public aaf::ParallelConsumer {
 public:
  explicit CountingConsumer(Conversion& conversion) : conversion_(conversion) {}
  std::unique_ptr<aaf::ChunkState> make_state() override { return conversion_.make_state(); }
  void consume(const aaf::Asset& asset, aaf::ChunkState& state) override {
    conversion_.consume(asset, state);
  }
  void commit(aaf::ChunkState& state) override { conversion_.commit(state); }

 private:
  Conversion& conversion_;
};

}  // namespace

ConvertResult convert(std::unique_ptr<ByteSource> input, ByteSink& output, const Format& format,
                      const boost::json::object& config, const ConvertOptions& options) {
  validate_config(format, config);
  ConvertResult result;
  zip::Writer zip(output, zip::WriterOptions{.zip64 = false});
  FormatContext context{options.project_id, config, zip, result.report};
  auto conversion = format.start(context);

  aaf::ReadOptions read;
  read.fields = format.fields();
  read.geometry = format.geometry();
  read.on_error = options.on_error;
  read.threads = options.threads;
  read.on_problem = options.on_problem;
  read.bytes_read = options.bytes_read;
  read.assets_found = options.assets_found;
  read.total_bytes = options.total_bytes;
  CountingConsumer consumer(*conversion);
  result.read = aaf::read_parallel(std::move(input), read, consumer);

  conversion->finish();
  zip.close();
  result.output_bytes = zip.bytes_written();
  output.close();
  return result;
}

}  // namespace xport
