// Helpers shared by the AAF reader tests: sources that misbehave on purpose (short reads,
// failures), zips built in memory, and a canonical text description of everything an
// Asset exposes, so that two ways of reading can be compared exactly.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "xport/aaf/model.hpp"
#include "xport/aaf/reader.hpp"
#include "xport/errors.hpp"
#include "xport/io.hpp"
#include "xport/zip.hpp"

namespace xport::aaf::test {

inline std::string sample_path(const char* name) {
  return std::string(XPORT_SHARED_DIR) + "/samples/" + name;
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot open " + path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A source that returns at most `step` bytes per read (pipes, sockets): read sizes cycle
// through 1..step so that every split position gets exercised.
class ChoppySource final : public ByteSource {
 public:
  ChoppySource(std::string data, std::size_t step, std::string name = "<choppy>")
      : data_(std::move(data)), step_(step), name_(std::move(name)) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    std::size_t want = 1 + (calls_++ % step_);
    std::size_t n = std::min({capacity, want, data_.size() - pos_});
    std::copy_n(data_.data() + pos_, n, buffer);
    pos_ += n;
    return n;
  }
  std::string name() const override { return name_; }

 private:
  std::string data_;
  std::size_t step_;
  std::size_t pos_ = 0;
  std::size_t calls_ = 0;
  std::string name_;
};

// A source that fails with IoError once `good` bytes have been read.
class FailingSource final : public ByteSource {
 public:
  FailingSource(std::string data, std::size_t good) : data_(std::move(data)), good_(good) {}
  std::size_t read(char* buffer, std::size_t capacity) override {
    if (pos_ >= good_) throw IoError("disk on fire");
    std::size_t n = std::min(capacity, good_ - pos_);
    std::copy_n(data_.data() + pos_, n, buffer);
    pos_ += n;
    return n;
  }
  std::string name() const override { return "<failing>"; }

