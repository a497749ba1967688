#include "formats/yolo/deferred_labels.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

#include "util/temp_file.hpp"
#include "xport/errors.hpp"

namespace xport::formats::yolo {
namespace {

[[noreturn]] void fail(const char* what) {
  throw IoError(std::string("deferred YOLO labels: ") + what + ": " + std::strerror(errno));
}

void put_u32(std::FILE* f, std::size_t n) {
  auto v = static_cast<std::uint32_t>(n);
  if (std::fwrite(&v, sizeof v, 1, f) != 1) fail("cannot write the temporary file");
}

std::uint32_t get_u32(std::FILE* f, bool& end) {
  std::uint32_t v = 0;
  if (std::fread(&v, sizeof v, 1, f) != 1) {
    if (std::feof(f)) {
      end = true;
      return 0;
    }
    fail("cannot read the temporary file");
  }
  return v;
}

void get_bytes(std::FILE* f, std::string& out, std::uint32_t n) {
  out.resize(n);
  if (n > 0 && std::fread(out.data(), 1, n, f) != n) fail("cannot read the temporary file");
}

}  // namespace

DeferredLabels::DeferredLabels() {
  file_ = open_anonymous_temp_stream("yolo");
}

DeferredLabels::~DeferredLabels() {
  if (file_) std::fclose(file_);
}

void DeferredLabels::add(std::string_view path, std::string_view labels) {
  if (path.size() > UINT32_MAX || labels.size() > UINT32_MAX)
    throw std::length_error("label file too large");
  put_u32(file_, path.size());
  put_u32(file_, labels.size());
  if (std::fwrite(path.data(), 1, path.size(), file_) != path.size() ||
      std::fwrite(labels.data(), 1, labels.size(), file_) != labels.size())
    fail("cannot write the temporary file");
}

void DeferredLabels::replay(const std::vector<std::uint32_t>& final_index,
                            const std::function<void(std::string_view, std::string_view)>& write) {
  if (std::fflush(file_) != 0 || std::fseek(file_, 0, SEEK_SET) != 0)
    fail("cannot rewind the temporary file");
  std::string path, labels;
  for (;;) {
    bool end = false;
    std::uint32_t path_size = get_u32(file_, end);
    if (end) break;
    std::uint32_t labels_size = get_u32(file_, end);
    if (end) fail("truncated temporary file");
    get_bytes(file_, path, path_size);
    get_bytes(file_, labels, labels_size);
    write(path, remap_classes(labels, final_index));
  }
}

std::string remap_classes(std::string_view labels, const std::vector<std::uint32_t>& final_index) {
  std::string out;
  out.reserve(labels.size() + 8);
  while (!labels.empty()) {
    std::size_t eol = labels.find('\n');
    std::string_view line = labels.substr(0, eol);
    std::uint32_t index = 0;
    auto [rest, ec] = std::from_chars(line.data(), line.data() + line.size(), index);
    if (ec != std::errc() || index >= final_index.size())
      throw std::logic_error("deferred YOLO label line without a class index");
    out += std::to_string(final_index[index]);
    out.append(rest, line.data() + line.size());
    out += '\n';
    labels.remove_prefix(eol == std::string_view::npos ? labels.size() : eol + 1);
  }
  return out;
}

}  // namespace xport::formats::yolo
