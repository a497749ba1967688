#include "formats/aaf/aaf_format.hpp"

#include "formats/builtin_formats.hpp"

#include <fmt/format.h>

#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "aaf/raw_json_dom.hpp"
#include "formats/aaf/json_text.hpp"
#include "xport/errors.hpp"

namespace xport::formats {
namespace {

namespace dom = simdjson::dom;
using Members = std::vector<std::pair<std::string_view, std::string_view>>;

using Options = AafOptions;
using Layout = AafOptions::Layout;

[[noreturn]] void config_error(std::string_view message) {
  throw ConfigError(fmt::format("Config JSON: aaf: {}", message));
}

// A name filter as configured: a non-empty list of strings.
AafOptions::NameSet name_set(const boost::json::value& value, std::string_view key) {
  AafOptions::NameSet set;
  const auto& list = value.as_array();  // the type was validated
  if (list.empty())
    config_error(
        fmt::format("\"{}\" is empty (it would drop everything); omit it to keep all", key));
  for (const auto& v : list) {
    if (!v.is_string()) config_error(fmt::format("\"{}\" must be a list of strings", key));
    set.names.emplace(v.as_string());
  }
  set.active = true;
  return set;
}

// DOM helpers -----------------------------------------------------------------------------

std::optional<std::string_view> string_at(dom::object o, std::string_view key) {
  std::string_view s;
  if (o.at_key(key).get_string().get(s)) return std::nullopt;
  return s;
}

std::optional<bool> bool_at(dom::object o, std::string_view key) {
  bool b = false;
  if (o.at_key(key).get_bool().get(b)) return std::nullopt;
  return b;
}

bool has_number(dom::object o, std::string_view key) {
  dom::element e;
  return !o.at_key(key).get(e) && e.is_number();
}

// The tool of an object: its first geometry key, as the reader decides.
aaf::ObjectKind kind_of(dom::object o) {
  for (const dom::key_value_pair& field : o) {
    for (int k = 0; k < static_cast<int>(aaf::ObjectKind::unknown); ++k) {
      auto kind = static_cast<aaf::ObjectKind>(k);
      if (field.key == aaf::to_string(kind)) return kind;
    }
  }
  return aaf::ObjectKind::unknown;
}

enum class Frame { not_a_frame, key, interpolated, unmarked };

// A marker on the entry or in its metadata, when the export carries one.
std::optional<bool> key_frame_marker(dom::object o) {
  for (std::string_view key : {"isKeyFrame", "keyFrame", "keyframe"})
    if (auto b = bool_at(o, key)) return *b;
  if (auto b = bool_at(o, "interpolated")) return !*b;
  return std::nullopt;
}

Frame frame_of(dom::object o) {
  if (!has_number(o, "page")) return Frame::not_a_frame;
  if (bool_at(o, "interpolationStopped").value_or(false)) return Frame::key;
  std::optional<bool> key = key_frame_marker(o);
  dom::object metadata;
  if (!key && !o.at_key("metadata").get_object().get(metadata)) key = key_frame_marker(metadata);
  if (!key) return Frame::unmarked;
  return *key ? Frame::key : Frame::interpolated;
}

bool is_video(dom::object root) {
  dom::object metadata;
  if (root.at_key("metadata").get_object().get(metadata)) return false;
  return has_number(metadata, "frameTotal") || has_number(metadata, "frameRate");
}

dom::object as_object(dom::element e) {
  dom::object o;
  if (e.get_object().get(o)) throw std::runtime_error("internal error: expected an object");
  return o;
}

dom::array as_array(dom::element e) {
  dom::array a;
  if (e.get_array().get(a)) throw std::runtime_error("internal error: expected an array");
  return a;
}

// Per-chunk state -------------------------------------------------------------------------

struct PendingNote {
  Report::Action action;
  std::string reason;
  std::string detail;
};

struct Counted {
  std::string_view title;  // points into the asset's DOM (valid during consume())
  aaf::ObjectKind kind;
};

struct AafChunk {
  std::string text;  // the chunk's assets, each with its separator
  Report report;
  // Scratch for one asset.
  std::string item;
  std::vector<PendingNote> notes;
  std::vector<Counted> counted;
  // For assets whose numbers simdjson's DOM cannot hold (see parse()).
  std::string copy;
  dom::parser parser;
};

// Which list of objects is being filtered: the task the reader calls the asset's task
// (counted in the report's objects), a consensus copy, or a stageHistory snapshot.
struct Scope {
  bool current = false;
  std::string_view what;  // "object", "consensus-task object", "stageHistory object"
  std::string path;       // "task", "tasks[1]", "task.stageHistory[0]"
};

// Rewrites one asset from its text (tokens copied) and DOM (decisions), compactly.
class AssetWriter {
 public:
  AssetWriter(const Options& options, const aaf::Asset& asset, AafChunk& chunk)
      : o_(options), asset_(asset), chunk_(chunk) {}

