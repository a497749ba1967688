// One output section (COCO's "images" or "annotations") of every split, spooled to a
// single temporary file as it streams and copied out split by split at the end.
//
// formats::Spool holds one section of one document; a split export has one document per
// split (and `split_by: batch` has as many as the export has batches), and a Spool per
// split and section would cost its 1 MiB buffer and a descriptor each. Here every split
// appends to the same file; each append is remembered as a segment (offset, length) of its
// split, merged with the split's previous segment when they touch. The caller appends a
// whole chunk's worth per split at a time, so the index stays at most one segment per split
// per chunk (a few bytes per 4 MiB of input) and memory stays bounded.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "xport/zip.hpp"

namespace xport::formats::coco {

class SectionSpool {
 public:
  SectionSpool();  // an anonymous file in $TMPDIR (or /tmp), gone when the spool is
  ~SectionSpool();
  SectionSpool(const SectionSpool&) = delete;
  SectionSpool& operator=(const SectionSpool&) = delete;

  void append(std::size_t split, std::string_view data);
  // Writes everything appended for `split`, in order, to the zip's current entry.
  void copy_to(zip::Writer& zip, std::size_t split);
  std::uint64_t size() const { return size_; }

 private:
  struct Segment {
    std::uint64_t offset, length;
  };
  void flush();

  int fd_ = -1;
  std::uint64_t size_ = 0;  // bytes appended (written or buffered)
  std::string buffer_;
  std::vector<std::vector<Segment>> segments_;  // per split
};

}  // namespace xport::formats::coco
