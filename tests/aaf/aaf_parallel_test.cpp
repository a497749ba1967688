// Tests for read_parallel(): the threaded pipeline must deliver exactly what the sequential
// reader delivers (assets in input order, problems in input order, the same ReadStats),
// whatever the number of threads and the chunk size, and must surface errors of the
// source, the consumer and the error policy without hanging.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "aaf_test_support.hpp"
#include "xport/aaf/model.hpp"
#include "xport/aaf/reader.hpp"
#include "xport/errors.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::aaf {
namespace {

// ---------------------------------------------------------------------------------------
// Helpers (the same describe() as the sequential reader's tests, so that both readers'
// outputs compare as text)

using namespace xport::aaf::test;  // shared test helpers

// A consumer that records describe() of every asset and commits them in order. It checks
// that commit() never runs on two threads at once.
class Recorder : public ParallelConsumer {
 public:
  struct State : ChunkState {
    std::vector<std::string> items;
  };
  std::unique_ptr<ChunkState> make_state() override {
    ++states;
    return std::make_unique<State>();
  }
  void consume(const Asset& asset, ChunkState& state) override {
    std::string text = describe(asset);  // may throw: leave the state unchanged
    check(asset);
    static_cast<State&>(state).items.push_back(std::move(text));
    threads_seen_insert();
  }
  void commit(ChunkState& state) override {
    if (in_commit.exchange(true)) overlapping_commits = true;
    auto& s = static_cast<State&>(state);
    ++commits;
    if (fail_on_commit && commits == fail_on_commit) {
      in_commit = false;
      throw ConfigError("commit failed on purpose");
    }
    for (auto& item : s.items)
      committed.push_back(std::move(item));
    s.items.clear();
    in_commit = false;
  }
  // Hook for tests: throw from consume() for some assets.
  virtual void check(const Asset&) {}

  std::vector<std::string> committed;
  std::atomic<int> states{0};
  int commits = 0;
  int fail_on_commit = 0;
  std::atomic<bool> in_commit{false};
  bool overlapping_commits = false;
  std::size_t threads_used() {
    std::lock_guard lock(mutex_);
    return threads_.size();
  }

