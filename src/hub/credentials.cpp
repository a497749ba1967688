#include "hub/credentials.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <memory>
#include <stdexcept>

#include "xport/errors.hpp"

namespace xport::hub {

namespace {

constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;
constexpr std::size_t kKeyBytes = 32;

const unsigned char* bytes_of(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext new_context() {
  CipherContext context(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  if (!context) throw IoError("OpenSSL: cannot allocate a cipher context");
  return context;
}

constexpr char kBase64Url[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

}  // namespace

std::string random_bytes(std::size_t bytes) {
  std::string out(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(out.data()), static_cast<int>(bytes)) != 1) {
    throw IoError("OpenSSL RAND_bytes failed: no random bytes for a key");
  }
  return out;
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

std::string base64url(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::uint32_t buffer = 0;
  int bits = 0;
  for (unsigned char c : bytes) {
    buffer = (buffer << 8) | c;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out += kBase64Url[(buffer >> bits) & 63];
    }
  }
  if (bits > 0) out += kBase64Url[(buffer << (6 - bits)) & 63];
  return out;
}

std::string from_base64url(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    const char* at = std::char_traits<char>::find(kBase64Url, 64, c);
    if (!at) throw std::invalid_argument("not base64url");
    buffer = (buffer << 6) | static_cast<std::uint32_t>(at - kBase64Url);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buffer >> bits) & 255);
    }
  }
  return out;
}

std::string new_id() {
  return to_hex(random_bytes(12));
}
namespace {

// Keys and secrets are typed after options on command lines (`--secret S`, `--api-key K`):
// one that began with '-' would be taken for an option by CLI11 and argparse alike, so the
// first character is drawn again until it is not ('-' is one of base64url's 64).
std::string command_line_safe_token() {
  std::string token = base64url(random_bytes(32));
  while (token.front() == '-')
    token.front() = base64url(random_bytes(3)).front();
  return token;
}

}  // namespace

std::string new_api_key() {
  return command_line_safe_token();
}
std::string new_plugin_secret() {
  return command_line_safe_token();
}

std::string sha256(std::string_view data) {
  std::string out(SHA256_DIGEST_LENGTH, '\0');
  SHA256(bytes_of(data), data.size(), reinterpret_cast<unsigned char*>(out.data()));
  return out;
}

std::string sha256_hex(std::string_view data) {
  return to_hex(sha256(data));
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  std::string out(EVP_MAX_MD_SIZE, '\0');
  unsigned int length = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()), bytes_of(data), data.size(),
            reinterpret_cast<unsigned char*>(out.data()), &length)) {
    throw IoError("OpenSSL HMAC failed");
  }
  out.resize(length);
  return out;
}

bool constant_time_equal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

SecretBox::SecretBox(std::string key) : key_(std::move(key)) {
  if (key_.size() != kKeyBytes) throw std::invalid_argument("SecretBox needs a 32-byte key");
}

std::string SecretBox::seal(std::string_view plaintext, std::string_view context) const {
  const std::string nonce = random_bytes(kNonceBytes);
  std::string out = nonce;
  out.resize(kNonceBytes + plaintext.size() + kTagBytes);
  auto* cipher = reinterpret_cast<unsigned char*>(out.data()) + kNonceBytes;
  auto ctx = new_context();
  int length = 0;
  if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes_of(key_), bytes_of(nonce)) !=
          1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, bytes_of(context),
                        static_cast<int>(context.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher, &length, bytes_of(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(kTagBytes),
                          cipher + plaintext.size()) != 1) {
    throw IoError("OpenSSL AES-256-GCM encryption failed");
  }
  return base64url(out);
}

std::string SecretBox::open(std::string_view sealed, std::string_view context) const {
  const std::string raw = from_base64url(sealed);
  if (raw.size() < kNonceBytes + kTagBytes) throw std::invalid_argument("sealed value too short");
  const std::size_t text_size = raw.size() - kNonceBytes - kTagBytes;
  std::string tag = raw.substr(kNonceBytes + text_size);  // the ctrl call wants non-const
  std::string out(text_size, '\0');
  auto ctx = new_context();
  int length = 0;
  const bool ok =
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, bytes_of(key_), bytes_of(raw)) ==
          1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, bytes_of(context),
                        static_cast<int>(context.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &length,
                        bytes_of(raw) + kNonceBytes, static_cast<int>(text_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(kTagBytes),
                          tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + length,
                          &length) == 1;
  if (!ok) throw std::invalid_argument("sealed value does not authenticate");
  return out;
}

}  // namespace xport::hub
