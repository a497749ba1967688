#include "formats/ner/ner_format.hpp"

#include "formats/builtin_formats.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>
#include <string>
#include <vector>

#include "formats/common/class_table.hpp"
#include "formats/common/spool.hpp"
#include "formats/ner/ner_text.hpp"
#include "formats/ner/text_source.hpp"
#include "xport/errors.hpp"

namespace xport::formats {
namespace {

using ner::Unit;
using Action = Report::Action;

// Stable report phrases.
constexpr std::string_view kAudio =
    "ner object of an audio asset (offsets in seconds): not written";
constexpr std::string_view kFractional =
    "ner offsets are not whole numbers (audio, in seconds?): not written";
constexpr std::string_view kBadOffsets = "ner offsets negative or end before start";
constexpr std::string_view kEmptySpan = "empty ner span (start == end)";
constexpr std::string_view kBeyond = "ner offsets beyond the end of the text";
constexpr std::string_view kSplitsChar =
    "ner offset inside a character (between the halves of a UTF-16 surrogate pair)";
constexpr std::string_view kMismatch = "selection does not match text[start:end]";
constexpr std::string_view kNoText =
    "no text for the asset: each entity's selection written as its own sentence";
constexpr std::string_view kNoSelection = "no text and no selection: entity not written";
constexpr std::string_view kSelectionLength =
    "selection length differs from end - start (offsets may be unreliable)";
constexpr std::string_view kNothing = "asset without ner objects and without text: nothing written";
constexpr std::string_view kOverlap =
    "overlapping entity left out of ner.conll (kept in ner.jsonl)";
constexpr std::string_view kInsideToken =
    "entity boundary inside a whitespace token: whole tokens tagged in ner.conll";
constexpr std::string_view kOnlySpace =
    "entity covers only white space: left out of ner.conll (kept in ner.jsonl)";
constexpr std::string_view kLabelSpace = "label with white space: written with \"_\" in ner.conll";
constexpr std::string_view kBadText = "text is not valid UTF-8: selections used instead";
constexpr std::string_view kHugeText = "text of 4 GiB or more: selections used instead";

constexpr std::string_view kDocStart = "-DOCSTART- -X- -X- O\n\n";

// What the conversion needs of NerOptions.
struct Settings {
  bool conll, jsonl, bioes, lines;
  Unit unit;
};

struct NerChunk {
  std::string conll, jsonl;
  Report report;
};

// One `ner` object that passed the geometry checks.
struct Entity {
  std::uint64_t start = 0, end = 0;  // as exported, in the configured unit
  std::optional<std::string_view> selection;
  std::string_view label;
  std::uint32_t byte_begin = 0, byte_end = 0;  // in the text, once resolved
  std::uint32_t token_begin = 0, token_end = 0;
};

bool audio_asset(const aaf::Asset& asset) {
  static constexpr std::array<std::string_view, 9> kExt = {
      ".mp3", ".wav", ".ogg", ".flac", ".m4a", ".aac", ".opus", ".weba", ".wma"};
  for (std::string_view name : {asset.external_id(), asset.url()}) {
    std::string lower(name.substr(name.size() > 8 ? name.size() - 8 : 0));
    for (char& c : lower)
      c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    for (std::string_view ext : kExt)
      if (lower.size() >= ext.size() &&
          lower.compare(lower.size() - ext.size(), ext.size(), ext) == 0)
        return true;
  }
  return false;
}

// A short quote of user text for report details (cut at a character boundary).
std::string excerpt(std::string_view s) {
  constexpr std::size_t kMax = 60;
  if (s.size() <= kMax) return std::string(s);
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
    --cut;
  return std::string(s.substr(0, cut)) + "...";
}

std::size_t units(std::string_view utf8, Unit unit) {
  std::size_t n = 0;
  for (std::size_t i = 0; i < utf8.size(); ++i) {
    const auto c = static_cast<unsigned char>(utf8[i]);
    if ((c & 0xC0) != 0x80) n += (unit == Unit::utf16 && c >= 0xF0) ? 2 : 1;
  }
  return n;
}

void append_id(std::string& out, const aaf::Scalar& v) {
  if (v.type == aaf::Scalar::Type::string)
    ner::append_json_string(out, v.text);
  else if (v.type == aaf::Scalar::Type::number)
    out += v.text;
  else
    out += "null";
}

class NerConversion final : public ChunkedConversion<NerChunk> {
 public:
  NerConversion(FormatContext& context, Settings settings, ner::TextSource texts)
      : context_(context), settings_(settings), texts_(std::move(texts)) {
    for (std::size_t k = 0; k < not_ner_.size(); ++k)
      not_ner_[k] =
          "not a ner object (" + std::string(aaf::to_string(static_cast<aaf::ObjectKind>(k))) + ")";
    context_.zip.begin_entry(settings_.jsonl ? "ner.jsonl" : "ner.conll", context_.entry);
  }

