// A client that keeps sending a request body the server has already refused (an early 413):
// the request head, then `body_bytes` bytes (with Content-Length, or chunked), all written
// before the answer is read, as simple clients do. The server must linger (drain the body)
// after answering, or closing with unread data resets the connection and the answer is lost.
// Stream: a connected tcp::socket or a handshaken ssl::stream over one (blocking calls).
#pragma once

#include <gtest/gtest.h>

#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "net/errors.hpp"
#include "net/http_client.hpp"

namespace xport::hub::server::test {

struct OversizedAnswer {
  boost::system::error_code write_error;  // sending the body (a reset shows here)
  boost::system::error_code read_error;   // reading the answer
  int status = 0;
  std::string body;
};

template <class Stream>
OversizedAnswer send_oversized(Stream& stream, const std::string& method, const std::string& target,
                               std::uint64_t body_bytes, bool chunked) {
  namespace asio = boost::asio;
  namespace http = boost::beast::http;
  OversizedAnswer out;
  std::string head = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  head += chunked ? "Transfer-Encoding: chunked\r\n"
                  : "Content-Length: " + std::to_string(body_bytes) + "\r\n";
  head += "\r\n";
  asio::write(stream, asio::buffer(head), out.write_error);
  const std::string block(64 * 1024, 'x');
  char size_line[32];
  std::snprintf(size_line, sizeof size_line, "%zx\r\n", block.size());
  for (std::uint64_t sent = 0; !out.write_error && sent < body_bytes; sent += block.size()) {
    if (chunked) asio::write(stream, asio::buffer(std::string(size_line)), out.write_error);
    if (!out.write_error) asio::write(stream, asio::buffer(block), out.write_error);
    if (chunked && !out.write_error) asio::write(stream, asio::buffer("\r\n", 2), out.write_error);
  }
  if (chunked && !out.write_error)
    asio::write(stream, asio::buffer("0\r\n\r\n", 5), out.write_error);
  boost::beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res, out.read_error);
  if (!out.read_error) {
    out.status = res.result_int();
    out.body = res.body();
  }
  return out;
}

// The rounds both early-answer tests run (plain and TLS), against the test app's 1 MiB
// file route (PUT /api/small/..) and 16-byte memory route (POST /api/echo): net::HttpClient
// upload and request, then raw writers (chunked and by Content-Length) on connections that
// `open()` gives and `done(stream)` ends. Every answer must be the 413 with its message;
// afterwards no temporary upload is left and the server still answers. Repeated, since a
// reset is a race.
template <class Open, class Done>
void check_early_answers(const std::string& base, const net::ClientOptions& options,
                         const std::filesystem::path& dir, Open open, Done done) {
  namespace fs = std::filesystem;
  const std::uint64_t five_mib = std::uint64_t{5} << 20;
  const fs::path big = dir / "big.bin";
  {
    std::ofstream out(big, std::ios::binary);
    std::string block(1 << 20, 'x');
    for (int i = 0; i < 5; ++i)
      out << block;
  }
  const std::string too_large_file = "request body larger than 1048576 bytes";
  const std::string too_large_mem = "request body larger than 16 bytes";
  net::HttpClient client(options);
  auto post = [&](std::string body) {
    net::Request r;
    r.method = "POST";
    r.url = base + "/api/echo";
    r.body = std::move(body);
    return client.request(r);
  };
  for (int i = 0; i < 20; ++i) {
    SCOPED_TRACE("round " + std::to_string(i));
    // net::HttpClient::upload: Content-Length known, the file body streamed.
    try {
      client.upload("PUT", base + "/api/small/u", {}, big);
      ADD_FAILURE() << "5 MiB accepted by a 1 MiB route";
    } catch (const net::HttpStatusError& e) {
      EXPECT_EQ(e.status(), 413);
      EXPECT_NE(e.body().find(too_large_file), std::string::npos) << e.body();
    } catch (const net::NetError& e) {
      ADD_FAILURE() << e.what();
    }
    // net::HttpClient::request with an in-memory body (Content-Length).
    net::HttpResponse r = post(std::string(five_mib, 'y'));
    EXPECT_EQ(r.status, 413);
    EXPECT_NE(r.body.find(too_large_mem), std::string::npos) << r.body;
    // Raw writers, chunked (cut as it arrives) and by Content-Length, file and memory routes.
    for (bool chunked : {true, false}) {
      for (const char* target : {"/api/small/c", "/api/echo"}) {
        SCOPED_TRACE(std::string(target) + (chunked ? " chunked" : " content-length"));
        const bool file = target[5] == 's';
        auto stream = open();
        OversizedAnswer a =
            send_oversized(*stream, file ? "PUT" : "POST", target, five_mib, chunked);
        EXPECT_FALSE(a.write_error) << a.write_error.message();
        EXPECT_FALSE(a.read_error) << a.read_error.message();
        EXPECT_EQ(a.status, 413);
        EXPECT_NE(a.body.find(file ? too_large_file : too_large_mem), std::string::npos) << a.body;
        done(*stream);
      }
    }
  }
  for (const auto& e : fs::directory_iterator(dir / "uploads"))
    ADD_FAILURE() << "left behind: " << e.path();
  EXPECT_EQ(post("small").body, "small");
}

}  // namespace xport::hub::server::test
