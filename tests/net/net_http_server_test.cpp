// net::HttpServer (the REST connector's server) and the accept loop it shares with the hub.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "net/errors.hpp"
#include "net/http_client.hpp"
#include "net/http_server.hpp"

namespace xport::net {
namespace {

std::string url(const HttpServer& server, std::string_view path) {
  return "http://127.0.0.1:" + std::to_string(server.port()) + std::string(path);
}

// A raw connection, for what a well-behaved client would never send.
int connect_raw(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

std::string read_all(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n <= 0) break;
    out.append(buf, static_cast<std::size_t>(n));
  }
  return out;
}

TEST(HttpServer, HandsTheRequestToTheHandlerAndItsAnswerBack) {
  HttpServer server({});
  ASSERT_NE(server.port(), 0);
  std::mutex m;
  ServerRequest seen;
  server.start([&](const ServerRequest& r) {
    std::lock_guard lock(m);
    seen = r;
    return ServerResponse{201, "text/plain", "made " + r.body};
  });
  HttpClient client;
  auto res = client.request({"POST", url(server, "/p/a?x=1"), {{"X-Key", "v"}}, "data"});
  EXPECT_EQ(res.status, 201);
  EXPECT_EQ(res.body, "made data");
  EXPECT_EQ(res.header("content-type"), "text/plain");
  std::lock_guard lock(m);
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/p/a?x=1");
  EXPECT_EQ(seen.path(), "/p/a");
  EXPECT_EQ(seen.header("x-key"), "v");
  EXPECT_EQ(seen.header("absent"), "");
}

TEST(HttpServer, AHandlerThatThrowsAnswers500AndTheServerGoesOn) {
  HttpServer server({});
  std::atomic<int> calls{0};
  server.start([&](const ServerRequest&) -> ServerResponse {
    if (calls++ == 0) throw std::runtime_error("boom");
    return {200, "application/json", "{}"};
  });
  HttpClient client;
  EXPECT_EQ(client.request({"GET", url(server, "/"), {}, ""}).status, 500);
  EXPECT_EQ(client.request({"GET", url(server, "/"), {}, ""}).status, 200);
}

TEST(HttpServer, OversizedBodiesAndHeadersAndSilentClientsAreCut) {
  HttpServerOptions options;
  options.max_body_bytes = 10;
  options.max_header_bytes = 512;
  options.timeout = std::chrono::milliseconds(300);
  std::vector<std::string> logged;
  std::mutex m;
  options.log = [&](std::string_view why) {
    std::lock_guard lock(m);
    logged.emplace_back(why);
  };
  HttpServer server(std::move(options));
  std::atomic<int> calls{0};
  server.start([&](const ServerRequest&) {
    ++calls;
    return ServerResponse{};
  });
  HttpClient client;
  EXPECT_THROW(client.request({"POST", url(server, "/"), {}, std::string(11, 'x')}), NetError);
  EXPECT_THROW(client.request({"GET", url(server, "/"), {{"X-Big", std::string(600, 'h')}}, ""}),
               NetError);
  int fd = connect_raw(server.port());
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::write(fd, "GET / HTTP/1.1\r\n", 16), 16);  // and then nothing
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(read_all(fd), "");  // closed without an answer after the timeout
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  ::close(fd);
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(client.request({"POST", url(server, "/"), {}, "0123456789"}).status, 200);
  std::lock_guard lock(m);
  EXPECT_GE(logged.size(), 3u);
}

TEST(HttpServer, BoundsConnectionsServedAtOnce) {
  HttpServerOptions options;
  options.max_connections = 1;
  options.timeout = std::chrono::milliseconds(500);
  HttpServer server(std::move(options));
  server.start([](const ServerRequest&) { return ServerResponse{200, "text/plain", "ok"}; });
  // One idle connection takes the only slot: the next request waits until it times out.
  int idle = connect_raw(server.port());
  ASSERT_GE(idle, 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  const auto start = std::chrono::steady_clock::now();
  HttpClient client;
  EXPECT_EQ(client.request({"GET", url(server, "/"), {}, ""}).body, "ok");
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(300));
  ::close(idle);
}

TEST(HttpServer, StopEndsServingAndIsIdempotent) {
  HttpServer server({});
  server.start([](const ServerRequest&) { return ServerResponse{}; });
  const std::uint16_t port = server.port();
  HttpClient client;
  EXPECT_EQ(client.request({"GET", url(server, "/"), {}, ""}).status, 200);
  server.stop();
  server.stop();
  EXPECT_EQ(connect_raw(port), -1);
}

TEST(HttpServer, ABadAddressIsANetError) {
  HttpServerOptions options;
  options.address = "not an address";
  EXPECT_THROW(HttpServer{options}, NetError);
}

}  // namespace
}  // namespace xport::net
