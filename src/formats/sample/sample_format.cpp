#include "formats/sample/sample_format.hpp"

#include "formats/builtin_formats.hpp"

#include <boost/json.hpp>

#include <cstdlib>

#include "formats/common/python_json.hpp"

namespace xport::formats {
namespace {

struct SampleChunk {
  std::string text;         // the chunk's list items, joined with ",\n"
  std::string annotations;  // scratch for one asset
  std::string item;         // scratch for one asset
  Report report;
};

// A JSON scalar as json.dumps(json.loads(token)) prints it.
void append_scalar(std::string& out, const aaf::Scalar& s) {
  using Type = aaf::Scalar::Type;
  switch (s.type) {
    case Type::string:
      pyjson::append_string(out, s.text);
      return;
    case Type::absent:
    case Type::null:
      out += "null";
      return;
    case Type::boolean:
      out += s.text;
      return;
    case Type::number:
      if (s.text.find_first_of(".eE") == std::string_view::npos) {
        // Python keeps integers exact; "-0" is the only non-canonical integer token.
        out += s.text == "-0" ? std::string_view("0") : s.text;
      } else {
        pyjson::append_float(out, std::strtod(std::string(s.text).c_str(), nullptr));
      }
      return;
  }
}

class SampleConversion final : public ChunkedConversion<SampleChunk> {
 public:
  SampleConversion(FormatContext& context, std::string separator)
      : context_(context), separator_(std::move(separator)) {
    context_.zip.begin_entry(context_.project_id + ".json",
                             zip::EntryOptions{.method = zip::Method::store});
  }

  void consume_asset(const aaf::Asset& asset, SampleChunk& chunk) override {
    Report& report = chunk.report;
    // Build the whole item first: if anything throws, the chunk is left untouched.
    std::string& annotations = chunk.annotations;
    annotations.clear();
    bool first = true;
    for (const aaf::Object& object : asset.objects()) {
      if (object.kind() == aaf::ObjectKind::invalid) {
        report.note(Report::Action::dropped, "malformed object", asset,
                    object.path() + ": " + std::string(object.problem()));
        continue;
      }
      auto box = object.bounding_box();
      if (!box) {
        report.note(Report::Action::ignored,
                    "not a bounding box (the sample format keeps boxes only)", asset,
                    aaf::to_string(object.kind()));
        continue;
      }
      if (!object.has_title()) {
        report.note(Report::Action::dropped, "bounding box without a title", asset, object.path());
        continue;
      }
      if (!first) annotations += separator_;
      first = false;
      annotations += object.title();
      for (double v : {box->x, box->y, box->width, box->height}) {
        annotations += ' ';
        pyjson::append_rounded_int(annotations, v);
      }
      report.count_object(object.title(), object.kind());
    }
    std::string& item = chunk.item;
    item.clear();
    item += "    {\n        \"externalId\": ";
    append_scalar(item, asset.external_id_value());
    item += ",\n        \"URL\": ";
    append_scalar(item, asset.url_value());
    item += ",\n        \"Annotations\": ";
    pyjson::append_string(item, annotations);
    item += "\n    }";
    if (!chunk.text.empty()) chunk.text += ",\n";
    chunk.text += item;
    report.count_asset();
  }

  void commit_chunk(SampleChunk& chunk) override {
    if (!chunk.text.empty()) {
      context_.zip.write(any_items_ ? ",\n" : "[\n");
      context_.zip.write(chunk.text);
      any_items_ = true;
    }
    context_.report.merge(chunk.report);
    chunk.text.clear();
    chunk.report.clear();
  }

  void finish() override {
    context_.zip.write(any_items_ ? "\n]" : "[]");
    context_.zip.end_entry();
  }

 private:
  FormatContext& context_;
  std::string separator_;
  bool any_items_ = false;
};

}  // namespace

const OptionList<SampleOptions>& SampleOptions::declarations() {
  static const auto list = [] {
    OptionList<SampleOptions> o;
    o.any_value(&SampleOptions::separator, "separator-character", std::string("-"),
                "String placed between the annotations of one asset. Any string; a value that "
                "is not a string (or no value) means \"-\", as in the seed's script.",
                [](const boost::json::value& v) {
                  return v.is_string() ? std::string(v.as_string()) : std::string("-");
                });
    return o;
  }();
  return list;
}

std::unique_ptr<Format> sample_format() {
  return std::make_unique<DeclaredFormat<SampleOptions>>(
      FormatInfo{.name = "sample",
                 .description =
                     "The seed's sample export: a JSON list of {externalId, URL, Annotations} with "
                     "every bounding box as \"<title> <x> <y> <w> <h>\", identical to the Python "
                     "sample plugin's output.",
                 .fields = aaf::Fields::objects,
                 .geometry = {aaf::ObjectKind::bounding_box},
                 .writes_report = false},
      [](FormatContext& context, SampleOptions options) -> std::unique_ptr<Conversion> {
        return std::make_unique<SampleConversion>(context, std::move(options.separator));
      });
}

}  // namespace xport::formats
