// RawJson over simdjson's DOM: the element and the DOM's iterators are small trivially
// copyable values (a document pointer and a tape index), kept in RawJson's opaque storage.
#include "xport/aaf/raw_json.hpp"

#include <bit>
#include <type_traits>

#include "aaf/raw_json_dom.hpp"

namespace xport::aaf {
namespace {

namespace dom = simdjson::dom;

template <class T>
constexpr bool fits_storage = sizeof(T) == sizeof(RawJson::Storage) &&
                              alignof(T) <= 8 && std::is_trivially_copyable_v<T>;
static_assert(fits_storage<dom::element>, "simdjson's element no longer fits RawJson");
static_assert(fits_storage<dom::array::iterator>, "simdjson's iterators no longer fit RawJson");
static_assert(fits_storage<dom::object::iterator>, "simdjson's iterators no longer fit RawJson");

template <class T>
RawJson::Storage store(const T& value) {
  return std::bit_cast<RawJson::Storage>(value);
}

template <class T>
T load(const RawJson::Storage& storage) {
  return std::bit_cast<T>(storage);
}

RawJson::Type type_of(dom::element_type type) {
  switch (type) {
    case dom::element_type::ARRAY:
      return RawJson::Type::array;
    case dom::element_type::OBJECT:
      return RawJson::Type::object;
    case dom::element_type::INT64:
    case dom::element_type::UINT64:
    case dom::element_type::DOUBLE:
      return RawJson::Type::number;
    case dom::element_type::STRING:
      return RawJson::Type::string;
    case dom::element_type::BOOL:
      return RawJson::Type::boolean;
    case dom::element_type::NULL_VALUE:
      return RawJson::Type::null;
  }
  return RawJson::Type::absent;
}

RawJson wrap_result(simdjson::simdjson_result<dom::element> result) {
  dom::element e;
  if (result.get(e) != simdjson::SUCCESS) return {};
  return RawJsonAccess::wrap(e);
}

}  // namespace

RawJson RawJsonAccess::wrap(dom::element element) {
  RawJson json;
  json.element_ = store(element);
  json.type_ = type_of(element.type());
  return json;
}

dom::element RawJsonAccess::unwrap(const RawJson& json) {
  return json.present() ? load<dom::element>(json.element_) : dom::element{};
}

RawJson RawJson::operator[](std::string_view key) const {
  if (!is_object()) return {};
  return wrap_result(dom_of(*this).get_object().value_unsafe().at_key(key));
}

RawJson RawJson::at(std::size_t index) const {
  if (!is_array()) return {};
  return wrap_result(dom_of(*this).get_array().value_unsafe().at(index));
}

std::size_t RawJson::size() const {
  if (is_array()) return dom_of(*this).get_array().value_unsafe().size();
  if (is_object()) return dom_of(*this).get_object().value_unsafe().size();
  return 0;
}

std::optional<std::string_view> RawJson::string() const {
  std::string_view s;
  if (!present() || dom_of(*this).get_string().get(s) != simdjson::SUCCESS) return std::nullopt;
  return s;
}

std::optional<std::int64_t> RawJson::int64() const {
  std::int64_t v = 0;
  if (!present() || dom_of(*this).get_int64().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

std::optional<double> RawJson::number() const {
  double v = 0;
  if (type_ != Type::number || dom_of(*this).get_double().get(v) != simdjson::SUCCESS)
    return std::nullopt;
  return v;
}

std::optional<bool> RawJson::boolean() const {
  bool v = false;
  if (!present() || dom_of(*this).get_bool().get(v) != simdjson::SUCCESS) return std::nullopt;
  return v;
}

std::string RawJson::json() const {
  return present() ? simdjson::minify(dom_of(*this)) : std::string();
}

// Iterators ------------------------------------------------------------------------------

RawJsonElementIterator RawJsonAccess::wrap(dom::array::iterator it) {
  RawJsonElementIterator out;
  out.at_ = store(it);
  return out;
}

RawJsonMemberIterator RawJsonAccess::wrap(dom::object::iterator it) {
  RawJsonMemberIterator out;
  out.at_ = store(it);
  return out;
}

RawJson RawJsonElementIterator::operator*() const {
  return RawJsonAccess::wrap(*load<dom::array::iterator>(at_));
}
RawJsonElementIterator& RawJsonElementIterator::operator++() {
  auto it = load<dom::array::iterator>(at_);
  at_ = store(++it);
  return *this;
}
bool RawJsonElementIterator::operator==(const RawJsonElementIterator& other) const {
  return load<dom::array::iterator>(at_) == load<dom::array::iterator>(other.at_);
}

RawJsonMember RawJsonMemberIterator::operator*() const {
  dom::key_value_pair field = *load<dom::object::iterator>(at_);
  return {field.key, RawJsonAccess::wrap(field.value)};
}
RawJsonMemberIterator& RawJsonMemberIterator::operator++() {
  auto it = load<dom::object::iterator>(at_);
  at_ = store(++it);
  return *this;
}
bool RawJsonMemberIterator::operator==(const RawJsonMemberIterator& other) const {
  return load<dom::object::iterator>(at_) == load<dom::object::iterator>(other.at_);
}

// Not an array (or object): the empty range, whose default iterators compare equal.
RawJsonRange<RawJsonElementIterator> RawJson::elements() const {
  if (!is_array()) return {};
  dom::array a = dom_of(*this).get_array().value_unsafe();
  return {RawJsonAccess::wrap(a.begin()), RawJsonAccess::wrap(a.end())};
}

RawJsonRange<RawJsonMemberIterator> RawJson::members() const {
  if (!is_object()) return {};
  dom::object o = dom_of(*this).get_object().value_unsafe();
  return {RawJsonAccess::wrap(o.begin()), RawJsonAccess::wrap(o.end())};
}

}  // namespace xport::aaf
