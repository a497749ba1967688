#include "s3/s3_object_store.hpp"

#include <openssl/evp.h>

#include <future>
#include <thread>

#include "hub/store.hpp"
#include "xport/pipe.hpp"

namespace xport::s3 {

namespace {

// SHA-256 of the bytes as they stream through (the object is never whole in memory).
class Sha256 {
 public:
  Sha256() : ctx_(EVP_MD_CTX_new(), &EVP_MD_CTX_free) {
    if (!ctx_ || !EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr)) {
      throw IoError("SHA-256 init failed (OpenSSL)");
    }
  }
  void update(const char* data, std::size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }
  std::string hex_digest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &size);
    return hex({reinterpret_cast<const char*>(digest), size});
  }

 private:
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx_;
};

class S3Writer final : public hub::ObjectWriter {
 public:
  S3Writer(const S3Client& client, std::string key, std::uint64_t max_bytes,
           const S3ObjectStoreOptions& options)
      : client_(client), key_(std::move(key)), max_bytes_(max_bytes), options_(options) {
    buffer_.reserve(std::min<std::uint64_t>(options.part_size, max_bytes));
  }
  ~S3Writer() override {
    // Not committed: the parts sent so far must not linger (they cost storage).
    if (!upload_id_.empty() && !committed_) {
      try {
        client_.abort_multipart(key_, upload_id_);
      } catch (const std::exception&) {
        // A lifecycle rule on the bucket is the backstop for aborts that fail.
      }
    }
  }

  void write(const char* data, std::size_t size) override {
    if (committed_) throw IoError("object " + key_ + " written after commit");
    if (size > max_bytes_ - written_) {
      throw hub::ObjectTooLarge("object " + key_ + " is larger than the limit of " +
                                std::to_string(max_bytes_) + " bytes");
    }
    written_ += size;
    sha_.update(data, size);
    while (size > 0) {
      const std::size_t n = std::min(size, options_.part_size - buffer_.size());
      buffer_.append(data, n);
      data += n;
      size -= n;
      if (buffer_.size() == options_.part_size) send_part();
    }
  }

  hub::ObjectInfo commit() override {
    if (committed_) throw IoError("object " + key_ + " committed twice");
    if (upload_id_.empty()) {
      client_.put_object(key_, buffer_, {.create_only = options_.create_only});
    } else {
      if (!buffer_.empty()) send_part();
      if (options_.create_only && client_.head_object(key_)) {
        throw S3Error("S3 PUT " + client_.config().bucket + "/" + key_ +
                          ": 412 PreconditionFailed: already exists (create-only PUT)",
                      412, "PreconditionFailed", "already exists", client_.config().bucket, key_);
      }
      client_.complete_multipart(key_, upload_id_, parts_);
    }
    committed_ = true;
    return {written_, sha_.hex_digest()};
  }

 private:
  void send_part() {
    if (upload_id_.empty()) upload_id_ = client_.create_multipart(key_);
    const int number = static_cast<int>(parts_.size()) + 1;
    parts_.push_back({number, client_.upload_part(key_, upload_id_, number, buffer_)});
    buffer_.clear();
  }

  const S3Client& client_;
  const std::string key_;
  const std::uint64_t max_bytes_;
  const S3ObjectStoreOptions options_;
  std::uint64_t written_ = 0;
  std::string buffer_;
  Sha256 sha_;
  std::string upload_id_;
  std::vector<CompletedPart> parts_;
  bool committed_ = false;
};

// A GET on a thread of its own, pushing the body into a bounded pipe that the reader pulls.
class S3Source final : public ByteSource {
 public:
  S3Source(const S3Client& client, std::string key, std::string name)
      : pipe_(std::make_unique<BytePipe>(std::size_t{4} << 20, name)), name_(std::move(name)) {
    reader_ = pipe_->source();
    auto started = started_.get_future();
    thread_ = std::thread([this, &client, key = std::move(key)] { run(client, key); });
    try {
      started.get();  // the answer's status: a missing object is NotFound here, not later
    } catch (...) {
      thread_.join();
      throw;
    }
  }
  ~S3Source() override {
    pipe_->cancel();  // a reader that stops early ends the download
    if (thread_.joinable()) thread_.join();
  }
  std::size_t read(char* buffer, std::size_t capacity) override {
    return reader_->read(buffer, capacity);
  }
  std::string name() const override { return name_; }