  bool changed() const { return changed_; }
  std::size_t unmarked_frames() const { return unmarked_; }

  void write_asset(std::string& out, std::string_view text, dom::object root) {
    video_ = o_.key_frames_only && is_video(root);
    out += '{';
    Members m;
    json_text::members(text, m);
    if (m.size() != root.size()) throw std::runtime_error("internal error: member count");
    const aaf::Generation generation = asset_.generation();
    bool current_seen = false;
    bool first = true;  // no member written yet
    auto key = [&](std::string_view token) {
      if (!first) out += ',';
      first = false;
      out += token;
      out += ':';
    };
    std::size_t k = 0;
    for (const dom::key_value_pair& field : root) {
      const auto& [token, value] = m[k++];
      if (field.key == "task" && field.value.is_object()) {
        key(token);
        bool current = generation == aaf::Generation::v3 && !current_seen;
        current_seen = current_seen || current;
        write_task(out, value, as_object(field.value), {current, "object", "task"}, false);
      } else if (field.key == "tasks" && field.value.is_array()) {
        bool current = generation == aaf::Generation::v2 && !current_seen;
        current_seen = current_seen || current;
        std::vector<std::string_view> tasks;
        json_text::elements(value, tasks);
        dom::array list = as_array(field.value);
        if (o_.normalize && current) {
          changed_ = true;
          dom::element first_task;
          if (tasks.empty() || list.at(0).get(first_task) || !first_task.is_object()) {
            note(Report::Action::altered,
                 "normalize: v2 asset without a task (tasks empty or null): no \"task\" written",
                 "");
            continue;
          }
          key("\"task\"");
          write_task(out, tasks[0], as_object(first_task), {true, "object", "tasks[0]"}, true);
          note(Report::Action::altered, "normalize: v2 asset rewritten as v3", "");
          if (tasks.size() > 1)
            note(Report::Action::altered, "normalize: consensus tasks beyond tasks[0] left out",
                 fmt::format("{} more task(s)", tasks.size() - 1));
          continue;
        }
        key(token);
        out += '[';
        std::size_t i = 0;
        for (dom::element task : list) {
          if (i) out += ',';
          if (task.is_object()) {
            Scope scope{current && i == 0, i == 0 ? "object" : "consensus-task object",
                        fmt::format("tasks[{}]", i)};
            write_task(out, tasks[i], as_object(task), scope, false);
          } else {
            json_text::append_compact(out, tasks[i]);
          }
          ++i;
        }
        out += ']';
      } else {
        key(token);
        json_text::append_compact(out, value);
      }
    }
    out += '}';
  }

 private:
  void note(Report::Action action, std::string reason, std::string detail) {
    chunk_.notes.push_back({action, std::move(reason), std::move(detail)});
  }

