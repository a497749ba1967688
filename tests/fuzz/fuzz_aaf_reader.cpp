// libFuzzer target for the AAF reader: the input (after its first byte) is an export, read
// with aaf::Reader through small chunks and OnError::skip; every accessor of every asset,
// object, classification, relation and snapshot is touched, raw() included.
//
// The first byte picks the options: bits 0-5 the chunk size, bit 6 validation with a
// restricted set of fields and geometries, bit 7 a small max_asset_bytes; the input is
// always delivered through short reads.
//
// Oracles besides the sanitizers: the reader's invariants (kind invalid <=> a problem
// text, elements numbered in increasing order, problems in input order), and, for inputs
// read with the default size limit, the same assets and problems when read again at once
// in one big chunk (chunk and read boundaries must not change what is read).
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "xport/aaf/model.hpp"
#include "xport/aaf/reader.hpp"
#include "xport/errors.hpp"
#include "xport/io.hpp"

namespace {

using namespace xport;
using namespace xport::aaf;

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "fuzz_aaf_reader invariant broken: %s\n", what);
  std::abort();
}

#define FUZZ_CHECK(cond)      \
  do {                        \
    if (!(cond)) fail(#cond); \
  } while (false)

// A source returning at most `step` bytes per read.
class ShortReadSource final : public ByteSource {
 public:
  ShortReadSource(std::string_view data, std::size_t step) : data_(data), step_(step) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    std::size_t n = std::min({capacity, step_, data_.size() - pos_});
    std::memcpy(buffer, data_.data() + pos_, n);
    pos_ += n;
    return n;
  }
  std::string name() const override { return "<fuzz>"; }

 private:
  std::string_view data_;
  std::size_t step_;
  std::size_t pos_ = 0;
};

// Folds what the accessors return into a digest: every byte of every view is read (so
// that ASan sees a dangling view), and results can be compared across reads.
struct Digest {
  std::string text;
  void add(std::string_view s) {
    text.append(s);
    text.push_back('\x1f');
  }
  void add(double v) {
    char buf[40];
    int n = std::snprintf(buf, sizeof buf, "%.17g", v);
    text.append(buf, static_cast<std::size_t>(n));
    text.push_back('\x1f');
  }
  void add(std::uint64_t v) { add(std::to_string(v)); }
  void add(std::optional<int> v) { add(v ? std::to_string(*v) : std::string("-")); }
};

void touch_raw(Digest& d, const RawJson& e) {
  // Walk a little of the DOM: its type, its size when it is a container, and its members'
  // or elements' types (the iterators must visit exactly size() of them).
  d.add(static_cast<std::uint64_t>(e.type()));
  if (e.is_object() || e.is_array()) d.add(static_cast<std::uint64_t>(e.size()));
  std::size_t n = 0;
  for (const RawJson::Member& m : e.members()) {
    d.add(m.key);
    d.add(static_cast<std::uint64_t>(m.value.type()));
    ++n;
  }
  for (const RawJson& element : e.elements()) {
    d.add(static_cast<std::uint64_t>(element.type()));
    ++n;
  }
  FUZZ_CHECK(n == e.size());
}

void touch_classifications(Digest& d, ClassificationList list, int depth) {
  std::size_t n = 0;
  for (Classification c : list) {
    ++n;
    d.add(c.title());
    d.add(c.tool());
    d.add(c.schema_id());
    d.add(c.object_id());
    d.add(c.page());
    d.add(static_cast<std::uint64_t>(c.answer_kind()));
    d.add(c.answer());
    for (std::string_view s : c.answers())
      d.add(s);
    if (c.answer_kind() != AnswerKind::list) FUZZ_CHECK(c.answers().empty());
    touch_classifications(d, c.children(), depth + 1);
  }
  FUZZ_CHECK(n == list.size());
  FUZZ_CHECK(list.empty() == (n == 0));
}