 private:
  std::string data_;
  std::size_t good_;
  std::size_t pos_ = 0;
};

inline std::string make_zip(const std::vector<std::pair<std::string, std::string>>& entries,
                            zip::Method method = zip::Method::deflate) {
  StringSink sink;
  zip::Writer writer(sink);
  for (const auto& [name, data] : entries)
    writer.add(name, data, zip::EntryOptions{method, 6});
  writer.close();
  return sink.data();
}

inline std::string opt(const std::optional<std::uint32_t>& v) {
  return v ? std::to_string(*v) : std::string("-");
}

inline void describe_classes(std::ostream& o, ClassificationList list, int depth) {
  for (Classification c : list) {
    o << std::string(static_cast<std::size_t>(depth) * 2, ' ') << "class " << c.title() << '|'
      << c.tool() << '|' << c.schema_id() << '|' << c.object_id() << '|'
      << (c.page() ? std::to_string(*c.page()) : "-") << '|' << static_cast<int>(c.answer_kind())
      << '|' << c.answer();
    for (auto s : c.answers())
      o << '[' << s << ']';
    o << '\n';
    describe_classes(o, c.children(), depth + 1);
  }
}

inline void describe_geometry(std::ostream& o, const Object& ob) {
  try {
    if (auto b = ob.bounding_box())
      o << " box " << b->x << ',' << b->y << ',' << b->width << ',' << b->height;
    if (auto r = ob.rotated_box()) {
      o << " rbox " << r->x << ',' << r->y << ',' << r->width << ',' << r->height << ','
        << r->rotation << ',' << r->has_corners;
      for (Point p : r->polygon())
        o << ' ' << p.x << ':' << p.y;
    }
    for (Point p : ob.points())
      o << " pt " << p.x << ':' << p.y;
    for (const Zone& z : ob.zones()) {
      o << " zone";
      for (Point p : z.region)
        o << ' ' << p.x << ':' << p.y;
      for (auto hole : z.holes) {
        o << " hole";
        for (Point p : hole)
          o << ' ' << p.x << ':' << p.y;
      }
    }
    if (auto n = ob.ner())
      o << " ner " << n->start << ',' << n->end << ',' << n->selection.value_or("<none>");
    if (auto p = ob.pdf()) {
      o << " pdf " << p->page_number << ',' << p->text.value_or("<none>");
      o << " bounds " << p->bounding.x1 << ',' << p->bounding.y1 << ',' << p->bounding.x2 << ','
        << p->bounding.y2 << ',' << p->bounding.width << ',' << p->bounding.height;
      for (const PdfRect& r : p->rects)
        o << " rect " << r.x1 << ',' << r.y1 << ',' << r.x2 << ',' << r.y2 << ',' << r.width << ','
          << r.height;
    }
  } catch (const std::logic_error&) {
    o << " <not decoded>";
  }
}

// Everything the views expose about an asset, as text, so that assets read in different ways
// can be compared (and copied out of the reader's storage).
inline std::string describe(const Asset& a, bool with_location = true) {
  std::ostringstream o;
  o.precision(17);
  if (with_location) {
    Location l = a.location();
    o << '@' << l.line << ':' << l.element << ':' << l.byte_offset << '\n';
  }
  o << "gen " << static_cast<int>(a.generation()) << " url " << a.url() << " ext "
    << static_cast<int>(a.external_id_value().type) << ':' << a.external_id() << " id "
    << a.asset_id() << " size " << opt(a.width()) << 'x' << opt(a.height()) << '\n';
  for (auto b : a.batches())
    o << "batch " << b << '\n';
  for (auto d : a.dataset())
    o << "page " << d << '\n';
  o << "task " << a.has_task() << '|' << a.task_id() << '|' << a.stage() << '|' << a.stage_id()
    << '\n';
  for (Object ob : a.objects()) {
    o << "object " << ob.index() << ' ' << to_string(ob.kind()) << '|' << ob.has_title() << '|'
      << ob.title() << '|' << ob.object_id() << '|' << ob.schema_id() << '|'
      << (ob.page() ? std::to_string(*ob.page()) : "-") << '|' << ob.interpolation_stopped() << '|'
      << ob.problem();
    describe_geometry(o, ob);
    o << '\n';
    describe_classes(o, ob.classifications(), 1);
  }
  describe_classes(o, a.classifications(), 0);
  for (Relation r : a.relations()) {
    o << "relation " << r.title() << '|' << r.object_id() << '|' << r.schema_id() << '|'
      << (r.page() ? std::to_string(*r.page()) : "-") << '|' << r.from() << '|' << r.to() << '|'
      << r.direction();
    for (auto g : r.group())
      o << '[' << g << ']';
    o << '\n';
  }
  for (const StageSnapshot& s : a.stage_history()) {
    o << "stage " << s.stage << '|' << s.stage_id << '|' << s.completed_at << '|' << s.completed_by
      << '|' << s.review_status << '|';
    if (s.duration)
      o << *s.duration;
    else
      o << '-';
    o << '\n';
  }
  return o.str();
}

struct Result {
  std::vector<std::string> assets;  // describe() of each asset, in order
  std::vector<Location> locations;
  std::vector<Problem> problems;
  ReadStats stats;
  std::string problem_text() const {
    std::string out;
    for (const Problem& p : problems)
      out += p.to_string() + (p.fatal ? " [fatal]" : "") + (p.warning ? " [warning]" : "") + "\n";
    return out;
  }
};

inline Result read_source(std::unique_ptr<ByteSource> source, ReadOptions options = {}) {
  Result r;
  options.on_problem = [&r](const Problem& p) { r.problems.push_back(p); };
  Reader reader(std::move(source), options);
  while (const Asset* a = reader.next()) {
    r.assets.push_back(describe(*a));
    r.locations.push_back(a->location());
  }
  EXPECT_EQ(reader.next(), nullptr);  // stays at the end
  r.stats = reader.stats();
  return r;
}

inline Result read_text(std::string_view text, ReadOptions options = {}) {
  return read_source(std::make_unique<MemorySource>(text), std::move(options));
}

}  // namespace xport::aaf::test