  void consume_asset(const aaf::Asset& asset, NerChunk& chunk) override {
    dataset::PendingNotes notes;
    std::vector<Entity> entities = collect(asset, notes);

    std::string storage, why;
    std::optional<std::string_view> text;
    if (texts_.configured() || !entities.empty()) text = texts_.find(asset, storage, why);
    std::string_view text_problem;
    if (text && !ner::valid_utf8(*text)) text_problem = kBadText;
    if (text && text->size() >= UINT32_MAX) text_problem = kHugeText;
    if (!text_problem.empty()) {
      text.reset();
      notes.note(Action::altered, text_problem);
    }

    std::string conll, jsonl;
    if (text) {
      with_text(asset, *text, entities, notes, conll, jsonl);
    } else if (entities.empty()) {
      notes.note(Action::ignored, kNothing, why);
    } else {
      if (text_problem.empty()) notes.note(Action::altered, kNoText, why);
      from_selections(asset, entities, notes, conll, jsonl);
    }
    // Nothing below throws (short of memory): the chunk changes only now.
    chunk.conll += conll;
    chunk.jsonl += jsonl;
    notes.apply(chunk.report, asset);
    chunk.report.count_asset();
  }

  void commit_chunk(NerChunk& chunk) override {
    if (settings_.jsonl) context_.zip.write(chunk.jsonl);
    if (settings_.conll) {
      // Both files: ner.jsonl streams into the zip, ner.conll waits in a temporary file.
      if (settings_.jsonl)
        spool_.write(chunk.conll);
      else
        context_.zip.write(chunk.conll);
    }
    context_.report.merge(chunk.report);
    chunk.conll.clear();
    chunk.jsonl.clear();
    chunk.report.clear();
  }

  void finish() override {
    context_.zip.end_entry();
    if (settings_.conll && settings_.jsonl) {
      context_.zip.begin_entry("ner.conll", context_.entry);
      spool_.copy_to(context_.zip);
      context_.zip.end_entry();
    }
  }

 private:
  // The asset's ner objects with usable offsets; every other object is noted.
  std::vector<Entity> collect(const aaf::Asset& asset, dataset::PendingNotes& notes) const {
    std::vector<Entity> entities;
    const bool audio = audio_asset(asset);
    for (const aaf::Object& object : asset.objects()) {
      const aaf::ObjectKind kind = object.kind();
      if (kind == aaf::ObjectKind::invalid) {
        notes.note(Action::dropped, dataset::kMalformed,
                   object.path() + ": " + std::string(object.problem()));
        continue;
      }
      if (kind != aaf::ObjectKind::ner) {
        notes.note(Action::ignored, not_ner_[static_cast<std::size_t>(kind)]);
        continue;
      }
      if (object.title().empty()) {
        notes.note(Action::dropped, dataset::kNoTitle, object.path());
        continue;
      }
      const aaf::NerSpan span = *object.ner();
      const std::string where = object.path() + ": [" + std::to_string(span.start) + ", " +
                                std::to_string(span.end) + ")";
      if (audio) {
        notes.note(Action::dropped, kAudio, where);
        continue;
      }
      if (!std::isfinite(span.start) || !std::isfinite(span.end) ||
          span.start != std::floor(span.start) || span.end != std::floor(span.end)) {
        notes.note(Action::dropped, kFractional, where);
        continue;
      }
      if (span.start < 0 || span.end < span.start || span.end > 9e15) {
        notes.note(Action::dropped, kBadOffsets, where);
        continue;
      }
      if (span.start == span.end) {
        notes.note(Action::dropped, kEmptySpan, where);
        continue;
      }
      Entity e;
      e.start = static_cast<std::uint64_t>(span.start);
      e.end = static_cast<std::uint64_t>(span.end);
      e.selection = span.selection;
      e.label = object.title();
      entities.push_back(e);
    }
    return entities;
  }

