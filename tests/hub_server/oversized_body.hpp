// A client that keeps sending a request body the server has already refused (an early 413):
// the request head, then `body_bytes` bytes (with Content-Length, or chunked), all written
// before the answer is read, as simple clients do. The server must linger (drain the body)
// after answering, or closing with unread data resets the connection and the answer is lost.
// Stream: a connected tcp::socket or a handshaken ssl::stream over one (blocking calls).
#pragma once

#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <cstdio>
#include <string>

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

}  // namespace xport::hub::server::test
