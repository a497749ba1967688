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
//   std::unique_ptr<Format> coco_format() {
//     return std::make_unique<DeclaredFormat<CocoOptions>>(
//         FormatInfo{.name = "coco", .description = "...", .fields = aaf::Fields::objects},
//         construct<CocoConversion, CocoOptions>);
//   }
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

// What a format tells of itself besides its options (see Format).
struct FormatInfo {
  std::string_view name;
  std::string_view description;
  aaf::Fields fields = aaf::Fields::all;
  aaf::KindSet geometry = aaf::KindSet::all();
  bool writes_report = true;
};

// How a DeclaredFormat starts its conversion from the parsed options.
template <class Options>
using ConversionFactory = std::unique_ptr<Conversion> (*)(FormatContext&, Options);

// The factory of conversions constructed as `C(FormatContext&, Options)`.
template <class C, class Options>
std::unique_ptr<Conversion> construct(FormatContext& context, Options options) {
  return std::make_unique<C>(context, std::move(options));
}

// A format given by its info, its options (Options::declarations()) and its conversion's
// factory: nothing to override, so that a format is a folder with a declarations list, a
// conversion and one factory function.
template <class Options>
class DeclaredFormat final : public TypedFormat<Options> {
 public:
  DeclaredFormat(FormatInfo info, ConversionFactory<Options> factory)
      : info_(info), factory_(factory) {}
  std::string_view name() const override { return info_.name; }
  std::string_view description() const override { return info_.description; }
  aaf::Fields fields() const override { return info_.fields; }
  aaf::KindSet geometry() const override { return info_.geometry; }
  bool writes_report() const override { return info_.writes_report; }

 private:
  std::unique_ptr<Conversion> start_with(FormatContext& context, Options options) const override {
    return factory_(context, std::move(options));
  }
  FormatInfo info_;
  ConversionFactory<Options> factory_;
};

}  // namespace xport