  void with_text(const aaf::Asset& asset, std::string_view text, std::vector<Entity>& all,
                 dataset::PendingNotes& notes, std::string& conll, std::string& jsonl) const {
    const ner::OffsetMap map(text, settings_.unit);
    std::vector<Entity> entities;
    for (Entity& e : all) {
      auto b = map.byte(e.start);
      auto en = map.byte(e.end);
      if (!b || !en) {
        const bool beyond = e.end > map.length();
        notes.note(Action::dropped, beyond ? kBeyond : kSplitsChar,
                   "[" + std::to_string(e.start) + ", " + std::to_string(e.end) +
                       "), text length " + std::to_string(map.length()));
        continue;
      }
      e.byte_begin = *b;
      e.byte_end = *en;
      const std::string_view got = text.substr(*b, *en - *b);
      if (e.selection && *e.selection != got) {
        notes.note(Action::dropped, kMismatch,
                   "[" + std::to_string(e.start) + ", " + std::to_string(e.end) + "): text \"" +
                       excerpt(got) + "\", selection \"" + excerpt(*e.selection) + "\"");
        continue;
      }
      notes.count(e.label, aaf::ObjectKind::ner);
      entities.push_back(e);
    }
    std::stable_sort(entities.begin(), entities.end(), [](const Entity& a, const Entity& b) {
      return a.byte_begin != b.byte_begin ? a.byte_begin < b.byte_begin : a.byte_end < b.byte_end;
    });

    if (settings_.jsonl) {
      jsonl += "{\"text\":";
      ner::append_json_string(jsonl, text);
      jsonl += ",\"spans\":[";
      for (std::size_t i = 0; i < entities.size(); ++i) {
        const Entity& e = entities[i];
        jsonl += i ? ",{\"start\":" : "{\"start\":";
        jsonl += std::to_string(map.codepoint(e.byte_begin));
        jsonl += ",\"end\":";
        jsonl += std::to_string(map.codepoint(e.byte_end));
        jsonl += ",\"label\":";
        ner::append_json_string(jsonl, e.label);
        jsonl += '}';
      }
      jsonl += "],";
      append_ids(jsonl, asset, "text");
    }
    if (!settings_.conll) return;

    const std::vector<ner::Token> tokens = ner::tokenize(text);
    // Which entity tags each token (-1: O). Longest entities first, then earliest (as
    // spaCy's filter_spans): an entity touching a token already taken is left out.
    std::vector<int> owner(tokens.size(), -1);
    std::vector<std::size_t> order(entities.size());
    for (std::size_t i = 0; i < order.size(); ++i)
      order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return entities[a].byte_end - entities[a].byte_begin >
             entities[b].byte_end - entities[b].byte_begin;
    });
    for (std::size_t i : order) {
      Entity& e = entities[i];
      const std::string detail = "\"" +
                                 excerpt(text.substr(e.byte_begin, e.byte_end - e.byte_begin)) +
                                 "\" " + std::string(e.label);
      auto first =
          std::lower_bound(tokens.begin(), tokens.end(), e.byte_begin,
                           [](const ner::Token& t, std::uint32_t byte) { return t.end <= byte; });
      auto last = first;
      while (last != tokens.end() && last->begin < e.byte_end)
        ++last;
      if (first == last) {
        notes.note(Action::altered, kOnlySpace, detail);
        continue;
      }
      e.token_begin = static_cast<std::uint32_t>(first - tokens.begin());
      e.token_end = static_cast<std::uint32_t>(last - tokens.begin());
      bool taken = false;
      for (std::uint32_t t = e.token_begin; t < e.token_end && !taken; ++t)
        taken = owner[t] >= 0;
      if (taken) {
        notes.note(Action::altered, kOverlap, detail);
        continue;
      }
      if (first->begin < e.byte_begin || std::prev(last)->end > e.byte_end)
        notes.note(Action::altered, kInsideToken, detail);
      for (std::uint32_t t = e.token_begin; t < e.token_end; ++t)
        owner[t] = static_cast<int>(i);
    }