void touch_points(Digest& d, std::span<const Point> pts) {
  for (Point p : pts) {
    d.add(p.x);
    d.add(p.y);
  }
}

void touch_object(Digest& d, const Object& o) {
  ObjectKind kind = o.kind();
  d.add(to_string(kind));
  d.add(static_cast<std::uint64_t>(o.index()));
  d.add(o.path());
  d.add(o.title());
  d.add(static_cast<std::uint64_t>(o.has_title()));
  d.add(o.object_id());
  d.add(o.schema_id());
  d.add(o.page());
  d.add(static_cast<std::uint64_t>(o.interpolation_stopped()));
  d.add(o.problem());
  FUZZ_CHECK((kind == ObjectKind::invalid) == !o.problem().empty());
  try {
    if (auto b = o.bounding_box()) {
      FUZZ_CHECK(kind == ObjectKind::bounding_box);
      Box n = b->normalized();
      FUZZ_CHECK(!(n.width < 0) && !(n.height < 0));
      for (double v : {b->x, b->y, b->width, b->height})
        d.add(v);
    }
    if (auto r = o.rotated_box()) {
      FUZZ_CHECK(kind == ObjectKind::rotated_bounding_box);
      for (double v : {r->x, r->y, r->width, r->height, r->rotation})
        d.add(v);
      for (Point p : r->polygon()) {
        d.add(p.x);
        d.add(p.y);
      }
    }
    auto pts = o.points();
    if (kind == ObjectKind::point) FUZZ_CHECK(pts.size() == 1);
    touch_points(d, pts);
    for (const Zone& z : o.zones()) {
      touch_points(d, z.region);
      for (auto hole : z.holes)
        touch_points(d, hole);
    }
    if (auto n = o.ner()) {
      d.add(n->start);
      d.add(n->end);
      d.add(n->selection.value_or("<none>"));
    }
    if (auto p = o.pdf()) {
      d.add(static_cast<std::uint64_t>(static_cast<std::uint32_t>(p->page_number)));
      d.add(p->text.value_or("<none>"));
      for (const PdfRect& r : p->rects)
        for (double v : {r.x1, r.y1, r.x2, r.y2, r.width, r.height})
          d.add(v);
      d.add(p->bounding.x1);
    }
  } catch (const std::logic_error&) {
    d.add("<not decoded>");  // a geometry outside ReadOptions::geometry
  }
  touch_classifications(d, o.classifications(), 0);
  try {
    touch_raw(d, o.raw());
  } catch (const std::exception&) {
    d.add("<no raw>");  // the DOM parser rejects what On-Demand skipped over
  }
}

void touch_asset(Digest& d, const Asset& a) {
  Location l = a.location();
  d.add(l.line);
  d.add(l.element);
  d.add(l.byte_offset);
  d.add(static_cast<std::uint64_t>(a.generation()));
  d.add(a.url());
  d.add(a.external_id());
  d.add(static_cast<std::uint64_t>(a.external_id_value().type));
  d.add(a.external_id_value().text);
  d.add(static_cast<std::uint64_t>(a.url_value().type));
  d.add(a.asset_id());
  d.add(static_cast<std::uint64_t>(a.width().value_or(0)));
  d.add(static_cast<std::uint64_t>(a.height().value_or(0)));
  if (a.width()) FUZZ_CHECK(*a.width() > 0);
  for (std::string_view s : a.batches())
    d.add(s);
  for (std::string_view s : a.dataset())
    d.add(s);
  d.add(static_cast<std::uint64_t>(a.has_task()));
  d.add(a.task_id());
  d.add(a.stage());
  d.add(a.stage_id());
  ObjectList objects = a.objects();
  std::size_t n = 0;
  for (Object o : objects) {
    FUZZ_CHECK(o.index() == n);
    touch_object(d, o);
    ++n;
  }
  FUZZ_CHECK(n == objects.size());
  touch_classifications(d, a.classifications(), 0);
  for (Relation r : a.relations()) {
    d.add(r.title());
    d.add(r.object_id());
    d.add(r.schema_id());
    d.add(r.page());
    d.add(r.from());
    d.add(r.to());
    d.add(r.direction());
    for (std::string_view s : r.group())
      d.add(s);
  }
  for (const StageSnapshot& s : a.stage_history()) {
    for (std::string_view v :
         {s.stage, s.stage_id, s.completed_at, s.completed_by, s.review_status})
      d.add(v);
    d.add(s.duration.value_or(-1.0));
  }
  FUZZ_CHECK(!a.json().empty());
  d.add(a.json());
  try {
    touch_raw(d, a.raw());
  } catch (const std::exception&) {
    d.add("<no raw>");
  }
}

