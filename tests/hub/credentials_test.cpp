// Tokens, hashes, constant-time compares, the secret box and key files.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <set>

#include "hub/credentials.hpp"
#include "hub/key_file.hpp"
#include "support/temp_dir.hpp"
#include "xport/errors.hpp"

namespace xport::hub {
namespace {

using test::TempDir;

unsigned mode_of(const std::filesystem::path& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 0777;
}

TEST(Credentials, TokensAreLongRandomAndUrlSafe) {
  std::set<std::string> seen;
  // 2000 rounds: about 30 would begin with '-' (1 in 64) if the first character were not
  // drawn again; none may, since command lines would take them for options.
  for (int i = 0; i < 2000; ++i) {
    const auto key = new_api_key();
    const auto secret = new_plugin_secret();
    EXPECT_NE(key.front(), '-');
    EXPECT_NE(secret.front(), '-');
    EXPECT_EQ(key.size(), 43u);  // 256 bits in base64url
    EXPECT_EQ(
        key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        std::string::npos);
    EXPECT_TRUE(seen.insert(key).second);
    EXPECT_TRUE(seen.insert(secret).second);
    EXPECT_EQ(new_id().size(), 24u);
  }
}

TEST(Credentials, KnownDigestsAndEncodings) {
  EXPECT_EQ(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  // RFC 4231 test case 2.
  EXPECT_EQ(to_hex(hmac_sha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  EXPECT_EQ(base64url("\xfb\xff"), "-_8");
  for (const std::string bytes : {"", "a", "ab", "abc", "abcd", "\x00\xff\x10"}) {
    EXPECT_EQ(from_base64url(base64url(bytes)), bytes);
  }
  EXPECT_THROW(from_base64url("a+b"), std::invalid_argument);
}

TEST(Credentials, ConstantTimeEqual) {
  EXPECT_TRUE(constant_time_equal("secret", "secret"));
  EXPECT_FALSE(constant_time_equal("secret", "secreT"));
  EXPECT_FALSE(constant_time_equal("secret", "secret2"));
  EXPECT_TRUE(constant_time_equal("", ""));
}

TEST(SecretBox, RoundTripAndTamperDetection) {
  const SecretBox box(random_bytes(32));
  const std::string secret = new_plugin_secret();
  const auto sealed = box.seal(secret, "plugin-1");
  EXPECT_EQ(sealed.find(secret), std::string::npos);
  EXPECT_EQ(box.open(sealed, "plugin-1"), secret);
  EXPECT_NE(box.seal(secret, "plugin-1"), sealed);  // fresh nonce every time
  // Another plugin's row, another key, a flipped character: refused, never a wrong secret.
  EXPECT_THROW(box.open(sealed, "plugin-2"), std::invalid_argument);
  EXPECT_THROW(SecretBox(random_bytes(32)).open(sealed, "plugin-1"), std::invalid_argument);
  std::string altered = sealed;
  altered[20] = altered[20] == 'A' ? 'B' : 'A';
  EXPECT_THROW(box.open(altered, "plugin-1"), std::invalid_argument);
  EXPECT_THROW(box.open("short", "plugin-1"), std::invalid_argument);
  EXPECT_THROW(SecretBox("too short"), std::invalid_argument);
}

TEST(KeyFile, CreatedOnceWithMode0600AndReadBack) {
  TempDir dir;
  const auto path = dir.path() / "sub" / "k.key";
  const auto key = load_or_create_key(path, 32);
  EXPECT_EQ(key.size(), 32u);
  EXPECT_EQ(mode_of(path), 0600u);
  EXPECT_EQ(load_or_create_key(path, 32), key);
  EXPECT_THROW(load_or_create_key(path, 16), IoError);  // damaged or wrong file
  // No temp files left beside it.
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(path.parent_path()), {}), 1);
  write_private_file(dir.path() / "admin-api-key", "k1\n");
  write_private_file(dir.path() / "admin-api-key", "k2\n");
  EXPECT_EQ(mode_of(dir.path() / "admin-api-key"), 0600u);
}

}  // namespace
}  // namespace xport::hub
