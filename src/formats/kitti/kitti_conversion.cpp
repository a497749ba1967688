#include "formats/kitti/kitti_conversion.hpp"

#include <algorithm>
#include <charconv>

namespace xport::formats::kitti {
namespace {

using Action = Report::Action;

constexpr std::string_view kNoSize =
    "no image size (metadata.width/height): boxes clamped at the top-left only";
constexpr std::string_view kTruncated =
    "box clamped to the image (truncated = the fraction outside)";

// "%.2f" as the devkit writes, in the "C" locale whatever the process locale.
void append_fixed2(std::string& out, double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::fixed, 2);
  if (ec != std::errc()) {  // beyond 64 characters: only absurd unclamped coordinates
    text::append_number(out, value);
    return;
  }
  out.append(buf, end);
}

// The length of the white-space character at the start of `s` (ASCII controls and
// white space, and the Unicode white space that Python's str.split() splits on), or 0.
std::size_t space_length(std::string_view s) {
  auto b = [&](std::size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0; };
  if (b(0) <= 0x20 || b(0) == 0x7f) return 1;
  if (b(0) == 0xC2 && (b(1) == 0x85 || b(1) == 0xA0)) return 2;
  if (b(0) == 0xE1 && b(1) == 0x9A && b(2) == 0x80) return 3;  // U+1680
  if (b(0) == 0xE2 && b(1) == 0x80) {  // U+2000..200A, U+2028, U+2029, U+202F
    unsigned c = b(2);
    if ((c >= 0x80 && c <= 0x8A) || c == 0xA8 || c == 0xA9 || c == 0xAF) return 3;
  }
  if (b(0) == 0xE2 && b(1) == 0x81 && b(2) == 0x9F) return 3;  // U+205F
  if (b(0) == 0xE3 && b(1) == 0x80 && b(2) == 0x80) return 3;  // U+3000
  return 0;
}

// A class name for a report reason, which is printed on a terminal: control characters
// shown as escapes, so a name cannot break the line.
std::string printable(std::string_view name) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : name) {
    if (c >= 0x20 && c != 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string type_token(std::string_view class_name) {
  std::string out;
  while (!class_name.empty()) {
    std::size_t n = space_length(class_name);
    if (n > 0) {
      out += '_';
      class_name.remove_prefix(n);
    } else {
      out += class_name.front();
      class_name.remove_prefix(1);
    }
  }
  return out;
}

KittiConversion::KittiConversion(FormatContext& context, KittiOptions settings)
    : context_(context),
      settings_(std::move(settings)),
      picker_("KITTI", settings_.boxes_from_polygons) {}

std::string KittiConversion::type_of(std::string_view class_name, dataset::PendingNotes& notes,
                                     std::deque<std::string>& reasons) const {
  if (auto it = settings_.class_map.find(class_name); it != settings_.class_map.end())
    return it->second;
  std::string type = type_token(class_name);
  if (type != class_name) {
    reasons.push_back("class name mapped to a KITTI type (one token): \"" + printable(class_name) +
                      "\" -> \"" + type + "\"");
    notes.note(Action::altered, reasons.back());
  }
  return type;
}

void KittiConversion::consume_asset(const aaf::Asset& asset, KittiChunk& chunk) {
  dataset::PendingNotes& notes = chunk.notes;
  notes.clear();
  chunk.reasons.clear();
  if (auto why = dataset::not_single_image(asset); !why.empty()) {
    notes.note(Action::dropped, dataset::kNotImage,
               std::string(why) + ", " + dataset::objects_detail(asset.objects().size()));
    notes.apply(chunk.report, asset);
    return;
  }
  // Without a size, clamp only at the top-left corner (coordinates are never negative).
  constexpr double kHuge = 1e300;
  const bool sized = asset.width() && asset.height();
  const double width = sized ? *asset.width() : kHuge;
  const double height = sized ? *asset.height() : kHuge;
  std::string& labels = chunk.labels;
  labels.clear();
  std::size_t written = 0;
  try {
    for (const aaf::Object& object : asset.objects()) {
      if (!dataset::usable_object(object, nullptr, notes)) continue;
      auto b = picker_.pick(object, notes);
      if (!b) continue;
      const double area = b->width() * b->height();
      bool clamped = dataset::clamp(*b, width, height);
      if (b->width() <= 0 || b->height() <= 0) {
        notes.note(Action::dropped, dataset::kOutside, object.path());
        continue;
      }
      double truncated = 0;
      if (clamped) {
        notes.note(Action::altered, kTruncated);
        truncated = std::clamp(1 - b->width() * b->height() / area, 0.0, 1.0);
      }
      labels += type_of(object.title(), notes, chunk.reasons);
      labels += ' ';
      append_fixed2(labels, truncated);
      labels += " 0 -10.00";  // occluded: 0 (fully visible); alpha: -10 (devkit: not known)
      for (double v : {b->x1, b->y1, b->x2, b->y2}) {
        labels += ' ';
        append_fixed2(labels, v);
      }
      // Dimensions (h w l), location (x y z) and rotation_y: no 3D data.
      labels += " 0.00 0.00 0.00 0.00 0.00 0.00 0.00\n";
      notes.count(object.title(), object.kind());
      ++written;
    }
    if (written == 0 && settings_.skip_empty) {
      notes.note(Action::ignored, dataset::kSkipEmpty);
      notes.apply(chunk.report, asset);
      return;
    }
    if (!sized && written > 0) notes.note(Action::altered, kNoSize);
    chunk.images.push_back({labels, std::string(dataset::stem_source(asset)),
                            dataset::image_extension(asset), std::string(asset.url())});
  } catch (...) {
    notes.clear();
    throw;
  }
  notes.apply(chunk.report, asset);
  chunk.report.count_asset();
}

void KittiConversion::commit_chunk(KittiChunk& chunk) {
  std::string line;
  for (const Image& image : chunk.images) {
    std::string stem = stems_.allocate(image.stem_source);
    context_.zip.add("label_2/" + stem + ".txt", image.labels, context_.entry);
    line.clear();
    text::append_image_row(line, "image_2/" + stem + image.extension, image.url);
    image_list_.write(line);
  }
  context_.report.merge(chunk.report);
  chunk.report.clear();
  chunk.images.clear();
}

void KittiConversion::finish() {
  context_.zip.begin_entry("images.txt", context_.entry);
  image_list_.copy_to(context_.zip);
  context_.zip.end_entry();
}

}  // namespace xport::formats::kitti
