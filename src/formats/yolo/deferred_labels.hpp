// Label files held back until the class order is final: with "sort_classes" and no
// configured "classes", an index is known only once every class has been seen. Files are
// spooled to an anonymous temporary file (memory stays bounded) with provisional indices
// and rewritten with the final ones at the end.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace xport::formats::yolo {

class DeferredLabels {
 public:
  DeferredLabels();
  ~DeferredLabels();
  DeferredLabels(const DeferredLabels&) = delete;
  DeferredLabels& operator=(const DeferredLabels&) = delete;

  void add(std::string_view path, std::string_view labels);
  // Calls `write(path, labels)` for every file in order, the first number of each label
  // line replaced by final_index[number].
  void replay(const std::vector<std::uint32_t>& final_index,
              const std::function<void(std::string_view, std::string_view)>& write);

 private:
  std::FILE* file_ = nullptr;
};

// `labels` with the class index that starts each line mapped through `final_index`.
std::string remap_classes(std::string_view labels, const std::vector<std::uint32_t>& final_index);

}  // namespace xport::formats::yolo