  // Empty when the object is kept, else why it is dropped.
  std::string drop_reason(dom::element e, std::string_view what) {
    dom::object o;
    if (e.get_object().get(o)) return {};  // not an object: nothing to judge, kept
    if (o_.classes.active) {
      std::optional<std::string_view> title = string_at(o, "title");
      if (!title || !o_.classes.contains(*title)) return fmt::format("{} not in \"classes\"", what);
    }
    if (video_) {
      switch (frame_of(o)) {
        case Frame::interpolated:
          return fmt::format("{} on an interpolated frame (key_frames_only)", what);
        case Frame::unmarked:
          ++unmarked_;
          break;
        case Frame::key:
        case Frame::not_a_frame:
          break;
      }
    }
    return {};
  }

  static std::string describe(dom::element e) {
    dom::object o;
    if (e.get_object().get(o)) return {};
    std::optional<std::string_view> title = string_at(o, "title");
    return title ? fmt::format(" \"{}\"", *title) : std::string(" (no title)");
  }

  // A task (or stageHistory snapshot): its object lists filtered, relations to dropped
  // objects dropped, and with `rename` (v2 -> v3) "objects" written as "tools".
  void write_task(std::string& out, std::string_view text, dom::object task, const Scope& scope,
                  bool rename) {
    Members m;
    json_text::members(text, m);
    if (m.size() != task.size()) throw std::runtime_error("internal error: member count");

    // Pass 1: which objects stay, so that relations (wherever they are) can follow.
    std::vector<std::vector<std::string>> reasons(m.size());
    std::set<std::string, std::less<>> dropped_ids, kept_ids;
    bool has_stage = false;
    std::size_t k = 0;
    for (const dom::key_value_pair& field : task) {
      std::size_t at = k++;
      has_stage = has_stage || field.key == "stage";
      if ((field.key != "tools" && field.key != "objects") || !field.value.is_array()) continue;
      for (dom::element e : as_array(field.value)) {
        std::string reason = drop_reason(e, scope.what);
        dom::object o;
        std::optional<std::string_view> id;
        if (!e.get_object().get(o)) id = string_at(o, "objectId");
        if (id) (reason.empty() ? kept_ids : dropped_ids).emplace(*id);
        reasons[at].push_back(std::move(reason));
      }
    }
    for (const std::string& id : kept_ids)
      dropped_ids.erase(id);  // video: the object lives on in other frames

    // Pass 2: write.
    out += '{';
    k = 0;
    for (const dom::key_value_pair& field : task) {
      std::size_t at = k++;
      const auto& [token, value] = m[at];
      if (at) out += ',';
      bool objects = (field.key == "tools" || field.key == "objects") && field.value.is_array();
      if (objects && rename && field.key == "objects") {
        out += "\"tools\"";
      } else {
        out += token;
      }
      out += ':';
      if (objects) {
        write_objects(out, value, as_array(field.value), reasons[at], scope,
                      std::string(field.key));
      } else if (field.key == "relations" && field.value.is_array() && !dropped_ids.empty()) {
        write_relations(out, value, as_array(field.value), dropped_ids, scope);
      } else if (field.key == "stageHistory" && field.value.is_array() && scope.current &&
                 o_.object_filters()) {
        write_history(out, value, as_array(field.value), scope);
      } else {
        json_text::append_compact(out, value);
      }
      if (rename && field.key == "status" && !has_stage) {
        out += ",\"stage\":";
        json_text::append_compact(out, value);
      }
    }
    out += '}';
  }

