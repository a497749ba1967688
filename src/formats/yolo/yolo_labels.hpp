// The geometry half of a YOLO label line: an object's normalised coordinates for one task
// (detect, segment, obb), or a reported reason why it cannot be written.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "formats/common/class_table.hpp"
#include "xport/aaf/model.hpp"

namespace xport::formats::yolo {

enum class Task { detect, segment, obb };
std::string_view to_string(Task task);

class LabelBuilder {
 public:
  LabelBuilder(Task task, bool boxes_from_polygons);

  // Appends the coordinate text of `object`'s label lines (each " x y ...", normalised by
  // the image size, clamped to [0, 1]) to `coords`, and the end offset of each line to
  // `line_ends`. Returns the number of lines (0 when the object is dropped; every drop and
  // change is noted). `width` and `height` are > 0.
  std::size_t build(const aaf::Object& object, double width, double height, std::string& coords,
                    std::vector<std::uint32_t>& line_ends, dataset::PendingNotes& notes) const;

 private:
  struct Size {
    double width, height;
  };
  std::size_t detect(const aaf::Object& object, Size size, std::string& coords,
                     std::vector<std::uint32_t>& line_ends, dataset::PendingNotes& notes) const;
  std::size_t segment(const aaf::Object& object, Size size, std::string& coords,
                      std::vector<std::uint32_t>& line_ends, dataset::PendingNotes& notes) const;
  std::size_t obb(const aaf::Object& object, Size size, std::string& coords,
                  std::vector<std::uint32_t>& line_ends, dataset::PendingNotes& notes) const;

  Task task_;
  dataset::BoxPicker picker_;
};

}  // namespace xport::formats::yolo