 private:
  void threads_seen_insert() {
    std::lock_guard lock(mutex_);
    threads_.insert(std::this_thread::get_id());
  }
  std::mutex mutex_;
  std::set<std::thread::id> threads_;
};

struct ParallelResult {
  std::vector<std::string> assets;
  std::vector<Problem> problems;
  ReadStats stats;
  std::string problem_text() const {
    std::string out;
    for (const Problem& p : problems)
      out += p.to_string() + (p.fatal ? " [fatal]" : "") + (p.warning ? " [warning]" : "") + "\n";
    return out;
  }
};

ParallelResult read_with(std::unique_ptr<ByteSource> source, unsigned threads,
                         std::size_t chunk_bytes, ReadOptions options = {},
                         Recorder* recorder = nullptr) {
  Recorder local;
  Recorder& rec = recorder ? *recorder : local;
  ParallelResult r;
  std::atomic<bool> in_report{false};
  bool overlapping_reports = false;
  options.threads = threads;
  options.chunk_bytes = chunk_bytes;
  options.on_problem = [&](const Problem& p) {
    if (in_report.exchange(true)) overlapping_reports = true;
    r.problems.push_back(p);
    in_report = false;
  };
  r.stats = read_parallel(std::move(source), options, rec);
  r.assets = rec.committed;
  EXPECT_FALSE(rec.overlapping_commits);
  EXPECT_FALSE(overlapping_reports);
  // The pool of chunk states is bounded by the number of workers.
  unsigned workers = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  EXPECT_LE(rec.states.load(), static_cast<int>(2 * workers + 2));
  return r;
}

ParallelResult read_parallel_text(std::string_view text, unsigned threads, std::size_t chunk,
                                  ReadOptions options = {}, Recorder* recorder = nullptr) {
  return read_with(std::make_unique<MemorySource>(text), threads, chunk, std::move(options),
                   recorder);
}

void expect_same(const ParallelResult& p, const Result& s) {
  EXPECT_EQ(p.assets, s.assets);
  EXPECT_EQ(p.problem_text(), s.problem_text());
  EXPECT_EQ(p.stats.assets, s.stats.assets);
  EXPECT_EQ(p.stats.skipped, s.stats.skipped);
  EXPECT_EQ(p.stats.truncated, s.stats.truncated);
  EXPECT_EQ(p.stats.kind, s.stats.kind);
  if (!s.stats.truncated) {
    EXPECT_EQ(p.stats.bytes, s.stats.bytes);
  }
}

// A generated export: `count` assets of both generations with random objects and random
// sizes (a few much larger than the chunks), from a fixed seed.
std::vector<std::string> generate_assets(std::size_t count, std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto uniform = [&rng](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto coord = [&]() { return std::to_string(uniform(0, 16000) / 4.0).substr(0, 9); };
  auto pt = [&]() { return "[" + coord() + "," + coord() + "]"; };
  std::vector<std::string> out;
  for (std::size_t i = 0; i < count; ++i) {
    std::string objects;
    int n = uniform(0, 12);
    for (int k = 0; k < n; ++k) {
      if (k) objects += ",";
      std::string geometry;
      switch (uniform(0, 7)) {
        case 0:
          geometry = R"("bounding-box":{"x":)" + coord() + R"(,"y":)" + coord() + R"(,"width":)" +
                     coord() + R"(,"height":)" + coord() + "}";
          break;
        case 1: {
          geometry = R"("polygon":[)";
          int m = uniform(3, 40);
          for (int q = 0; q < m; ++q)
            geometry += (q ? "," : "") + pt();
          geometry += "]";
          break;
        }
        case 2:
          geometry = R"("point":)" + pt();
          break;
        case 3:
          geometry = R"("rotated-bounding-box":{"x":1,"y":2,"width":3,"height":4,"rotation":)" +
                     std::to_string(uniform(-180, 180)) + R"(,"corners":[)" + pt() + "," + pt() +
                     "," + pt() + "," + pt() + "]}";
          break;
        case 4:
          geometry = R"("polyline":[)" + pt() + "," + pt() + "]";
          break;
        case 5:
          geometry = R"("segmentation":{"zones":[{"region":[)" + pt() + "," + pt() + "," + pt() +
                     R"(],"holes":[[)" + pt() + "," + pt() + "," + pt() + "]]}]}";
          break;
        case 6:
          geometry = R"("ner":{"start":)" + std::to_string(uniform(0, 99)) +
                     R"(,"end":120,"selection":"s\"\\"})";
          break;
        default:
          geometry = R"("bounding-box":{"x":"bad","y":0,"width":1,"height":1})";
          break;
      }
      objects +=
          "{" + geometry + R"(,"objectId":"o)" + std::to_string(k) + R"(","title":"T)" +
          std::to_string(uniform(0, 9)) +
          R"(","classifications":[{"title":"c","answer":["a]","b}"],"classifications":[{"title":"d","answer":"x"}]}]})";
    }
    std::size_t pad = static_cast<std::size_t>(uniform(0, 1500));
    if (i % 997 == 5) pad = 200000;  // a few assets larger than any chunk
    std::string id = std::to_string(i);
    std::string head = R"({"asset":"https://x/)" + id + R"(.jpg","externalId":"e)" + id +
                       R"(","metadata":{"width":)" + std::to_string(uniform(1, 5000)) +
                       R"(,"height":)" + std::to_string(uniform(1, 5000)) + R"(},"notes":")" +
                       std::string(pad, static_cast<char>('a' + i % 26)) + "\",";
    if (i % 2) {
      out.push_back(
          head + R"("task":{"taskId":"t)" + id + R"(","tools":[)" + objects +
          R"(],"relations":[{"from":"o0","to":"o1","direction":"straight"}],"stageHistory":[{"stage":"Label","duration":)" +
          std::to_string(uniform(0, 1000)) + "}]}}");
    } else {
      out.push_back(head + R"("tasks":[{"taskId":"t)" + id +
                    R"(","status":"Completed","objects":[)" + objects + "]}]}");
    }
  }
  return out;
}

