// Throughput of the xport::pyjson encoders (Google Benchmark), part of xport_micro_bench.
#include "formats/common/python_json.hpp"

#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace {

namespace pyjson = xport::pyjson;

// Clip and asset names as they typically appear: mostly ASCII, some paths with quotes or
// backslashes, and a minority with accented or CJK characters.
std::vector<std::string> typical_strings() {
  const std::vector<std::string> samples = {
      "A001_C002_0101AB",
      "Interview Take 3 - Camera B",
      "/Volumes/Media/Project/Footage/Day 01/A001C002_230101_R1AB.mov",
      "C:\\Users\\editor\\Documents\\Project\\Media\\clip.mxf",
      "Sc. 12 \"The Chase\" v2",
      "caf\xc3\xa9 sc\xc3\xa8ne 4",
      "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe3\x82\xaf\xe3\x83\xaa\xe3\x83\x83\xe3\x83"
      "\x97",
      "Audio Track 1",
      "V1",
      "Timecode 01:00:00:00",
  };
  std::vector<std::string> out;
  for (int i = 0; i < 100; ++i)
    out.insert(out.end(), samples.begin(), samples.end());
  return out;
}

std::vector<std::string> long_ascii_strings() {
  std::vector<std::string> out;
  for (int i = 0; i < 100; ++i)
    out.emplace_back(1000, static_cast<char>('a' + i % 26));
  return out;
}

std::vector<std::string> cjk_strings() {
  std::vector<std::string> out;
  std::string s;
  for (int i = 0; i < 100; ++i)
    s += "\xe6\x97\xa5\xe6\x9c\xac";
  for (int i = 0; i < 100; ++i)
    out.push_back(s);
  return out;
}

void run_strings(benchmark::State& state, const std::vector<std::string>& inputs) {
  std::string out;
  std::size_t bytes = 0;
  for (const auto& s : inputs)
    bytes += s.size();
  for (auto _ : state) {
    out.clear();
    for (const auto& s : inputs)
      pyjson::append_string(out, s);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_AppendStringTypical(benchmark::State& state) {
  run_strings(state, typical_strings());
}
BENCHMARK(BM_AppendStringTypical);

void BM_AppendStringLongAscii(benchmark::State& state) {
  run_strings(state, long_ascii_strings());
}
BENCHMARK(BM_AppendStringLongAscii);

void BM_AppendStringCjk(benchmark::State& state) {
  run_strings(state, cjk_strings());
}
BENCHMARK(BM_AppendStringCjk);

void run_doubles(benchmark::State& state, const std::vector<double>& values,
                 void (*append)(std::string&, double)) {
  std::string out;
  for (auto _ : state) {
    out.clear();
    for (const double v : values)
      append(out, v);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * values.size()));
}

// Frame counts and sample positions: magnitudes up to ~1e9 with fractional parts.
std::vector<double> typical_doubles() {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> dist(-1e9, 1e9);
  std::vector<double> values(1000);
  for (auto& v : values)
    v = dist(rng);
  return values;
}

void BM_AppendRoundedInt(benchmark::State& state) {
  run_doubles(state, typical_doubles(), pyjson::append_rounded_int);
}
BENCHMARK(BM_AppendRoundedInt);

void BM_AppendRoundedIntHuge(benchmark::State& state) {
  std::vector<double> values;
  for (int i = 0; i < 1000; ++i)
    values.push_back(1e300 * (1 + i));
  run_doubles(state, values, pyjson::append_rounded_int);
}
BENCHMARK(BM_AppendRoundedIntHuge);

void BM_AppendFloat(benchmark::State& state) {
  run_doubles(state, typical_doubles(), pyjson::append_float);
}
BENCHMARK(BM_AppendFloat);

}  // namespace
