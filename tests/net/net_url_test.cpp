#include <gtest/gtest.h>

#include "net/url.hpp"

using xport::net::join_url;
using xport::net::NetError;
using xport::net::percent_encode;
using xport::net::Url;

TEST(NetUrl, DefaultPortsAndTargets) {
  Url a = Url::parse("http://example.com");
  EXPECT_EQ(a.scheme(), "http");
  EXPECT_EQ(a.host(), "example.com");
  EXPECT_EQ(a.port(), 80);
  EXPECT_EQ(a.target(), "/");
  EXPECT_FALSE(a.tls());
  EXPECT_EQ(a.host_header(), "example.com");

  Url b = Url::parse("HTTPS://API.Ango.ai/v2/export?project=1&format=ndjson#frag");
  EXPECT_EQ(b.scheme(), "https");
  EXPECT_EQ(b.host(), "api.ango.ai");
  EXPECT_EQ(b.port(), 443);
  EXPECT_EQ(b.target(), "/v2/export?project=1&format=ndjson");
  EXPECT_TRUE(b.tls());
  EXPECT_EQ(b.redacted(), "https://api.ango.ai/v2/export");

  EXPECT_EQ(Url::parse("ws://h:8080/socket.io/?EIO=4&transport=websocket").target(),
            "/socket.io/?EIO=4&transport=websocket");
  EXPECT_EQ(Url::parse("ws://h").port(), 80);
  EXPECT_EQ(Url::parse("wss://h").port(), 443);
  EXPECT_TRUE(Url::parse("wss://h").tls());
  EXPECT_EQ(Url::parse("http://h:8080/").host_header(), "h:8080");
  EXPECT_EQ(Url::parse("https://h:443/").host_header(), "h");
}

TEST(NetUrl, Ipv6LiteralHosts) {
  Url u = Url::parse("http://[::1]:9000/x?y=1");
  EXPECT_EQ(u.host(), "::1");
  EXPECT_EQ(u.port(), 9000);
  EXPECT_TRUE(u.ipv6());
  EXPECT_EQ(u.host_header(), "[::1]:9000");
  EXPECT_EQ(u.authority(), "[::1]:9000");
  EXPECT_EQ(u.str(), "http://[::1]:9000/x?y=1");
  EXPECT_EQ(Url::parse("https://[::1]/").host_header(), "[::1]");
  EXPECT_EQ(Url::parse("http://127.0.0.1:5/").host(), "127.0.0.1");
}

TEST(NetUrl, RejectsWhatItCannotFetch) {
  EXPECT_THROW(Url::parse("ftp://h/"), NetError);
  EXPECT_THROW(Url::parse("/relative"), NetError);
  EXPECT_THROW(Url::parse("http://"), NetError);
  EXPECT_THROW(Url::parse("http://h:99999/"), NetError);
  EXPECT_THROW(Url::parse("http://user:pw@h/"), NetError);
  EXPECT_THROW(Url::parse("not a url"), NetError);
  try {
    Url::parse("ftp://h/?secret=1");
    FAIL();
  } catch (const NetError& e) {
    EXPECT_EQ(std::string(e.what()).find("secret"), std::string::npos) << e.what();
  }
}

TEST(NetUrl, ResolvesRedirectLocations) {
  Url base = Url::parse("http://h:1/a/b?q=1");
  EXPECT_EQ(base.resolve("/c").str(), "http://h:1/c");
  EXPECT_EQ(base.resolve("c?d=2").str(), "http://h:1/a/c?d=2");
  EXPECT_EQ(base.resolve("https://other/x").str(), "https://other/x");
  EXPECT_EQ(base.resolve("//other:5/y").str(), "http://other:5/y");
}

TEST(NetUrl, PercentEncodesEverythingButUnreserved) {
  EXPECT_EQ(percent_encode("aZ09-._~"), "aZ09-._~");
  EXPECT_EQ(percent_encode("a b+c&d=e/f:g?h#i%"), "a%20b%2Bc%26d%3De%2Ff%3Ag%3Fh%23i%25");
  EXPECT_EQ(percent_encode("\xc3\xa9"), "%C3%A9");
}

TEST(NetUrl, JoinsBaseWithPathAndQuery) {
  EXPECT_EQ(join_url("https://api.ango.ai", "/v2/export",
                     {{"project", "p1"}, {"format", "ndjson"}, {"batches", "[\"a b\", \"c\"]"}}),
            "https://api.ango.ai/v2/"
            "export?project=p1&format=ndjson&batches=%5B%22a%20b%22%2C%20%22c%22%5D");
  EXPECT_EQ(join_url("https://api.ango.ai/", "v2/getSignedUrl", {{"name", "https://s3/x?sig=a+b"}}),
            "https://api.ango.ai/v2/getSignedUrl?name=https%3A%2F%2Fs3%2Fx%3Fsig%3Da%2Bb");
  EXPECT_EQ(join_url("http://127.0.0.1:8080/prefix/", "/v2/x"),
            "http://127.0.0.1:8080/prefix/v2/x");
  EXPECT_EQ(join_url("http://[::1]:8080", "/x", {{"a", ""}}), "http://[::1]:8080/x?a=");
  EXPECT_THROW(join_url("nope", "/x"), NetError);
}