std::string as_ndjson(const std::vector<std::string>& assets) {
  std::string out;
  for (const auto& a : assets)
    out += a + "\n";
  return out;
}

std::string as_array(const std::vector<std::string>& assets, std::uint32_t seed) {
  std::mt19937 rng(seed);
  const char* gaps[] = {"", "\n", "\n  ", " ", "\r\n\t"};
  std::string out = "[";
  for (std::size_t i = 0; i < assets.size(); ++i) {
    if (i) out += ",";
    out += gaps[rng() % 5];
    out += assets[i];
    out += gaps[rng() % 5];
  }
  return out + "]\n";
}

class GeneratedExport : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    assets_ = new std::vector<std::string>(generate_assets(5000, 20240311));
    ndjson_ = new std::string(as_ndjson(*assets_));
    array_ = new std::string(as_array(*assets_, 7));
  }
  static void TearDownTestSuite() {
    delete assets_;
    delete ndjson_;
    delete array_;
  }
  static const std::string& ndjson() { return *ndjson_; }
  static const std::string& array() { return *array_; }

 private:
  static inline std::vector<std::string>* assets_ = nullptr;
  static inline std::string* ndjson_ = nullptr;
  static inline std::string* array_ = nullptr;
};

// ---------------------------------------------------------------------------------------
// Order and equivalence with the sequential reader

TEST_F(GeneratedExport, FourThreadsWithTinyChunksCommitInInputOrder) {
  for (const std::string* text : {&ndjson(), &array()}) {
    Result seq = read_text(*text);
    ASSERT_EQ(seq.assets.size(), 5000u);
    EXPECT_EQ(seq.problem_text(), "");
    // The sequential reader itself keeps the input order.
    for (std::size_t i = 0; i < seq.locations.size(); ++i)
      ASSERT_EQ(seq.locations[i].element, i + 1);
    for (std::size_t chunk : {64u, 1000u}) {
      SCOPED_TRACE(chunk);
      Recorder rec;
      ParallelResult par = read_parallel_text(*text, 4, chunk, {}, &rec);
      ASSERT_EQ(par.assets.size(), 5000u);
      expect_same(par, seq);
      for (std::size_t i = 0; i < 5000; i += 499)
        EXPECT_NE(par.assets[i].find(" ext 2:e" + std::to_string(i) + " "), std::string::npos)
            << par.assets[i].substr(0, 200);
      EXPECT_GT(rec.commits, 100);  // many chunks were committed
    }
  }
}

TEST_F(GeneratedExport, AnyThreadCountGivesTheSequentialResult) {
  Result seq = read_text(ndjson());
  for (unsigned threads : {1u, 3u}) {
    SCOPED_TRACE(threads);
    ParallelResult par = read_parallel_text(ndjson(), threads, 777);
    expect_same(par, seq);
  }
  ParallelResult hw = read_parallel_text(ndjson(), 0, 1 << 16);  // one worker per core
  expect_same(hw, seq);
}

TEST_F(GeneratedExport, ProblemsAreReportedInInputOrder) {
  // Every 37th line broken in a different way.
  std::string text;
  std::istringstream lines(ndjson());
  std::string line;
  for (int i = 0; std::getline(lines, line); ++i) {
    if (i % 37 == 3)
      line = line.substr(0, line.size() / 2);
    else if (i % 37 == 20)
      line = "[" + line + "]";
    else if (i % 37 == 30)
      line += " {}";
    text += line + (i % 5 ? "\n" : "\r\n\n");
  }
  Result seq = read_text(text);
  ASSERT_GT(seq.problems.size(), 300u);
  for (std::size_t i = 1; i < seq.problems.size(); ++i)
    ASSERT_LT(seq.problems[i - 1].where.byte_offset, seq.problems[i].where.byte_offset);
  for (std::size_t chunk : {100u, 5000u}) {
    ParallelResult par = read_parallel_text(text, 4, chunk);
    expect_same(par, seq);
  }
}

