// Throughput of the AAF reader and of the sample conversion on an in-memory synthetic
// export (Google Benchmark): the parts of `xport convert` that are not I/O.
#include <benchmark/benchmark.h>

#include <random>
#include <string>

#include "xport/aaf.hpp"
#include "xport/format.hpp"

namespace {

// A v3 NDJSON export shaped like ../shared/bench/gen_aaf.py's (boxes, polygons, points,
// nested classifications), generated here so the benchmark needs no files.
const std::string& synthetic_export() {
  static const std::string text = [] {
    std::mt19937 rng(42);
    std::uniform_real_distribution<double> coord(0, 1900);
    std::string out;
    for (int a = 0; a < 20000; ++a) {
      const std::string n = std::to_string(a);
      out += R"({"asset":"https://storage.example.com/bucket/img_)";
      out += n;
      out += R"(.jpg","assetId":"a)";
      out += n;
      out += R"(","externalId":"img_)";
      out += n;
      out +=
          R"(.jpg","metadata":{"width":1920,"height":1080},"dataset":[],"batches":["batch-a"],"task":{"taskId":"t","stage":"Complete","stageId":"Complete","tools":[)";
      for (int o = 0; o < 10; ++o) {
        if (o) out += ',';
        out +=
            R"({"schemaId":"s12345678901","objectId":"o123456789012345678901","title":"car","classifications":[{"schemaId":"c","tool":"radio","title":"Occluded","answer":"no","classifications":[]}],)";
        if (o % 3 == 2) {
          out += R"("polygon":[)";
          for (int p = 0; p < 6; ++p) {
            out += p ? ",[" : "[";
            out += std::to_string(coord(rng));
            out += ',';
            out += std::to_string(coord(rng));
            out += ']';
          }
          out += "]}";
        } else {
          const char* keys[] = {R"("bounding-box":{"x":)", R"(,"y":)", R"(,"width":)",
                                R"(,"height":)"};
          for (const char* key : keys) {
            out += key;
            out += std::to_string(coord(rng));
          }
          out += "}}";
        }
      }
      out += R"(],"classifications":[],"relations":[],"stageHistory":[]}})";
      out += '\n';
    }
    return out;
  }();
  return text;
}

void BM_SequentialReaderAllFields(benchmark::State& state) {
  const std::string& data = synthetic_export();
  for (auto _ : state) {
    xport::aaf::Reader reader(std::make_unique<xport::MemorySource>(data));
    std::size_t objects = 0;
    for (const auto& asset : reader)
      objects += asset.objects().size();
    benchmark::DoNotOptimize(objects);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_SequentialReaderAllFields)->Unit(benchmark::kMillisecond);

void BM_SequentialReaderBoxesOnly(benchmark::State& state) {
  const std::string& data = synthetic_export();
  xport::aaf::ReadOptions options;
  options.fields = xport::aaf::Fields::objects;
  options.geometry = {xport::aaf::ObjectKind::bounding_box};
  for (auto _ : state) {
    xport::aaf::Reader reader(std::make_unique<xport::MemorySource>(data), options);
    double sum = 0;
    for (const auto& asset : reader)
      for (const auto& o : asset.objects())
        if (auto b = o.bounding_box()) sum += b->x;
    benchmark::DoNotOptimize(sum);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_SequentialReaderBoxesOnly)->Unit(benchmark::kMillisecond);

void BM_ConvertSample(benchmark::State& state) {
  const std::string& data = synthetic_export();
  const xport::Format* format = xport::find_format("sample");
  boost::json::object config;
  xport::ConvertOptions options;
  options.threads = static_cast<unsigned>(state.range(0));
  for (auto _ : state) {
    xport::StringSink sink;
    auto result =
        xport::convert(std::make_unique<xport::MemorySource>(data), sink, *format, config, options);
    benchmark::DoNotOptimize(result.output_bytes);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_ConvertSample)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
