// Writes one asset's objects and tags as CVAT XML elements, and records the labels and
// attribute values they use. Everything that cannot be written is noted with the reason.
#pragma once

#include <string>
#include <vector>

#include "formats/common/class_table.hpp"
#include "formats/common/text.hpp"
#include "formats/cvat/cvat_labels.hpp"
#include "xport/aaf/model.hpp"

namespace xport::formats::cvat {

class ShapeWriter {
 public:
  // `configured`: the fixed "labels" table when given (only contains() is called).
  ShapeWriter(const LabelTable& configured, std::string& xml, std::vector<AttributeUse>& uses,
              dataset::PendingNotes& notes)
      : configured_(configured), xml_(xml), uses_(uses), notes_(notes) {}

  void object(const aaf::Object& object);
  // A task-level classification: a <tag> when of radio type, else noted.
  void tag(const aaf::Classification& classification);
  // Characters replaced by XML escaping so far.
  std::size_t replaced() const { return replaced_; }

 private:
  bool allowed(std::string_view label);
  // One writer per kind of shape: false when the object was dropped (and noted).
  bool box(const aaf::Object& object, std::string_view label,
           const aaf::ClassificationList& classifications);
  bool rotated_box(const aaf::Object& object, std::string_view label,
                   const aaf::ClassificationList& classifications);
  bool point_shape(const aaf::Object& object, std::string_view label,
                   const aaf::ClassificationList& classifications);
  bool segmentation(const aaf::Object& object, std::string_view label,
                    const aaf::ClassificationList& classifications);
  void open(std::string_view element, std::string_view label);
  void points(std::span<const aaf::Point> points);
  void attributes(const aaf::ClassificationList& list, std::string_view label,
                  std::vector<std::string>& seen);
  void attribute(const aaf::Classification& c, std::string_view label,
                 std::vector<std::string>& seen);
  void close(std::string_view element, const aaf::ClassificationList& list, std::string_view label);
  void escaped(std::string_view text) { replaced_ += text::append_xml_escaped(xml_, text); }

  const LabelTable& configured_;
  std::string& xml_;
  std::vector<AttributeUse>& uses_;
  dataset::PendingNotes& notes_;
  std::size_t replaced_ = 0;
};

}  // namespace xport::formats::cvat