    conll += kDocStart;
    std::string label;
    bool open_sentence = false;
    for (std::size_t t = 0; t < tokens.size(); ++t) {
      const int o = owner[t];
      const bool continues = o >= 0 && entities[o].token_begin < t;
      if (settings_.lines && tokens[t].line_before && open_sentence && !continues) {
        conll += '\n';
        open_sentence = false;
      }
      conll += text.substr(tokens[t].begin, tokens[t].end - tokens[t].begin);
      conll += ' ';
      if (o < 0) {
        conll += 'O';
      } else {
        const Entity& e = entities[o];
        conll += tag(t, e.token_begin, e.token_end);
        conll += '-';
        if (ner::conll_label(e.label, label) && t == e.token_begin)
          notes.note(Action::altered, kLabelSpace, std::string(e.label));
        conll += label;
      }
      conll += '\n';
      open_sentence = true;
    }
    if (open_sentence) conll += '\n';
  }

  // Without the text: each entity's selection is a document of its own in ner.jsonl and a
  // sentence of its own (under the asset's -DOCSTART-) in ner.conll.
  void from_selections(const aaf::Asset& asset, const std::vector<Entity>& entities,
                       dataset::PendingNotes& notes, std::string& conll, std::string& jsonl) const {
    std::string label;
    bool started = false;
    for (const Entity& e : entities) {
      if (!e.selection || e.selection->empty()) {
        notes.note(Action::dropped, kNoSelection, std::string(e.label));
        continue;
      }
      const std::string_view sel = *e.selection;
      if (units(sel, settings_.unit) != e.end - e.start)
        notes.note(Action::altered, kSelectionLength,
                   "[" + std::to_string(e.start) + ", " + std::to_string(e.end) + "): \"" +
                       excerpt(sel) + "\"");
      notes.count(e.label, aaf::ObjectKind::ner);
      if (settings_.jsonl) {
        jsonl += "{\"text\":";
        ner::append_json_string(jsonl, sel);
        jsonl += ",\"spans\":[{\"start\":0,\"end\":";
        jsonl += std::to_string(units(sel, Unit::codepoints));
        jsonl += ",\"label\":";
        ner::append_json_string(jsonl, e.label);
        jsonl += "}],";
        append_ids(jsonl, asset, "selection");
      }
      if (!settings_.conll) continue;
      const std::vector<ner::Token> tokens = ner::tokenize(sel);
      if (tokens.empty()) {
        notes.note(Action::altered, kOnlySpace, std::string(e.label));
        continue;
      }
      if (!started) conll += kDocStart;
      started = true;
      if (ner::conll_label(e.label, label))
        notes.note(Action::altered, kLabelSpace, std::string(e.label));
      for (std::size_t t = 0; t < tokens.size(); ++t) {
        conll += sel.substr(tokens[t].begin, tokens[t].end - tokens[t].begin);
        conll += ' ';
        conll += tag(t, 0, tokens.size());
        conll += '-';
        conll += label;
        conll += '\n';
      }
      conll += '\n';
    }
  }

  // The tag prefix of token t of an entity spanning tokens [begin, end).
  char tag(std::size_t t, std::size_t begin, std::size_t end) const {
    if (!settings_.bioes) return t == begin ? 'B' : 'I';
    if (end - begin == 1) return 'S';
    return t == begin ? 'B' : t + 1 == end ? 'E' : 'I';
  }

