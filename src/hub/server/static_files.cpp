#include "hub/server/static_files.hpp"

#include <algorithm>
#include <cctype>
#include <map>
#include <system_error>

#include "hub/server/http_types.hpp"

namespace xport::hub::server {

namespace {

const std::map<std::string, std::string>& content_types() {
  static const std::map<std::string, std::string> types = {
      {".html", "text/html; charset=utf-8"},
      {".htm", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".json", "application/json"},
      {".map", "application/json"},
      {".txt", "text/plain; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".jpg", "image/jpeg"},
      {".jpeg", "image/jpeg"},
      {".gif", "image/gif"},
      {".webp", "image/webp"},
      {".ico", "image/x-icon"},
      {".woff", "font/woff"},
      {".woff2", "font/woff2"},
      {".wasm", "application/wasm"},
      {".zip", "application/zip"},
      {".ndjson", "application/x-ndjson"},
  };
  return types;
}

std::string lower_extension(const std::filesystem::path& file) {
  std::string ext = file.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// What a UI folder may hold besides the UI (a developer's npm install, notes, manifests):
// a file of a kind a browser has no use for, npm's folder, or its manifests.
bool not_the_ui(const std::filesystem::path& rel) {
  for (const auto& part : rel)
    if (part == "node_modules") return true;
  const std::string name = rel.filename().string();
  if (name == "package.json" || name == "package-lock.json") return true;
  return content_types().count(lower_extension(rel)) == 0;
}

}  // namespace

std::optional<std::filesystem::path> resolve_static(const std::filesystem::path& root,
                                                    std::string_view path) {
  namespace fs = std::filesystem;
  if (path.empty() || path[0] != '/') return std::nullopt;
  fs::path rel;
  std::size_t start = 1;
  bool dir = path.back() == '/';
  while (start <= path.size()) {
    std::size_t end = path.find('/', start);
    std::string_view raw =
        path.substr(start, end == std::string_view::npos ? path.npos : end - start);
    if (!raw.empty()) {
      std::optional<std::string> seg = percent_decode(raw, false);
      // Decoded separators or dot segments would let a request climb out of root.
      if (!seg || seg->empty() || *seg == "." || *seg == ".." ||
          seg->find_first_of("/\\") != std::string::npos || (*seg)[0] == '.')
        return std::nullopt;
      rel /= *seg;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (dir || rel.empty()) rel /= "index.html";
  if (not_the_ui(rel)) return std::nullopt;
  std::error_code ec;
  fs::path base = fs::canonical(root, ec);
  if (ec) return std::nullopt;
  fs::path file = fs::canonical(base / rel, ec);
  if (ec) return std::nullopt;
  // Symlinks are followed by canonical(): the result must still be inside root.
  auto [b, f] = std::mismatch(base.begin(), base.end(), file.begin(), file.end());
  if (b != base.end()) return std::nullopt;
  if (!fs::is_regular_file(file, ec)) return std::nullopt;
  return file;
}

std::string content_type_for(const std::filesystem::path& file) {
  auto it = content_types().find(lower_extension(file));
  return it == content_types().end() ? "application/octet-stream" : it->second;
}

}  // namespace xport::hub::server
