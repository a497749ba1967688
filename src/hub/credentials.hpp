// Random tokens, key hashing and constant-time checks (OpenSSL), and the sealing of plugin
// secrets.
//
// API keys are stored only as SHA-256 hashes and looked up by hash: they carry 256 random
// bits, so a fast hash is enough (no password KDF is needed against guessing).
//
// Plugin secrets must be shown again to the organisation's admins (issue 5: the plugin's
// Development info box), so they cannot be hash-only. Each plugin row keeps the secret's
// SHA-256 (heartbeats are verified against it, in constant time) and the secret sealed with
// AES-256-GCM under a key file in the data dir: a copy of the database alone reveals no
// secret, and a tampered sealed value fails to open instead of yielding a wrong secret.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace xport::hub {

// `bytes` random bytes from OpenSSL's CSPRNG. Throws IoError if it fails.
std::string random_bytes(std::size_t bytes);
std::string to_hex(std::string_view bytes);
std::string base64url(std::string_view bytes);  // no padding
// Inverse of base64url; throws std::invalid_argument on bad input.
std::string from_base64url(std::string_view text);

// Record ids and run sessions: 96 random bits, 24 hex characters (the shape of the
// platform's ids).
std::string new_id();
// API keys and plugin secrets: 256 random bits, base64url (43 characters).
std::string new_api_key();
std::string new_plugin_secret();

std::string sha256(std::string_view data);                             // raw 32 bytes
std::string sha256_hex(std::string_view data);                         // what the store keeps
std::string hmac_sha256(std::string_view key, std::string_view data);  // raw 32 bytes

// Equal contents, in time independent of where they differ (CRYPTO_memcmp). Different
// lengths return false at once: only lengths leak, and callers compare fixed-size digests.
bool constant_time_equal(std::string_view a, std::string_view b);

// AES-256-GCM with a 32-byte key: seal() returns base64url(nonce | ciphertext | tag) with
// a fresh 96-bit nonce; open() throws std::invalid_argument if the text was altered or
// sealed under another key. `context` is authenticated but not stored (the plugin id), so
// a sealed secret copied to another plugin's row does not open there.
class SecretBox {
 public:
  explicit SecretBox(std::string key);  // throws std::invalid_argument unless 32 bytes
  std::string seal(std::string_view plaintext, std::string_view context) const;
  std::string open(std::string_view sealed, std::string_view context) const;

 private:
  std::string key_;
};

}  // namespace xport::hub
