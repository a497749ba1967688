// The hub's own object links: PUT /upload/<key> (a plugin's result, on a signed upload link)
// and GET /objects/<key> (signed downloads of exports and results).
#include <filesystem>
#include <fstream>
#include <system_error>
#include <vector>

#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/links.hpp"
#include "hub/app/route_table.hpp"
#include "hub/credentials.hpp"
#include "hub/local_object_store.hpp"

namespace xport::hub::routes {

namespace fs = std::filesystem;

namespace {

std::string content_type_of(std::string_view key) {
  auto ends = [&](std::string_view ext) {
    return key.size() >= ext.size() && key.substr(key.size() - ext.size()) == ext;
  };
  if (ends(".zip")) return "application/zip";
  if (ends(".json")) return "application/json";
  if (ends(".ndjson")) return "application/x-ndjson";
  return "application/octet-stream";
}

// Moves the uploaded body file into the object store (a rename on the same file system),
// or copies it (another file system, or a body kept in memory).
void store_upload(LocalObjectStore& objects, const std::string& key, const Request& req) {
  const fs::path dest = objects.path_of(key);
  fs::create_directories(dest.parent_path());
  std::error_code ec;
  if (!req.body_file.empty()) fs::rename(req.body_file, dest, ec);
  if (!req.body_file.empty() && !ec) return;
  auto writer = objects.create(key, std::uint64_t{1} << 62);
  if (!req.body_file.empty()) {
    std::ifstream in(req.body_file, std::ios::binary);
    std::vector<char> buf(1 << 20);
    while (in) {
      in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
      if (in.gcount() > 0) writer->write(buf.data(), static_cast<std::size_t>(in.gcount()));
    }
  } else if (!req.body.empty()) {
    writer->write(req.body.data(), req.body.size());
  }
  writer->commit();
}

// PUT /upload/<key>?expires&sig: the result, streamed to a file, then moved into the object
// store atomically. Over the size limit: 413 and nothing stored.
Response upload(const RouteContext& c, Request& req) {
  const std::string key = req.params.at("rest");
  try {
    ObjectStore::check_key(key);
  } catch (const InputError&) {
    throw HttpError(400, "not an upload link of this hub");
  }
  const UrlCheck check =
      verify_upload(c.domain.signer(), key, req.query_param("expires").value_or(""),
                    req.query_param("sig").value_or(""), c.domain.now_ms() / 1000);
  if (check != UrlCheck::ok)
    throw HttpError(403, check == UrlCheck::expired ? "this upload link has expired"
                                                    : "this upload link is not valid");
  store_upload(c.objects, key, req);
  return Response::json(200, json::object{{"key", key}, {"size", req.body_size}});
}

// GET /objects/<key>?expires&sig: a signed download (403 when tampered or expired).
Response download(const RouteContext& c, Request& req) {
  const std::string key = req.params.at("rest");
  const UrlCheck check =
      c.domain.signer().verify(key, req.query_param("expires").value_or(""),
                               req.query_param("sig").value_or(""), c.domain.now_ms() / 1000);
  if (check != UrlCheck::ok)
    throw HttpError(403, check == UrlCheck::expired ? "this download link has expired"
                                                    : "this download link is not valid");
  if (!c.objects.exists(key)) throw HttpError(404, "this file no longer exists");
  std::string name = key.substr(key.rfind('/') + 1);
  return Response::send_file(c.objects.path_of(key), content_type_of(key), name);
}

}  // namespace

RouteTable transfer_routes(const RouteContext& c) {
  RouteOptions upload_options;
  upload_options.max_body = c.options.max_upload_bytes;
  upload_options.body_to_file = true;
  return {
      {"PUT", "/upload/{rest...}", upload, upload_options},
      {"GET", "/objects/{rest...}", download},
  };
}

}  // namespace xport::hub::routes