TEST_F(GeneratedExport, ShortReadsGiveTheSameResult) {
  std::string part = ndjson().substr(0, ndjson().find('\n', 400000) + 1);
  Result seq = read_text(part);
  ASSERT_GT(seq.assets.size(), 50u);
  ParallelResult par = read_with(std::make_unique<ChoppySource>(part, 97, "<memory>"), 4, 300);
  expect_same(par, seq);
}

TEST_F(GeneratedExport, ProgressCountersReachTheTotals) {
  std::atomic<std::uint64_t> bytes{0}, found{0}, total{0};
  ReadOptions o;
  o.bytes_read = &bytes;
  o.assets_found = &found;
  o.total_bytes = &total;
  ParallelResult par = read_parallel_text(array(), 4, 4096, o);
  EXPECT_EQ(par.stats.assets, 5000u);
  EXPECT_EQ(found.load(), 5000u);
  EXPECT_EQ(total.load(), array().size());
  EXPECT_EQ(bytes.load(), array().size());
  EXPECT_EQ(par.stats.bytes, array().size());
}

TEST(AafParallel, SamplesGiveTheSequentialResult) {
  for (const char* name : {"sample_v2.json", "sample_v3.json", "sample_v3.ndjson"}) {
    SCOPED_TRACE(name);
    std::string text = read_file(sample_path(name));
    Result seq = read_text(text);
    ASSERT_FALSE(seq.assets.empty());
    for (unsigned threads : {1u, 2u, 3u, 4u}) {
      for (std::size_t chunk : {64u, 512u, 4096u}) {
        SCOPED_TRACE(std::to_string(threads) + " threads, chunk " + std::to_string(chunk));
        // Short reads make the tiny chunks real even for inputs this small.
        expect_same(read_with(std::make_unique<ChoppySource>(text, 50, "<memory>"), threads, chunk),
                    seq);
        expect_same(read_parallel_text(text, threads, chunk), seq);
      }
    }
  }
}

TEST(AafParallel, TrickyInputsGiveTheSequentialResult) {
  const std::string a = R"({"asset":"a","externalId":"1"})";
  const std::string b = R"({"asset":"b","externalId":"2"})";
  const std::vector<std::string> inputs = {
      a + "\n\n  \r\n{bad json}\n" + b + "\r\n[1]\n" + a,
      "\xEF\xBB\xBF[" + a + ",\n 7 ,\"]\" , {\"asset\":\"x\\\"]\"},\n" + b + ",]",
      "[" + a + "," + b + "," + a,
      "[" + a + "," + b + "] trailing",
      "[" + a + " " + b + "]",
      "hello",
      "",
      "  \n ",
      "[ ]",
      a + "\n" + R"({"asset":"c","task":{"tools":[{"poi)",
  };
  for (const std::string& text : inputs) {
    SCOPED_TRACE(text);
    Result seq = read_text(text);
    for (unsigned threads : {1u, 4u}) {
      for (std::size_t chunk : {1u, 3u, 16u, 4096u}) {
        SCOPED_TRACE(std::to_string(threads) + " threads, chunk " + std::to_string(chunk));
        expect_same(read_with(std::make_unique<ChoppySource>(text, 3, "<memory>"), threads, chunk),
                    seq);
      }
    }
  }
}

TEST(AafParallel, EmptyInputsCommitNothing) {
  for (const char* text : {"", "\n \n", "[]", "\xEF\xBB\xBF[\n]"}) {
    Recorder rec;
    ParallelResult par = read_parallel_text(text, 4, 64, {}, &rec);
    EXPECT_TRUE(par.assets.empty()) << text;
    EXPECT_TRUE(par.problems.empty()) << text;
    EXPECT_EQ(par.stats.assets, 0u);
    EXPECT_FALSE(par.stats.truncated);
  }
  EXPECT_EQ(read_parallel_text("", 2, 64).stats.kind, InputKind::empty);
  EXPECT_EQ(read_parallel_text("[]", 2, 64).stats.kind, InputKind::json_array);
}