  void write_objects(std::string& out, std::string_view text, dom::array list,
                     const std::vector<std::string>& reasons, const Scope& scope,
                     const std::string& key) {
    std::vector<std::string_view> items;
    json_text::elements(text, items);
    if (items.size() != reasons.size()) throw std::runtime_error("internal error: list size");
    out += '[';
    bool first = true;
    std::size_t i = 0;
    for (dom::element e : list) {
      const std::string& reason = reasons[i];
      if (reason.empty()) {
        if (!first) out += ',';
        first = false;
        json_text::append_compact(out, items[i]);
        dom::object o;
        if (scope.current && !e.get_object().get(o))
          chunk_.counted.push_back({string_at(o, "title").value_or(""), kind_of(o)});
      } else {
        changed_ = true;
        note(Report::Action::dropped, reason,
             fmt::format("{}.{}[{}]{}", scope.path, key, i, describe(e)));
      }
      ++i;
    }
    out += ']';
  }

  void write_relations(std::string& out, std::string_view text, dom::array list,
                       const std::set<std::string, std::less<>>& dropped_ids, const Scope& scope) {
    std::vector<std::string_view> items;
    json_text::elements(text, items);
    out += '[';
    bool first = true;
    std::size_t i = 0;
    for (dom::element e : list) {
      bool refers = false;
      dom::object o;
      if (!e.get_object().get(o)) {
        for (std::string_view key : {"from", "to"})
          if (auto id = string_at(o, key)) refers = refers || dropped_ids.count(*id) != 0;
        dom::array group;
        if (!o.at_key("group").get_array().get(group))
          for (dom::element member : group) {
            std::string_view id;
            if (!member.get_string().get(id)) refers = refers || dropped_ids.count(id) != 0;
          }
      }
      if (refers) {
        changed_ = true;
        std::string_view what = scope.what;
        what.remove_suffix(std::string_view("object").size());
        note(Report::Action::dropped, fmt::format("{}relation to a dropped object", what),
             fmt::format("{}.relations[{}]{}", scope.path, i, describe(e)));
      } else {
        if (!first) out += ',';
        first = false;
        json_text::append_compact(out, items[i]);
      }
      ++i;
    }
    out += ']';
  }

  void write_history(std::string& out, std::string_view text, dom::array list, const Scope& scope) {
    std::vector<std::string_view> items;
    json_text::elements(text, items);
    out += '[';
    std::size_t i = 0;
    for (dom::element e : list) {
      if (i) out += ',';
      if (e.is_object()) {
        Scope snapshot{false, "stageHistory object",
                       fmt::format("{}.stageHistory[{}]", scope.path, i)};
        write_task(out, items[i], as_object(e), snapshot, false);
      } else {
        json_text::append_compact(out, items[i]);
      }
      ++i;
    }
    out += ']';
  }

  const Options& o_;
  const aaf::Asset& asset_;
  AafChunk& chunk_;
  bool video_ = false;
  bool changed_ = false;
  std::size_t unmarked_ = 0;
};

// The objects of the asset's own task (task.tools / tasks[0].objects), for the report.
void count_objects(dom::object root, aaf::Generation generation, std::vector<Counted>& out) {
  dom::object task;
  if (generation == aaf::Generation::v3) {
    if (root.at_key("task").get_object().get(task)) return;
  } else if (generation == aaf::Generation::v2) {
    dom::array tasks;
    if (root.at_key("tasks").get_array().get(tasks) || tasks.at(0).get_object().get(task)) return;
  } else {
    return;
  }
  for (const dom::key_value_pair& field : task) {
    if (field.key != "tools" && field.key != "objects") continue;
    dom::array list;
    if (field.value.get_array().get(list)) continue;
    for (dom::element e : list) {
      dom::object o;
      if (!e.get_object().get(o)) out.push_back({string_at(o, "title").value_or(""), kind_of(o)});
    }
    return;  // the reader reads the first list only
  }
}

std::string joined(std::span<const std::string_view> names) {
  std::string s;
  for (std::string_view n : names) {
    if (!s.empty()) s += ", ";
    s += n;
  }
  return s.empty() ? "(none)" : s;
}

class AafConversion final : public ChunkedConversion<AafChunk> {
 public:
  AafConversion(FormatContext& context, Options options)
      : context_(context), o_(std::move(options)) {
    context_.zip.begin_entry(o_.file_name, context_.entry);
  }