struct Outcome {
  std::string digest;
  std::vector<std::string> problems;
  ReadStats stats;
  bool input_error = false;
};

Outcome read(std::unique_ptr<ByteSource> source, ReadOptions options) {
  Outcome out;
  std::uint64_t last_offset = 0;
  options.on_problem = [&](const Problem& p) {
    FUZZ_CHECK(!p.reason.empty());
    FUZZ_CHECK(!(p.fatal && p.warning));
    FUZZ_CHECK(p.where.byte_offset >= last_offset);  // input order
    last_offset = p.where.byte_offset;
    out.problems.push_back(p.to_string() + (p.fatal ? "!" : "") + (p.warning ? "?" : ""));
  };
  Digest d;
  try {
    Reader reader(std::move(source), options);
    std::uint64_t element = 0;
    while (const Asset* a = reader.next()) {
      FUZZ_CHECK(a->location().element > element);
      element = a->location().element;
      touch_asset(d, *a);
      d.text.push_back('\x1e');
    }
    FUZZ_CHECK(reader.next() == nullptr);
    out.stats = reader.stats();
  } catch (const InputError& e) {
    // A malformed zip archive (the reader's own problems are reported, not thrown).
    out.input_error = true;
    out.problems.push_back(std::string("InputError: ") + e.what());
  }
  out.digest = std::move(d.text);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned control = data[0];
  std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);

  ReadOptions options;
  options.on_error = OnError::skip;
  options.chunk_bytes = 1 + (control & 0x3f) * 7u;  // 1..442 bytes
  if (control & 0x40) {
    options.validate = true;
    options.geometry = {ObjectKind::bounding_box, ObjectKind::polygon, ObjectKind::pdf};
    options.fields = Fields::objects | Fields::relations;
  }
  const bool small_limit = (control & 0x80) != 0;
  if (small_limit) options.max_asset_bytes = 64 + (control & 0x3f) * 16u;

  // Short reads, so that the small chunks are real even for a small input (a memory source
  // hands the reader its first 64 KiB at once).
  Outcome small = read(std::make_unique<ShortReadSource>(input, 1 + control % 11), options);

  // Differential: with the default size limit, one big chunk must read the same.
  if (!small_limit) {
    ReadOptions big = options;
    big.chunk_bytes = std::size_t{1} << 20;
    Outcome whole = read(std::make_unique<MemorySource>(input, "<fuzz>"), big);
    FUZZ_CHECK(whole.digest == small.digest);
    if (whole.problems != small.problems) {
      // Both lists, so that a crash report says which problem moved or changed.
      for (const std::string& p : whole.problems)
        std::fprintf(stderr, "whole: %s\n", p.c_str());
      for (const std::string& p : small.problems)
        std::fprintf(stderr, "small: %s\n", p.c_str());
    }
    FUZZ_CHECK(whole.problems == small.problems);
    FUZZ_CHECK(whole.input_error == small.input_error);
    FUZZ_CHECK(whole.stats.assets == small.stats.assets);
    FUZZ_CHECK(whole.stats.skipped == small.stats.skipped);
    FUZZ_CHECK(whole.stats.truncated == small.stats.truncated);
    FUZZ_CHECK(whole.stats.kind == small.stats.kind);
  }
  return 0;
}