TEST(AafParallel, ZipInputIsUnwrapped) {
  std::string text = read_file(sample_path("sample_v3.ndjson"));
  std::string archive = make_zip({{"export.ndjson", text}});
  Result seq = read_text(text);
  ParallelResult par = read_with(std::make_unique<ChoppySource>(archive, 64, "up.zip"), 4, 256);
  EXPECT_EQ(par.assets, seq.assets);
  EXPECT_EQ(par.stats.bytes, text.size());
  EXPECT_EQ(par.stats.kind, InputKind::ndjson);
}

TEST(AafParallel, HugeAssetIsRead) {
  std::string huge = R"({"asset":"huge","padding":")" + std::string(8u << 20, 'y') +
                     R"(","task":{"tools":[{"point":[1,2],"title":"end"}]}})";
  std::string text = R"({"asset":"a"})"
                     "\n" +
                     huge +
                     "\n"
                     R"({"asset":"b"})"
                     "\n";
  ParallelResult par = read_parallel_text(text, 4, 64 << 10);
  ASSERT_EQ(par.assets.size(), 3u) << par.problem_text();
  EXPECT_NE(par.assets[1].find("point|1|end"), std::string::npos);
  EXPECT_NE(par.assets[2].find("url b "), std::string::npos);
  EXPECT_EQ(par.stats.bytes, text.size());
}

TEST(AafParallel, TruncatedArrayReadsWhatPrecedesTheCut) {
  std::string text = "[";
  for (int i = 0; i < 300; ++i)
    text += R"({"asset":"u)" + std::to_string(i) + R"("},)";
  text += R"({"asset":"cut)";
  ParallelResult par = read_parallel_text(text, 4, 128);
  EXPECT_EQ(par.assets.size(), 300u);
  ASSERT_EQ(par.problems.size(), 1u);
  EXPECT_TRUE(par.problems[0].fatal);
  EXPECT_EQ(par.problems[0].where.element, 301u);
  EXPECT_EQ(par.problems[0].where.byte_offset, text.rfind('{'));
  EXPECT_TRUE(par.stats.truncated);
}

TEST(AafParallel, ZeroChunkSizeStillReads) {
  const std::string text = R"({"asset":"a"})"
                           "\n"
                           R"({"asset":"b"})"
                           "\n";
  ParallelResult par = read_with(std::make_unique<ChoppySource>(text, 4, "<memory>"), 2, 0);
  EXPECT_EQ(par.assets.size(), 2u);
}

// ---------------------------------------------------------------------------------------
// Errors

std::string numbered_ndjson(int count, int bad_line) {
  std::string text;
  for (int i = 1; i <= count; ++i) {
    if (i == bad_line)
      text += "{\"asset\": oops}\n";
    else
      text += R"({"asset":"u)" + std::to_string(i) + R"(","padding":")" + std::string(i % 50, 'p') +
              "\"}\n";
  }
  return text;
}

TEST(AafParallel, StopThrowsInputErrorWithTheLocation) {
  const std::string text = numbered_ndjson(3000, 2000);
  const std::uint64_t bad_offset = text.find("{\"asset\": oops}");
  for (unsigned threads : {1u, 4u}) {
    Recorder rec;
    std::vector<Problem> problems;
    ReadOptions o;
    o.on_error = OnError::stop;
    o.threads = threads;
    o.chunk_bytes = 512;
    o.on_problem = [&](const Problem& p) { problems.push_back(p); };
    try {
      read_parallel(std::make_unique<MemorySource>(text, "big.ndjson"), o, rec);
      ADD_FAILURE() << "no InputError";
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()).rfind(
                    "big.ndjson:2000: asset 2000 (byte " + std::to_string(bad_offset) + "): ", 0),
                0u)
          << e.what();
    }
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].where.line, 2000u);
    // What was committed is the input's beginning, before the bad line.
    ASSERT_LT(rec.committed.size(), 2000u);
    for (std::size_t i = 0; i < rec.committed.size(); ++i)
      ASSERT_EQ(rec.committed[i].rfind("@" + std::to_string(i + 1) + ":", 0), 0u)
          << rec.committed[i];
  }
}

