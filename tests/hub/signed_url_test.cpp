// Signed download links: valid, expired, and every part tampered with.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <map>

#include "hub/signed_url.hpp"
#include "support/temp_dir.hpp"

namespace xport::hub {
namespace {

std::map<std::string, std::string> query_of(const std::string& query) {
  std::map<std::string, std::string> out;
  std::size_t start = 0;
  while (start < query.size()) {
    const auto end = std::min(query.find('&', start), query.size());
    const auto part = query.substr(start, end - start);
    const auto eq = part.find('=');
    out[part.substr(0, eq)] = part.substr(eq + 1);
    start = end + 1;
  }
  return out;
}

TEST(SignedUrl, Verdicts) {
  const UrlSigner signer("server key of any length");
  const std::string key = "results/s1/export.zip";
  auto q = query_of(signer.make(key, 1000));
  ASSERT_EQ(q.size(), 2u);
  EXPECT_EQ(q["expires"], "1000");
  EXPECT_EQ(signer.verify(key, q["expires"], q["sig"], 999), UrlCheck::ok);
  EXPECT_EQ(signer.verify(key, q["expires"], q["sig"], 1000), UrlCheck::expired);
  EXPECT_EQ(signer.verify("results/s2/export.zip", q["expires"], q["sig"], 999),
            UrlCheck::bad_signature);
  std::string sig = q["sig"];
  sig[0] = sig[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(signer.verify(key, q["expires"], sig, 999), UrlCheck::bad_signature);
  EXPECT_EQ(signer.verify(key, q["expires"], "", 999), UrlCheck::bad_signature);
  // A later expiry is a forgery, not an extension; non-canonical numbers are refused too.
  EXPECT_EQ(signer.verify(key, "2000", q["sig"], 999), UrlCheck::bad_signature);
  EXPECT_EQ(signer.verify(key, "01000", q["sig"], 999), UrlCheck::bad_signature);
  EXPECT_EQ(signer.verify(key, "1000x", q["sig"], 999), UrlCheck::bad_signature);
  EXPECT_EQ(signer.verify(key, "", q["sig"], 999), UrlCheck::bad_signature);
  // Another server key.
  EXPECT_EQ(UrlSigner("other").verify(key, q["expires"], q["sig"], 999), UrlCheck::bad_signature);
  EXPECT_EQ(to_string(UrlCheck::expired), "expired");
}

TEST(SignedUrl, KeyFromDataDirSurvivesRestart) {
  test::TempDir dir;
  const auto query = UrlSigner::from_data_dir(dir.path()).make("a/b", 50);
  auto q = query_of(query);
  EXPECT_EQ(UrlSigner::from_data_dir(dir.path()).verify("a/b", q["expires"], q["sig"], 1),
            UrlCheck::ok);
  struct stat st {};
  ASSERT_EQ(::stat((dir.path() / "url-signing.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

}  // namespace
}  // namespace xport::hub
