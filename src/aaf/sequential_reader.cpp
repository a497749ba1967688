// Reader: the chunker and one AssetParser on the calling thread.
#include "aaf/asset_parser.hpp"
#include "aaf/chunker.hpp"
#include "aaf/problem_sink.hpp"

namespace xport::aaf {

struct Reader::Impl {
  Impl(std::unique_ptr<ByteSource> source, ReadOptions opts)
      : options(std::move(opts)),
        chunker(std::move(source), options),
        parser(options),
        asset(&parser.data()),
        problems(options, stats) {
    stats.kind = chunker.kind();
  }

  ReadOptions options;
  Chunker chunker;
  Chunk chunk;
  std::size_t next_doc = 0;
  std::size_t next_problem = 0;
  AssetParser parser;
  Asset asset;
  ReadStats stats;
  ProblemSink problems;
  bool done = false;

  // Reports the chunker's problems that precede byte `offset`, keeping input order.
  void report_stream_problems(std::uint64_t offset) {
    while (next_problem < chunk.problems.size() &&
           chunk.problems[next_problem].where.byte_offset <= offset)
      problems.report(chunk.problems[next_problem++]);
  }

  const Asset* next() {
    while (!done) {
      if (next_doc < chunk.docs.size()) {
        const DocSpan& span = chunk.docs[next_doc++];
        report_stream_problems(span.location.byte_offset);
        Problem p;
        if (parser.parse(chunk.data() + span.offset, span.size, span.location, p)) {
          ++stats.assets;
          return &asset;
        }
        p.source = chunker.source_name();
        p.where = span.location;
        problems.report(p);
        continue;
      }
      report_stream_problems(UINT64_MAX);
      next_doc = next_problem = 0;
      if (!chunker.next(chunk)) done = true;
      stats.bytes = chunker.bytes_read();
    }
    return nullptr;
  }
};

Reader::Reader(std::unique_ptr<ByteSource> source, ReadOptions options)
    : impl_(std::make_unique<Impl>(std::move(source), std::move(options))) {}
Reader::~Reader() = default;
Reader::Reader(Reader&&) noexcept = default;
Reader& Reader::operator=(Reader&&) noexcept = default;
const Asset* Reader::next() {
  return impl_->next();
}
const ReadStats& Reader::stats() const {
  return impl_->stats;
}

}  // namespace xport::aaf