TEST(AafParallel, StopThrowsForAFatalStreamProblem) {
  ReadOptions o;
  o.on_error = OnError::stop;
  o.threads = 3;
  Recorder rec;
  EXPECT_THROW(read_parallel(std::make_unique<MemorySource>("not json"), o, rec), InputError);
  EXPECT_THROW(read_parallel(std::make_unique<MemorySource>(R"([{"asset":"a"} x])"), o, rec),
               InputError);
}

class ThrowingConsumer : public Recorder {
 public:
  void check(const Asset& asset) override {
    if (asset.url() == "u7" || asset.url() == "u1500")
      throw std::runtime_error("cannot convert " + std::string(asset.url()));
    if (io_error_at == asset.url()) throw IoError("output disk full");
  }
  std::string io_error_at;
};

TEST(AafParallel, ConsumerExceptionSkipsTheAssetWithAProblem) {
  const std::string text = numbered_ndjson(3000, 0);
  ThrowingConsumer rec;
  ParallelResult par = read_parallel_text(text, 4, 1024, {}, &rec);
  EXPECT_EQ(par.stats.assets, 2998u);
  EXPECT_EQ(par.stats.skipped, 2u);
  EXPECT_EQ(par.assets.size(), 2998u);
  ASSERT_EQ(par.problems.size(), 2u);
  EXPECT_EQ(par.problems[0].reason, "cannot convert u7");
  EXPECT_EQ(par.problems[0].where.line, 7u);
  EXPECT_EQ(par.problems[0].where.element, 7u);
  EXPECT_EQ(par.problems[0].where.byte_offset, text.find(R"({"asset":"u7")"));
  EXPECT_EQ(par.problems[0].path, "");
  EXPECT_FALSE(par.problems[0].fatal);
  EXPECT_EQ(par.problems[1].where.line, 1500u);
  EXPECT_EQ(par.problems[0].source, "<memory>");
  // The assets around the skipped one are still there, in order.
  EXPECT_EQ(par.assets[5].rfind("@6:", 0), 0u);
  EXPECT_EQ(par.assets[6].rfind("@8:", 0), 0u);
}

TEST(AafParallel, ConsumerIoErrorAbortsTheRead) {
  const std::string text = numbered_ndjson(3000, 0);
  ThrowingConsumer rec;
  rec.io_error_at = "u2500";
  ReadOptions o;
  o.threads = 4;
  o.chunk_bytes = 256;
  EXPECT_THROW(read_parallel(std::make_unique<MemorySource>(text), o, rec), IoError);
}

TEST(AafParallel, CommitExceptionIsRethrown) {
  const std::string text = numbered_ndjson(3000, 0);
  for (unsigned threads : {1u, 4u}) {
    Recorder rec;
    rec.fail_on_commit = 3;
    ReadOptions o;
    o.threads = threads;
    o.chunk_bytes = 256;
    try {
      read_parallel(std::make_unique<MemorySource>(text), o, rec);
      ADD_FAILURE() << "no exception";
    } catch (const ConfigError& e) {
      EXPECT_STREQ(e.what(), "commit failed on purpose");
    }
    EXPECT_EQ(rec.commits, 3);  // nothing committed after the failure
  }
}

// A failure while committing (or the problem that stops an OnError::stop read) must be the
// last thing committed or reported: the other workers must not commit later chunks behind
// it. The race is short, so it is run many times.
TEST(AafParallel, NothingIsCommittedAfterACommitFails) {
  const std::string text = numbered_ndjson(1500, 0);
  for (int round = 0; round < 150; ++round) {
    Recorder rec;
    rec.fail_on_commit = 2 + round % 7;
    ReadOptions o;
    o.threads = 4;
    o.chunk_bytes = 48;
    EXPECT_THROW(read_parallel(std::make_unique<ChoppySource>(text, 64), o, rec), ConfigError);
    ASSERT_EQ(rec.commits, rec.fail_on_commit) << "round " << round;
  }
}

