// The typed side of the format interface: a format with an options struct (its Config
// JSON parsed once by the struct's declarations, see format_options.hpp) and conversions
// whose per-chunk state has its own type.
//
//   struct CocoOptions { ...; static const OptionList<CocoOptions>& declarations(); };
//   class CocoConversion : public ChunkedConversion<CocoChunk> {
//    public:
//     CocoConversion(FormatContext& context, CocoOptions options);
//     void consume_asset(const aaf::Asset& asset, CocoChunk& chunk) override;
//     void commit_chunk(CocoChunk& chunk) override;
//     void finish() override;
//   };
//   class CocoFormat : public TypedFormat<CocoOptions> { name(), ..., start_with() };
#pragma once

#include <memory>
#include <span>
#include <utility>

#include "xport/format.hpp"
#include "xport/format_options.hpp"

namespace xport {

// A Conversion whose chunks are `Chunk`s (any default-constructible type): consume_asset()
// and commit_chunk() get the chunk typed (named apart from consume()/commit() so that
// neither hides the other). The one downcast of aaf::ChunkState is here, on a state
// this class made itself.
template <class Chunk>
class ChunkedConversion : public Conversion {
 public:
  // Worker threads, concurrently for different chunks; must leave `chunk` unchanged when it
  // throws (see aaf::ParallelConsumer).
  virtual void consume_asset(const aaf::Asset& asset, Chunk& chunk) = 0;
  // One thread at a time, chunks in input order; must leave `chunk` empty for reuse.
  virtual void commit_chunk(Chunk& chunk) = 0;

  std::unique_ptr<aaf::ChunkState> make_state() final { return std::make_unique<State>(); }
  void consume(const aaf::Asset& asset, aaf::ChunkState& state) final {
    consume_asset(asset, chunk_of(state));
  }
  void commit(aaf::ChunkState& state) final { commit_chunk(chunk_of(state)); }

 private:
  struct State final : aaf::ChunkState {
    Chunk chunk;
  };
  // Every state the reader hands back is one make_state() made.
  static Chunk& chunk_of(aaf::ChunkState& state) { return static_cast<State&>(state).chunk; }
};

// A Format whose Config JSON options are `Options`, declared once by the static
// Options::declarations() (an OptionList<Options>): options() lists them and start()
// parses the config into an `Options` for start_with().
template <class Options>
class TypedFormat : public Format {
 public:
  std::span<const OptionSpec> options() const final { return Options::declarations().specs(); }
  std::unique_ptr<Conversion> start(FormatContext& context) const final {
    return start_with(context, Options::declarations().parse(context.config, name()));
  }

 protected:
  // The conversion for the parsed options (one line in each format's .cpp, where the
  // conversion's type is complete).
  virtual std::unique_ptr<Conversion> start_with(FormatContext& context, Options options) const = 0;
};

}  // namespace xport