  // The asset's DOM. simdjson rejects some valid numbers (integers past 64 bits, 1e400);
  // then a copy with its numbers blanked out is parsed instead: decisions never read a
  // number's value, and the output is cut from the original text.
  static dom::element parse(const aaf::Asset& asset, AafChunk& chunk) {
    try {
      return aaf::dom_of(asset.raw());
    } catch (const std::runtime_error&) {
      chunk.copy.assign(asset.json());
      if (!json_text::neutralize_numbers(chunk.copy)) throw;
      dom::element root;
      if (chunk.parser.parse(chunk.copy).get(root)) throw;
      return root;
    }
  }

  void consume_asset(const aaf::Asset& asset, AafChunk& chunk) override {
    chunk.item.clear();
    chunk.notes.clear();
    chunk.counted.clear();

    // A full parse: whatever the reader skipped is checked too, so every asset written is
    // valid JSON (an invalid one throws: it is reported and skipped).
    dom::object root = as_object(parse(asset, chunk));

    // Asset filters.
    if (o_.stages.active && !(asset.has_task() && o_.stages.contains(asset.stage()))) {
      chunk.report.note(Report::Action::dropped, "asset: stage not in \"stages\"", asset,
                        asset.has_task() ? asset.stage() : "(no task)");
      return;
    }
    if (o_.batches.active) {
      bool any = false;
      for (std::string_view b : asset.batches())
        any = any || o_.batches.contains(b);
      if (!any) {
        chunk.report.note(Report::Action::dropped, "asset: no batch in \"batches\"", asset,
                          joined(asset.batches()));
        return;
      }
    }

    const std::string_view text = json_text::trim(asset.json());
    bool rewritten = false;
    std::size_t unmarked = 0;
    if (o_.object_filters() || (o_.normalize && asset.generation() == aaf::Generation::v2)) {
      AssetWriter writer(o_, asset, chunk);
      writer.write_asset(chunk.item, text, root);
      rewritten = writer.changed();
      unmarked = writer.unmarked_frames();
      if (!rewritten) {  // nothing inside changed: the original bytes below
        chunk.item.clear();
        chunk.notes.clear();
        chunk.counted.clear();
      }
    }
    if (!rewritten) {
      if (o_.layout == Layout::ndjson && json_text::has_line_break(text))
        json_text::append_compact(chunk.item, text);  // one line, tokens unchanged
      else
        chunk.item += text;
      count_objects(root, asset.generation(), chunk.counted);
    }

    // Nothing below throws (short of memory): the chunk changes only now.
    if (o_.layout == Layout::ndjson) {
      chunk.text += chunk.item;
      chunk.text += '\n';
    } else {
      if (!chunk.text.empty()) chunk.text += ",\n";
      chunk.text += chunk.item;
    }
    for (const PendingNote& n : chunk.notes)
      chunk.report.note(n.action, n.reason, asset, n.detail);
    if (unmarked)
      chunk.report.note(Report::Action::ignored,
                        "key_frames_only: video frames without a key-frame marker kept (AAF "
                        "does not mark interpolated frames)",
                        asset, fmt::format("{} entries", unmarked));
    for (const Counted& c : chunk.counted)
      chunk.report.count_object(c.title, c.kind);
    chunk.report.count_asset();
  }

  void commit_chunk(AafChunk& chunk) override {
    if (!chunk.text.empty()) {
      if (o_.layout == Layout::json) context_.zip.write(any_items_ ? ",\n" : "[\n");
      context_.zip.write(chunk.text);
      any_items_ = true;
    }
    context_.report.merge(chunk.report);
    chunk.text.clear();
    chunk.report.clear();
  }

  void finish() override {
    if (o_.layout == Layout::json) context_.zip.write(any_items_ ? "\n]\n" : "[]\n");
    context_.zip.end_entry();
  }

