// The hub's self-authenticating strings, all HMACs of the data dir's URL-signing key
// (UrlSigner) over a purpose-prefixed message, so one kind can never pass for another:
//   download links   /objects/<key>?expires=..&sig=..    message "<key>"       (Domain's)
//   upload links     /upload/<key>?expires=..&sig=..     message "put:<key>"
//   run tokens       xrun.<session>.<expires>.<sig>      message "run:<session>"
// Object keys are [A-Za-z0-9._-] segments, so "put:..." and "run:..." never collide with a key.
//
// Run tokens are what the hub sends as a run's `apiKey` (protocol.md §1): API keys are stored
// hashed, so the user's own key cannot be handed on; the token acts as that user, for that
// run's project only, until the run finishes or the token expires.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "hub/signed_url.hpp"

namespace xport::hub {

constexpr std::string_view kRunTokenPrefix = "xrun.";

std::string make_run_token(const UrlSigner& signer, const std::string& session,
                           std::int64_t expires);
// The session a token was issued for, or nullopt (malformed, forged or expired at `now`,
// Unix seconds).
std::optional<std::string> verify_run_token(const UrlSigner& signer, std::string_view token,
                                            std::int64_t now);

// "expires=..&sig=.." of an upload link for `key`.
std::string make_upload_query(const UrlSigner& signer, std::string_view key, std::int64_t expires);
UrlCheck verify_upload(const UrlSigner& signer, std::string_view key, std::string_view expires,
                       std::string_view sig, std::int64_t now);

// The object key an upload or download URL of this hub names (absolute or relative, with or
// without query): the percent-decoded path after "/upload/" or "/objects/". nullopt when the
// URL has neither or the key is not a valid object key.
std::optional<std::string> object_key_from_url(std::string_view url);

// The key of the hub's object store an upload or download URL names: one of the hub's own
// links (object_key_from_url) or a direct link of the object store (presigned into S3).
class ObjectStore;
std::optional<std::string> hub_object_key(ObjectStore& objects, std::string_view url);

// A file name reduced to one safe object-key segment ("a/b c.zip" → "b_c.zip").
std::string safe_segment(std::string_view name, std::string_view fallback = "result.zip");

}  // namespace xport::hub
