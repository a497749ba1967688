// The hub's own object links: PUT /upload/<key> (a plugin's result, on a signed upload link)
// and GET /objects/<key> (signed downloads of exports and results).
#include <chrono>
#include <filesystem>
#include <limits>

#include "hub/app/app_internal.hpp"
#include "hub/app/hub_app.hpp"
#include "hub/app/links.hpp"
#include "hub/app/route_table.hpp"
#include "hub/credentials.hpp"

namespace xport::hub::routes {

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

// The uploaded body into the object store: the file the server streamed it to is adopted (a
// rename for a local store), a body kept in memory is written.
void store_upload(ObjectStore& objects, const std::string& key, const Request& req) {
  if (!req.body_file.empty()) return objects.adopt_file(key, req.body_file);
  auto writer = objects.create(key, std::numeric_limits<std::uint64_t>::max());
  if (!req.body.empty()) writer->write(req.body.data(), req.body.size());
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
  c.app.metrics().uploaded(req.body_size);
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
  std::string name = key.substr(key.rfind('/') + 1);
  if (auto file = c.objects.file_of(key)) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(*file, ec);
    if (!ec) c.app.metrics().downloaded(size);  // handed out (a client may stop reading)
    return Response::send_file(*file, content_type_of(key), name);
  }
  // An object store with direct links (S3): the bytes go from there, not through the hub.
  if (!c.objects.exists(key)) throw HttpError(404, "this file no longer exists");
  if (auto direct = c.objects.presign_get(key, std::chrono::minutes(10), name)) {
    Response res = Response::json(302, json::object{{"url", *direct}});
    res.headers.emplace_back("Location", *direct);
    return res;
  }
  throw HttpError(500, "the object store can neither send nor link " + key);
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
