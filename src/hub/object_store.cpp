#include "hub/object_store.hpp"

#include <limits>
#include <vector>

namespace xport::hub {

void ObjectStore::check_key(std::string_view key) {
  auto bad = [&](const char* why) {
    throw InputError("bad object key '" + std::string(key.substr(0, 100)) + "': " + why);
  };
  if (key.empty() || key.size() > 512) bad("empty or longer than 512 characters");
  std::size_t start = 0;
  while (start <= key.size()) {
    const std::size_t end = std::min(key.find('/', start), key.size());
    const std::string_view segment = key.substr(start, end - start);
    if (segment.empty() || segment == "." || segment == "..") bad("empty, '.' or '..' segment");
    for (char c : segment) {
      const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
      if (!allowed) bad("characters other than letters, digits, '.', '_', '-' and '/'");
    }
    start = end + 1;
  }
}

ObjectInfo ObjectStore::put(std::string_view key, ByteSource& source, std::uint64_t max_bytes) {
  auto writer = create(key, max_bytes);
  std::vector<char> buffer(1 << 16);
  while (const std::size_t n = source.read(buffer.data(), buffer.size())) {
    writer->write(buffer.data(), n);
  }
  return writer->commit();
}

namespace {

class ObjectSink final : public ByteSink {
 public:
  ObjectSink(std::unique_ptr<ObjectWriter> writer, std::string name)
      : writer_(std::move(writer)), name_(std::move(name)) {}
  void write(const char* data, std::size_t size) override { writer_->write(data, size); }
  void close() override { writer_->commit(); }
  std::string name() const override { return name_; }

 private:
  std::unique_ptr<ObjectWriter> writer_;
  std::string name_;
};

}  // namespace

std::unique_ptr<ByteSink> ObjectStore::sink(std::string_view key, std::uint64_t max_bytes) {
  return std::make_unique<ObjectSink>(create(key, max_bytes), "object " + std::string(key));
}

void ObjectStore::adopt_file(std::string_view key, const std::filesystem::path& path) {
  {
    auto source = open_file_source(path.string());
    put(key, *source, std::numeric_limits<std::uint64_t>::max());
  }
  std::error_code ignored;
  std::filesystem::remove(path, ignored);
}

}  // namespace xport::hub
