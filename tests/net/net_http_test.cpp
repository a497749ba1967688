// xport::net::HttpClient against the aiohttp test server (tests/support/http_test_server.py).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <atomic>
#include <thread>

#include "net/http_client.hpp"
#include "net/url.hpp"
#include "support/net_test_server.hpp"

using namespace xport::net;
using testing::HasSubstr;
using xport::test::TempDir;

namespace {

class NetHttp : public xport::test::SharedTestServerTest {
 protected:
  static std::string url(const std::string& path) { return server_->url("http", path); }
};

std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const NetError& e) {
    return e.what();
  }
  return "(no NetError)";
}

}  // namespace

TEST_F(NetHttp, GetSendsHeadersAndQuery) {
  HttpClient client;
  std::string u = join_url(url("/"), "/echo", {{"project", "p 1"}, {"batches", "[\"a+b\"]"}});
  HttpResponse r = client.request({.method = "GET", .url = u, .headers = {{"apikey", "k123"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.ok());
  EXPECT_THAT(r.header("content-type"), HasSubstr("application/json"));
  auto j = boost::json::parse(r.body).as_object();
  EXPECT_EQ(j["method"].as_string(), "GET");
  EXPECT_EQ(j["query"].as_object()["project"].as_string(), "p 1");
  EXPECT_EQ(j["query"].as_object()["batches"].as_string(), "[\"a+b\"]");
  auto headers = j["headers"].as_object();
  EXPECT_EQ(headers["apikey"].as_string(), "k123");
  EXPECT_EQ(headers["User-Agent"].as_string(), "xport/0.1");
  EXPECT_EQ(headers["Host"].as_string(), "127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(NetHttp, PostSendsBody) {
  HttpClient client;
  HttpResponse r = client.request({.method = "POST",
                                   .url = url("/echo"),
                                   .headers = {{"Content-Type", "application/json"}},
                                   .body = R"({"a":1})"});
  ASSERT_EQ(r.status, 200);
  auto j = boost::json::parse(r.body).as_object();
  EXPECT_EQ(j["method"].as_string(), "POST");
  EXPECT_EQ(j["body"].as_string(), R"({"a":1})");
  EXPECT_EQ(j["headers"].as_object()["Content-Type"].as_string(), "application/json");
}

TEST_F(NetHttp, Non2xxIsAResponseNotAnError) {
  HttpClient client;
  HttpResponse r = client.request({.url = url("/status/500")});
  EXPECT_EQ(r.status, 500);
  EXPECT_FALSE(r.ok());
  EXPECT_THAT(r.body, HasSubstr("error body for 500"));
  EXPECT_EQ(client.request({.url = url("/status/404")}).status, 404);
}

TEST_F(NetHttp, FollowsRedirects) {
  HttpClient client;
  HttpResponse r = client.request({.url = url("/redirect/4")});  // 5 hops: 302, 301, 307, 308...
  ASSERT_EQ(r.status, 200);
  EXPECT_THAT(r.url, HasSubstr("/echo?from=redirect"));
  r = client.request({.url = url("/redirect-abs/3")});
  ASSERT_EQ(r.status, 200);

  EXPECT_THAT(message_of([&] { client.request({.url = url("/redirect/5")}); }),
              HasSubstr("more than 5 redirects"));
  EXPECT_THAT(message_of([&] { client.request({.url = url("/redirect-loop")}); }),
              HasSubstr("redirects"));

  // Other methods get the redirect itself.
  HttpResponse post = client.request({.method = "POST", .url = url("/redirect/1")});
  EXPECT_EQ(post.status, 405);  // aiohttp: /redirect is GET only
}

TEST_F(NetHttp, DownloadStreamsLargeBodyToFileWithLowMemory) {
  constexpr std::uint64_t kSize = 200ull << 20;
  HttpClient client;
  TempDir dir;
  std::string expected =
      client.request({.url = url("/big-sha256?size=" + std::to_string(kSize))}).body;
  long long before = xport::test::peak_rss();
  std::uint64_t n = client.download(url("/big?size=" + std::to_string(kSize)), {}, dir / "big");
  long long after = xport::test::peak_rss();
  EXPECT_EQ(n, kSize);
  EXPECT_EQ(std::filesystem::file_size(dir / "big"), kSize);
  EXPECT_EQ(xport::test::sha256_hex(dir / "big"), expected);
  EXPECT_LT(after - before, 64ll << 20) << "peak RSS grew by " << (after - before) << " bytes";
}

TEST_F(NetHttp, DownloadChunkedAndRedirected) {
  HttpClient client;
  TempDir dir;
  constexpr std::uint64_t kSize = 3 * 1024 * 1024 + 17;
  std::string expected =
      client.request({.url = url("/big-sha256?size=" + std::to_string(kSize))}).body;
  EXPECT_EQ(client.download(url("/big?chunked=1&size=" + std::to_string(kSize)), {}, dir / "c"),
            kSize);
  EXPECT_EQ(xport::test::sha256_hex(dir / "c"), expected);
  EXPECT_GT(client.download(url("/redirect/2"), {}, dir / "r"), 0u);
}

TEST_F(NetHttp, DownloadThrowsOnErrorStatusAndRemovesFile) {
  HttpClient client;
  TempDir dir;
  std::string msg =
      message_of([&] { client.download(url("/status/404?t=secret"), {}, dir / "x"); });
  EXPECT_THAT(msg, HasSubstr("GET http://127.0.0.1:"));
  EXPECT_THAT(msg, HasSubstr("/status/404: HTTP 404 Not Found: error body for 404"));
  EXPECT_THAT(msg, testing::Not(HasSubstr("secret")));
  EXPECT_LT(msg.size(), 600u);
  EXPECT_FALSE(std::filesystem::exists(dir / "x"));
}

TEST_F(NetHttp, UploadStreamsFileWithContentLength) {
  HttpClient client;
  TempDir dir;
  constexpr std::size_t kSize = 100u << 20;
  {
    std::ofstream out(dir / "up", std::ios::binary);
    std::string block(1 << 20, '\0');
    for (std::size_t i = 0; i < kSize / block.size(); ++i) {
      for (std::size_t k = 0; k < block.size(); k += 4096)
        block[k] = static_cast<char>(i + k);
      out.write(block.data(), static_cast<std::streamsize>(block.size()));
    }
  }
  long long before = xport::test::peak_rss();
  HttpResponse r =
      client.upload("PUT", url("/upload"), {{"Content-Type", "application/zip"}}, dir / "up");
  long long after = xport::test::peak_rss();
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = boost::json::parse(r.body).as_object();
  EXPECT_EQ(j["size"].as_int64(), static_cast<std::int64_t>(kSize));
  EXPECT_EQ(j["sha256"].as_string(), xport::test::sha256_hex(dir / "up"));
  EXPECT_EQ(j["content_length"].as_string(), std::to_string(kSize));
  EXPECT_TRUE(j["transfer_encoding"].is_null());
  EXPECT_LT(after - before, 64ll << 20);
}

TEST_F(NetHttp, UploadThrowsOnErrorStatusAndMissingFile) {
  HttpClient client;
  TempDir dir;
  xport::test::write_file(dir / "f", "data");
  EXPECT_THAT(message_of([&] { client.upload("PUT", url("/status/500"), {}, dir / "f"); }),
              HasSubstr("HTTP 405"));  // /status is GET only in the test server
  EXPECT_THAT(message_of([&] { client.upload("PUT", url("/upload"), {}, dir / "missing"); }),
              HasSubstr("cannot open"));
}

TEST_F(NetHttp, UploadErrorCarriesStatusAndTheWholeBoundedBody) {
  HttpClient client;
  TempDir dir;
  xport::test::write_file(dir / "f", std::string(3 << 20, 'd'));
  // A 400 KB error report arrives whole; the message stays short, as before.
  try {
    client.upload("POST", url("/reject/400?size=400000"), {}, dir / "f");
    FAIL() << "no exception";
  } catch (const xport::net::HttpStatusError& e) {
    EXPECT_EQ(e.status(), 400);
    EXPECT_EQ(e.reason(), "Bad Request");
    EXPECT_EQ(e.body().size(), 400000u);
    EXPECT_EQ(e.body().back(), '$');
    EXPECT_FALSE(e.body_truncated());
    EXPECT_THAT(e.what(), HasSubstr("HTTP 400 Bad Request: report:rrr"));
    EXPECT_LT(std::string(e.what()).size(), 600u);
  }
  // Beyond 1 MiB the body is cut there (and the rest read and dropped).
  try {
    client.upload("PUT", url("/reject/500?size=3000000"), {}, dir / "f");
    FAIL() << "no exception";
  } catch (const xport::net::HttpStatusError& e) {
    EXPECT_EQ(e.status(), 500);
    EXPECT_EQ(e.body().size(), xport::net::HttpStatusError::kMaxBody);
    EXPECT_TRUE(e.body_truncated());
  }
  // Callers that catch NetError (the SDK) see the same error as before.
  EXPECT_THAT(message_of([&] { client.upload("PUT", url("/reject/403?size=20"), {}, dir / "f"); }),
              HasSubstr(": HTTP 403 Forbidden: report:"));
}

TEST_F(NetHttp, IdleTimeout) {
  ClientOptions options;
  options.idle_timeout = std::chrono::milliseconds(500);
  HttpClient client(options);
  auto start = std::chrono::steady_clock::now();
  std::string msg = message_of([&] { client.request({.url = url("/slow?delay=5")}); });
  EXPECT_THAT(msg, HasSubstr("GET http://127.0.0.1:"));
  EXPECT_THAT(msg, HasSubstr("timed out (no progress for 500 ms)"));
  TempDir dir;
  msg = message_of([&] { client.download(url("/stall"), {}, dir / "s"); });
  EXPECT_THAT(msg, HasSubstr("reading the response body timed out"));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(4));
}

TEST_F(NetHttp, BodyLimit) {
  ClientOptions options;
  options.max_body = 1000;
  HttpClient client(options);
  EXPECT_THAT(message_of([&] { client.request({.url = url("/big?size=5000")}); }),
              HasSubstr("larger than the limit of 1000 bytes"));
  EXPECT_EQ(client.request({.url = url("/big?size=1000")}).body.size(), 1000u);
}

TEST_F(NetHttp, ConnectionRefusedAndBadUrls) {
  HttpClient client;
  // A port that was just free: nothing listens there.
  std::string msg = message_of([&] { client.request({.url = "http://127.0.0.1:1/x"}); });
  EXPECT_THAT(msg, HasSubstr("GET http://127.0.0.1:1/x: connect to 127.0.0.1:1 failed"));
  EXPECT_THAT(message_of([&] { client.request({.url = "ftp://x/"}); }), HasSubstr("scheme"));
  EXPECT_THAT(message_of([&] { client.request({.method = "BREW", .url = url("/echo")}); }),
              HasSubstr("unsupported HTTP method"));
}

TEST_F(NetHttp, ConcurrentCallsFromManyThreads) {
  HttpClient client;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 10; ++i) {
        auto r =
            client.request({.url = join_url(url("/"), "/echo",
                                            {{"t", std::to_string(t)}, {"i", std::to_string(i)}})});
        auto j = boost::json::parse(r.body).as_object();
        if (r.status == 200 &&
            j["query_string"].as_string() == "t=" + std::to_string(t) + "&i=" + std::to_string(i)) {
          ++ok;
        }
      }
    });
  }
  for (auto& th : threads)
    th.join();
  EXPECT_EQ(ok.load(), 80);
}