 private:
  FormatContext& context_;
  Options o_;
  bool any_items_ = false;
};

}  // namespace

const OptionList<AafOptions>& AafOptions::declarations() {
  static const auto list = [] {
    OptionList<AafOptions> o({}, options::Refusal{"Config JSON: aaf: ", "not"});
    o.choice(&AafOptions::layout, "layout", Layout::ndjson,
             options::Names<Layout>{{"ndjson", Layout::ndjson}, {"json", Layout::json}},
             "\"ndjson\" (one asset per line) or \"json\" (a JSON array: \"[\", the assets "
             "separated by \",\", \"]\", each on its own line(s)).");
    o.any_value(&AafOptions::normalize, "normalize", false,
                "false, or \"v3\": rewrite v2 assets (tasks[0] with \"objects\") as v3 (\"task\" "
                "with \"tools\"), keeping every other field; the task's \"status\" is also "
                "copied to \"stage\". Consensus tasks beyond tasks[0] are left out and reported. "
                "v3 assets are unchanged.",
                [](const boost::json::value& v) {
                  if (v.is_string() && v.as_string() == "v3") return true;
                  if (!(v.is_bool() && !v.as_bool()) && !v.is_null())
                    config_error("\"normalize\" must be false or \"v3\"");
                  return false;
                });
    o.custom(&AafOptions::stages, "stages", OptionType::array, "null",
             "Keep only assets whose task stage is listed (v3 task.stage; for v2, "
             "tasks[0].status, the reader's equivalent). Assets without a task are dropped. Omit "
             "to keep all.",
             [](const boost::json::value& v) { return name_set(v, "stages"); });
    o.custom(&AafOptions::batches, "batches", OptionType::array, "null",
             "Keep only assets in at least one of the listed batches. Omit to keep all.",
             [](const boost::json::value& v) { return name_set(v, "batches"); });
    o.option(&AafOptions::key_frames_only, "key_frames_only", false,
             "On video assets (metadata.frameTotal or frameRate present), drop tool entries "
             "marked as interpolated (\"isKeyFrame\"/\"keyFrame\": false or \"interpolated\": "
             "true, on the entry or its metadata). AAF itself does not mark interpolated frames: "
             "unmarked entries are kept and reported. Entries with interpolationStopped are key "
             "frames.");
    o.custom(&AafOptions::classes, "classes", OptionType::array, "null",
             "Class whitelist: keep only objects (tools) whose title is listed, in the task, in "
             "every consensus task and in stageHistory snapshots; relations to a dropped object "
             "are dropped too. Classifications are questions, not classes: they are kept.",
             [](const boost::json::value& v) { return name_set(v, "classes"); });
    o.custom(&AafOptions::file_name, "file_name", OptionType::string, "null",
             "Name of the zip entry holding the export (default export.ndjson or export.json).",
             [](const boost::json::value& v) {
               std::string name(v.as_string());
               zip::check_entry_name(name);  // throws NameError (a ConfigError)
               if (name == "report.json") config_error("\"file_name\" cannot be report.json");
               return name;
             });
    o.finish([](AafOptions& a) {
      if (a.file_name.empty())  // not given (an empty name is refused above)
        a.file_name = a.layout == Layout::json ? "export.json" : "export.ndjson";
    });
    return o;
  }();
  return list;
}

std::unique_ptr<Format> aaf_format() {
  return std::make_unique<DeclaredFormat<AafOptions>>(
      FormatInfo{.name = "aaf",
                 .description =
                     "AAF to AAF: the export itself as NDJSON or a JSON array, filtered by stage, "
                     "batch, class and key frame, optionally normalised from v2 (tasks[0].objects) "
                     "to v3 (task.tools); assets nothing changed inside are copied byte for byte.",
                 .fields = aaf::Fields::basic,
                 .geometry = {}},
      construct<AafConversion, AafOptions>);
}

}  // namespace xport::formats
