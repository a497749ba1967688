// An HTTP body streamed from a file, as Beast's http::file_body, read in 256 KiB pieces: the
// file_body of Boost 1.81 reads 4 KiB at a time, and every piece is a write to the socket of
// its own (a 29 MB result took 0.28 s to upload over loopback). The buffer exists only while
// the body is being written, so an idle keep-alive connection holds none of it. For writing
// (sending) only; received bodies keep http::file_body, whose reader writes what each read
// delivers.
#pragma once

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/file_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/optional.hpp>
#include <cstdint>
#include <memory>
#include <utility>

namespace xport::net {

struct FileBody {
  using value_type = boost::beast::http::file_body::value_type;
  static constexpr std::size_t kChunkBytes = 256 * 1024;

  static std::uint64_t size(const value_type& body) { return body.size(); }

  class writer {
   public:
    using const_buffers_type = boost::asio::const_buffer;

    template <bool isRequest, class Fields>
    writer(boost::beast::http::header<isRequest, Fields>&, value_type& body) : body_(body) {}

    void init(boost::system::error_code& ec) {
      remain_ = body_.size();
      buffer_ = std::make_unique<char[]>(kChunkBytes);
      ec = {};
    }

    boost::optional<std::pair<const_buffers_type, bool>> get(boost::system::error_code& ec) {
      const std::size_t want =
          static_cast<std::size_t>(std::min<std::uint64_t>(remain_, kChunkBytes));
      if (want == 0) {
        ec = {};
        buffer_.reset();
        return boost::none;
      }
      const std::size_t n = body_.file().read(buffer_.get(), want, ec);
      if (ec) return boost::none;
      if (n == 0) {  // the file shrank under us
        ec = boost::beast::http::error::short_read;
        return boost::none;
      }
      remain_ -= n;
      return {{const_buffers_type(buffer_.get(), n), remain_ > 0}};
    }

   private:
    value_type& body_;
    std::uint64_t remain_ = 0;
    std::unique_ptr<char[]> buffer_;
  };
};

}  // namespace xport::net
