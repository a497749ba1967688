// libFuzzer target: an HTTP/1.1 request as the hub's server reads it (src/hub/server/
// request_reading.hpp): the header with the server's limits and bounded read buffer, the
// target split and its query parsed, then a body (content-length or chunked, with trailers)
// within a route's limit. Bytes arrive in pieces whose size the first input byte picks, as a
// socket delivers them. Nothing may throw: a parse problem is an error code (the server
// answers it 400/413/431); an exception here would end the hub's process.
#include <boost/asio/buffer.hpp>
#include <boost/asio/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "hub/server/request_reading.hpp"
#include "net/url.hpp"

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// A SyncReadStream over the input: `piece` bytes per read, then end of stream.
class InputStream {
 public:
  InputStream(std::string_view data, std::size_t piece) : data_(data), piece_(piece) {}

  template <class Buffers>
  std::size_t read_some(const Buffers& buffers, boost::system::error_code& ec) {
    if (data_.empty()) {
      ec = asio::error::eof;
      return 0;
    }
    const std::size_t n =
        asio::buffer_copy(buffers, asio::buffer(data_.data(), std::min(piece_, data_.size())));
    data_.remove_prefix(n);
    ec = {};
    return n;
  }
  template <class Buffers>
  std::size_t read_some(const Buffers& buffers) {
    boost::system::error_code ec;
    const std::size_t n = read_some(buffers, ec);
    if (ec) throw boost::system::system_error(ec);
    return n;
  }

 private:
  std::string_view data_;
  std::size_t piece_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::size_t piece = 1 + data[0] % 64 * 97;  // 1 .. ~6 KiB per read
  InputStream stream(std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1), piece);
  auto buffer = xport::hub::server::request_read_buffer();
  xport::hub::server::HeaderParser header;
  xport::hub::server::limit_header(header, 16 * 1024);  // the server's default
  boost::system::error_code ec;
  http::read_header(stream, buffer, header, ec);
  (void)xport::hub::server::malformed_http(ec);
  if (ec) return 0;
  const auto target = xport::hub::server::split_target(header.get().target());
  (void)xport::net::parse_query(target.query);
  constexpr std::uint64_t kMaxBody = 1 << 20;  // a route's default limit
  if (xport::hub::server::declared_too_large(header, kMaxBody)) return 0;  // answered 413
  http::request_parser<http::string_body> body{std::move(header)};
  body.body_limit(kMaxBody);
  while (!ec && !body.is_done())
    http::read_some(stream, buffer, body, ec);
  return 0;
}