TEST(AafParallel, NothingIsReportedAfterTheProblemThatStops) {
  std::string text;
  for (int i = 1; i <= 1500; ++i)
    text += i % 3 ? R"({"asset":"u)" + std::to_string(i) + "\"}\n" : std::string("{bad}\n");
  for (int round = 0; round < 150; ++round) {
    Recorder rec;
    std::vector<Problem> problems;
    ReadOptions o;
    o.threads = 4;
    o.chunk_bytes = 48;
    o.on_error = OnError::stop;
    o.on_problem = [&](const Problem& p) { problems.push_back(p); };
    EXPECT_THROW(read_parallel(std::make_unique<ChoppySource>(text, 64), o, rec), InputError);
    ASSERT_EQ(problems.size(), 1u) << "round " << round;
    EXPECT_EQ(problems[0].where.line, 3u);
    ASSERT_LE(rec.committed.size(), 2u) << "round " << round;
  }
}

TEST(AafParallel, SourceIoErrorIsRethrown) {
  const std::string text = numbered_ndjson(3000, 0);
  Recorder rec;
  ReadOptions o;
  o.threads = 4;
  o.chunk_bytes = 256;
  try {
    read_parallel(std::make_unique<FailingSource>(text, text.size() / 2), o, rec);
    ADD_FAILURE() << "no IoError";
  } catch (const IoError& e) {
    EXPECT_STREQ(e.what(), "disk on fire");
  }
  // Only whole assets from before the failure were committed, in order.
  for (std::size_t i = 0; i < rec.committed.size(); ++i)
    ASSERT_EQ(rec.committed[i].rfind("@" + std::to_string(i + 1) + ":", 0), 0u);
}

TEST(AafParallel, TruncatedZipIsAnInputError) {
  const std::string text = numbered_ndjson(5000, 0);
  std::string archive = make_zip({{"export.ndjson", text}});
  Recorder rec;
  ReadOptions o;
  o.threads = 4;
  o.chunk_bytes = 1024;
  EXPECT_THROW(
      read_parallel(std::make_unique<MemorySource>(archive.substr(0, archive.size() / 2)), o, rec),
      InputError);
  EXPECT_LT(rec.committed.size(), 5000u);
}

TEST(AafParallel, GeometryNotAskedForBecomesAProblemOfTheAsset) {
  // A consumer reading a geometry it did not ask for throws std::logic_error, reported
  // like any consumer failure.
  const std::string text =
      R"({"asset":"a","task":{"tools":[{"bounding-box":{"x":1,"y":2,"width":3,"height":4}}]}})"
      "\n"
      R"({"asset":"b","task":{"tools":[{"polygon":[[1,2],[3,4],[5,6]]}]}})"
      "\n";
  class PointReader : public Recorder {
    void check(const Asset& asset) override {
      for (Object ob : asset.objects())
        (void)ob.points();
    }
  } rec;
  ReadOptions o;
  o.geometry = {ObjectKind::bounding_box};
  ParallelResult par = read_parallel_text(text, 2, 64, o, &rec);
  ASSERT_EQ(par.assets.size(), 1u);
  EXPECT_NE(par.assets[0].find("box 1,2,3,4"), std::string::npos);
  ASSERT_EQ(par.problems.size(), 1u);
  EXPECT_NE(par.problems[0].reason.find("polygon geometry was not decoded"), std::string::npos)
      << par.problems[0].reason;
  EXPECT_EQ(par.problems[0].where.line, 2u);
}

TEST(AafParallel, WorkIsSpreadOverSeveralThreads) {
  std::string text = numbered_ndjson(20000, 0);
  Recorder rec;
  ParallelResult par = read_parallel_text(text, 4, 256, {}, &rec);
  EXPECT_EQ(par.stats.assets, 20000u);
  EXPECT_GE(rec.threads_used(), 2u);
}

}  // namespace
}  // namespace xport::aaf
