// `ner`: named entities of text assets (the `ner` tool) for NER training.
//
// Output: `ner.conll` (CoNLL-2003 style, one `token TAG` line per whitespace token, BIO or
// BIOES tags, `-DOCSTART- -X- -X- O` before each asset) and `ner.jsonl` (one
// {"text", "spans":[{start, end, label}], ...} line per asset, offsets in code points).
// The text comes from "texts" (a local directory or JSON/JSONL file) or "text_field" (a
// string in the asset's JSON); without it each entity's `selection` stands alone.
// See docs/formats/ner.md.
#pragma once

#include <optional>
#include <string>

#include "formats/ner/ner_text.hpp"
#include "formats/ner/text_source.hpp"
#include "xport/typed_format.hpp"

namespace xport::formats {

struct NerOptions {
  enum class Output { conll, jsonl, both } output;
  enum class Scheme { bio, bioes } scheme;
  std::optional<std::string> texts;       // where the texts are (see ner::TextSource)
  std::optional<std::string> text_field;  // dotted path of the text in each asset
  ner::Unit offsets;
  enum class Sentences { document, lines } sentences;
  ner::TextSource source;  // from texts and text_field, once both are read
  static const OptionList<NerOptions>& declarations();
};

}  // namespace xport::formats
