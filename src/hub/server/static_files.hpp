// Static files for the web UI: a request path mapped into one directory, never outside it
// (no "..", no encoded slashes or NULs, no symlinks leading out), with its content type.
// Only the kinds of files a browser uses are served (by extension, the table of
// content_type_for), never npm's node_modules/ or package manifests.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace xport::hub::server {

// The file under `root` that `path` (as received, percent-encoded, no query) names;
// "/" and paths ending in '/' name their index.html. nullopt when it does not exist, is not
// a regular file, is not of a kind the UI serves, or the path tries to leave `root`.
std::optional<std::filesystem::path> resolve_static(const std::filesystem::path& root,
                                                    std::string_view path);

// The Content-Type for a file name's extension ("application/octet-stream" when unknown).
std::string content_type_for(const std::filesystem::path& file);

}  // namespace xport::hub::server
