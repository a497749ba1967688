// `ner`: named entities of text assets (the `ner` tool) for NER training.
//
// Output: `ner.conll` (CoNLL-2003 style, one `token TAG` line per whitespace token, BIO or
// BIOES tags, `-DOCSTART- -X- -X- O` before each asset) and `ner.jsonl` (one
// {"text", "spans":[{start, end, label}], ...} line per asset, offsets in code points).
// The text comes from "texts" (a local directory or JSON/JSONL file) or "text_field" (a
// string in the asset's JSON); without it each entity's `selection` stands alone.
// See docs/formats/ner.md.
#pragma once

#include "xport/format.hpp"

namespace xport::formats {

class NerFormat final : public Format {
 public:
  std::string_view name() const override { return "ner"; }
  std::string_view description() const override;
  std::span<const OptionSpec> options() const override;
  aaf::Fields fields() const override { return aaf::Fields::objects; }
  aaf::KindSet geometry() const override { return {aaf::ObjectKind::ner}; }
  std::unique_ptr<Conversion> start(FormatContext& context) const override;
};

}  // namespace xport::formats