 private:
  void run(const S3Client& client, const std::string& key) {
    bool told = false;
    try {
      client.get_object(key, [&](const char* p, std::size_t n) {
        if (!told) started_.set_value(), told = true;
        pipe_->write(p, n);
      });
      if (!told) started_.set_value(), told = true;
      pipe_->close();
    } catch (const std::exception& e) {
      if (told) return pipe_->fail(e.what());
      const auto* s3 = dynamic_cast<const S3Error*>(&e);
      if (s3 && s3->status() == 404) {
        started_.set_exception(std::make_exception_ptr(hub::NotFound("no object " + key)));
      } else {
        started_.set_exception(std::current_exception());
      }
    }
  }

  std::unique_ptr<BytePipe> pipe_;
  std::unique_ptr<ByteSource> reader_;
  std::promise<void> started_;
  std::thread thread_;
  std::string name_;
};

}  // namespace

S3ObjectStore::S3ObjectStore(S3Config config, S3ClientOptions client_options,
                             S3ObjectStoreOptions options)
    : client_(std::move(config), std::move(client_options)), options_(options) {
  if (options_.part_size < kMinPartSize) {
    throw ConfigError("S3 part size " + std::to_string(options_.part_size) +
                      " is below S3's minimum of 5 MiB");
  }
}

std::string S3ObjectStore::full_key(std::string_view key) const {
  check_key(key);
  return client_.config().prefix + std::string(key);
}

std::unique_ptr<hub::ObjectWriter> S3ObjectStore::create(std::string_view key,
                                                         std::uint64_t max_bytes) {
  return std::make_unique<S3Writer>(client_, full_key(key), max_bytes, options_);
}

std::unique_ptr<ByteSource> S3ObjectStore::open(std::string_view key) {
  const std::string full = full_key(key);
  return std::make_unique<S3Source>(client_, full, "s3://" + client_.config().bucket + "/" + full);
}

bool S3ObjectStore::exists(std::string_view key) {
  return client_.head_object(full_key(key)).has_value();
}

bool S3ObjectStore::remove(std::string_view key) {
  // DELETE answers 204 whether or not the key was there: HEAD tells.
  const std::string full = full_key(key);
  if (!client_.head_object(full)) return false;
  client_.delete_object(full);
  return true;
}

std::size_t S3ObjectStore::remove_older_than(std::string_view prefix,
                                             std::chrono::system_clock::time_point before) {
  std::string_view bare = prefix;
  if (!bare.empty() && bare.back() == '/') bare.remove_suffix(1);
  check_key(bare);
  std::size_t removed = 0;
  for (const auto& object : client_.list_all(client_.config().prefix + std::string(prefix))) {
    if (object.last_modified < before) {
      client_.delete_object(object.key);
      ++removed;
    }
  }
  return removed;
}

std::optional<std::string> S3ObjectStore::presign_get(std::string_view key,
                                                      std::chrono::seconds ttl,
                                                      std::string_view download_name) {
  return client_.presign_get(full_key(key), ttl, download_name);
}

std::optional<std::string> S3ObjectStore::presign_put(std::string_view key,
                                                      std::chrono::seconds ttl) {
  return client_.presign_put(full_key(key), ttl);
}

std::optional<std::string> S3ObjectStore::key_of_url(std::string_view url) {
  auto key = client_.key_of_url(url);
  const std::string& prefix = client_.config().prefix;
  if (!key || key->compare(0, prefix.size(), prefix) != 0) return std::nullopt;
  std::string bare = key->substr(prefix.size());
  try {
    check_key(bare);
  } catch (const InputError&) {
    return std::nullopt;
  }
  return bare;
}

}  // namespace xport::s3