  static void append_ids(std::string& out, const aaf::Asset& asset, std::string_view source) {
    out += "\"externalId\":";
    append_id(out, asset.external_id_value());
    out += ",\"assetId\":";
    if (asset.asset_id().empty())
      out += "null";
    else
      ner::append_json_string(out, asset.asset_id());
    out += ",\"source\":\"";
    out += source;
    out += "\"}\n";
  }

  FormatContext& context_;
  Settings settings_;
  ner::TextSource texts_;
  Spool spool_;
  std::array<std::string, static_cast<std::size_t>(aaf::ObjectKind::invalid) + 1> not_ner_;
};

}  // namespace

const OptionList<NerOptions>& NerOptions::declarations() {
  static const auto list = [] {
    OptionList<NerOptions> o({}, options::Refusal{"Config JSON: ", "not"});
    o.choice(&NerOptions::output, "output", Output::both,
             options::Names<Output>{
                 {"conll", Output::conll}, {"jsonl", Output::jsonl}, {"both", Output::both}},
             "Which files to write: \"conll\" (ner.conll), \"jsonl\" (ner.jsonl) or \"both\".");
    o.choice(&NerOptions::scheme, "scheme", Scheme::bio,
             options::Names<Scheme>{
                 {"BIO", Scheme::bio}, {"IOB2", Scheme::bio}, {"BIOES", Scheme::bioes}},
             "Tags in ner.conll: \"BIO\" (also spelled \"IOB2\": B- starts every entity, I- "
             "continues it) or \"BIOES\" (S- single-token entities, E- last token).");
    o.option(&NerOptions::texts, "texts", std::optional<std::string>(),
             "Where the assets' texts are: a directory holding one UTF-8 file per asset, named by "
             "its externalId or assetId (as is, or with \".txt\" added), or a .jsonl/.ndjson "
             "file of {\"externalId\" and/or \"assetId\", \"text\"} records, or a .json file "
             "that is such an array or an object {externalId: text}. Files are loaded into "
             "memory; directories are read one asset at a time.");
    o.option(&NerOptions::text_field, "text_field", std::optional<std::string>(),
             "Dotted path of a string in each asset's JSON that holds its text, e.g. "
             "\"contextData.text\" (used when \"texts\" has no text for the asset).");
    o.choice(&NerOptions::offsets, "offsets", Unit::utf16,
             options::Names<Unit>{{"utf16", Unit::utf16}, {"codepoints", Unit::codepoints}},
             "Unit of the exported start/end offsets: \"utf16\" (UTF-16 code units, what the "
             "platform's JavaScript counts) or \"codepoints\" (Unicode code points). ner.jsonl "
             "is always written in code points (Python str indices).");
    o.choice(
        &NerOptions::sentences, "sentences", Sentences::document,
        options::Names<Sentences>{{"document", Sentences::document}, {"lines", Sentences::lines}},
        "Sentence breaks in ner.conll: \"document\" (one sentence per asset) or \"lines\" "
        "(a new sentence after each line break of the text, except inside an entity).");
    o.finish([](NerOptions& n) { n.source = ner::TextSource::load(n.texts, n.text_field); });
    return o;
  }();
  return list;
}

std::unique_ptr<Format> ner_format() {
  return std::make_unique<DeclaredFormat<NerOptions>>(
      FormatInfo{
          .name = "ner",
          .description =
              "Named entities of text assets: CoNLL-2003 style ner.conll (whitespace tokens, "
              "BIO or BIOES tags) and ner.jsonl ({\"text\", \"spans\":[{start, end, label}]} "
              "per asset); texts from \"texts\" or \"text_field\", else each entity's "
              "selection.",
          .fields = aaf::Fields::objects,
          .geometry = {aaf::ObjectKind::ner}},
      [](FormatContext& context, NerOptions options) -> std::unique_ptr<Conversion> {
        Settings s;
        s.conll = options.output != NerOptions::Output::jsonl;
        s.jsonl = options.output != NerOptions::Output::conll;
        s.bioes = options.scheme == NerOptions::Scheme::bioes;
        s.unit = options.offsets;
        s.lines = options.sentences == NerOptions::Sentences::lines;
        return std::make_unique<NerConversion>(context, s, std::move(options.source));
      });
}

}  // namespace xport::formats
