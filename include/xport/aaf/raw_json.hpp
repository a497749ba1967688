// A read-only handle to JSON that the reader did not decode: an asset's or an object's
// whole JSON (Asset::raw(), Object::raw()) and everything inside it.
//
// It is xport's own type so that the SDK's headers carry no third-party JSON library: the
// reader parses the asset's text into a DOM on the first raw() call, and a RawJson points
// into that DOM. It is valid, like the strings it hands out, as long as the Asset it came
// from. Lookups never throw: a missing key, a wrong type or an index past the end gives an
// absent RawJson, and the typed getters give nullopt, so chains like
// `asset.raw()["task"]["stageHistory"].at(1)["tools"].size()` need one check at the end.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>

namespace xport::aaf {

struct RawJsonMember;
class RawJsonElementIterator;
class RawJsonMemberIterator;
template <class It>
class RawJsonRange;

class RawJson {
 public:
  enum class Type : std::uint8_t { absent, null, boolean, number, string, array, object };

  RawJson() = default;  // absent

  Type type() const { return type_; }
  bool present() const { return type_ != Type::absent; }
  explicit operator bool() const { return present(); }
  bool is_null() const { return type_ == Type::null; }
  bool is_object() const { return type_ == Type::object; }
  bool is_array() const { return type_ == Type::array; }

  // The member `key` of an object (absent when this is not an object or has no such key).
  RawJson operator[](std::string_view key) const;
  // The element `index` of an array (absent past the end or when this is not an array).
  // Walks the array from its start: iterate elements() to visit them all.
  RawJson at(std::size_t index) const;
  // How many elements (array) or members (object); 0 for anything else.
  std::size_t size() const;

  std::optional<std::string_view> string() const;  // unescaped
  std::optional<std::int64_t> int64() const;       // an integer that fits in int64
  std::optional<double> number() const;            // any number, as a double
  std::optional<bool> boolean() const;
  // The value as compact JSON text (absent: empty).
  std::string json() const;

  // Opaque storage for the DOM's element and iterators (16 bytes in simdjson 3): the
  // implementation (src/aaf/raw_json.cpp) checks that they fit.
  using Storage = std::array<std::byte, 16>;
  using Member = RawJsonMember;

  // The elements of an array (empty for anything else).
  RawJsonRange<RawJsonElementIterator> elements() const;
  // The members of an object in document order (empty for anything else).
  RawJsonRange<RawJsonMemberIterator> members() const;

 private:
  friend struct RawJsonAccess;  // src/aaf: to and from the DOM and its iterators
  alignas(8) Storage element_{};
  Type type_ = Type::absent;
};

struct RawJsonMember {
  std::string_view key;
  RawJson value;
};

// Forward iterators over an array's elements and an object's members.
class RawJsonElementIterator {
 public:
  using value_type = RawJson;
  using difference_type = std::ptrdiff_t;
  RawJsonElementIterator() = default;
  RawJson operator*() const;
  RawJsonElementIterator& operator++();
  RawJsonElementIterator operator++(int) {
    RawJsonElementIterator copy = *this;
    ++*this;
    return copy;
  }
  bool operator==(const RawJsonElementIterator& other) const;

 private:
  friend struct RawJsonAccess;
  alignas(8) RawJson::Storage at_{};
};

class RawJsonMemberIterator {
 public:
  using value_type = RawJsonMember;
  using difference_type = std::ptrdiff_t;
  RawJsonMemberIterator() = default;
  RawJsonMember operator*() const;
  RawJsonMemberIterator& operator++();
  RawJsonMemberIterator operator++(int) {
    RawJsonMemberIterator copy = *this;
    ++*this;
    return copy;
  }
  bool operator==(const RawJsonMemberIterator& other) const;

 private:
  friend struct RawJsonAccess;
  alignas(8) RawJson::Storage at_{};
};

template <class It>
class RawJsonRange {
 public:
  RawJsonRange() = default;  // empty
  RawJsonRange(It begin, It end) : begin_(begin), end_(end) {}
  It begin() const { return begin_; }
  It end() const { return end_; }

 private:
  It begin_, end_;
};

}  // namespace xport::aaf
