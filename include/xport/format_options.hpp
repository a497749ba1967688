// Typed Config JSON options of a format. Each option is declared once, in an OptionList:
// its name, the member of the format's options struct it lands in (whose C++ type is the
// option's type), its typed default and its description. From that one declaration come
// what `xport formats NAME` shows (OptionSpec), the key and type checks of validate_config,
// and the parsed options struct a conversion receives.
//
//   struct VocOptions { bool one_based; ... };
//   const OptionList<VocOptions>& VocOptions::declarations() {
//     static const auto list = [] {
//       OptionList<VocOptions> o("voc");
//       o.option(&VocOptions::one_based, "one_based", true, "1-based pixel indices ...");
//       return o;
//     }();
//     return list;
//   }
//
// Options several formats share (splits, class lists, ...) are OptionLists of their own
// struct, included with group() where the format's struct holds that struct.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "xport/errors.hpp"

namespace xport {

// The JSON type an option takes. `any`: the format interprets the value itself.
enum class OptionType { string, integer, number, boolean, array, object, any };

constexpr std::string_view to_string(OptionType type) {
  switch (type) {
    case OptionType::string:
      return "string";
    case OptionType::integer:
      return "integer";
    case OptionType::number:
      return "number";
    case OptionType::boolean:
      return "boolean";
    case OptionType::array:
      return "array";
    case OptionType::object:
      return "object";
    case OptionType::any:
      return "any";
  }
  return "any";
}

// One Config JSON option as `xport formats NAME` shows it and validate_config checks it;
// generated from the option's declaration.
struct OptionSpec {
  std::string name;
  OptionType type = OptionType::any;
  std::string default_json;  // the default as JSON text
  std::string description;
};

// Checks the config's keys and value types against `options` (the key "format" is always
// allowed), with the messages naming `format`. Throws ConfigError. (formats/config.cpp)
void validate_options(std::string_view format, std::span<const OptionSpec> options,
                      const boost::json::object& config);

namespace options {

// The JSON text of defaults (src/formats/options/option_text.cpp).
std::string json_quote(std::string_view s);  // "\"detect\""
std::string json_number(double d);           // "0.5"
std::string json_list(const std::vector<std::string>& list);
// `value` as JSON text: how refusals quote a value.
std::string json_text(const boost::json::value& value);

// Type, default text and reading of the plain option types. `read` gets a value already
// type-checked by validate_options.
template <class T>
struct Traits;

template <>
struct Traits<bool> {
  static constexpr OptionType type = OptionType::boolean;
  static std::string show(bool b) { return b ? "true" : "false"; }
  static bool read(const boost::json::value& v, std::string_view) { return v.as_bool(); }
};

template <>
struct Traits<std::int64_t> {
  static constexpr OptionType type = OptionType::integer;
  static std::string show(std::int64_t n) { return std::to_string(n); }
  static std::int64_t read(const boost::json::value& v, std::string_view name) {
    if (v.is_uint64())
      throw ConfigError("Config JSON: option \"" + std::string(name) +
                        "\" is too large (at most 2^63-1), got " + json_text(v));
    return v.as_int64();
  }
};

// Seeds and counts: a negative integer wraps (two's complement), as the seeds always did.
template <>
struct Traits<std::uint64_t> {
  static constexpr OptionType type = OptionType::integer;
  static std::string show(std::uint64_t n) { return std::to_string(n); }
  static std::uint64_t read(const boost::json::value& v, std::string_view) {
    return v.is_uint64() ? v.as_uint64() : static_cast<std::uint64_t>(v.as_int64());
  }
};

template <>
struct Traits<double> {
  static constexpr OptionType type = OptionType::number;
  static std::string show(double d) { return json_number(d); }
  static double read(const boost::json::value& v, std::string_view) {
    return v.to_number<double>();
  }
};

template <>
struct Traits<std::string> {
  static constexpr OptionType type = OptionType::string;
  static std::string show(const std::string& s) { return json_quote(s); }
  static std::string read(const boost::json::value& v, std::string_view) {
    return std::string(v.as_string());
  }
};

template <>
struct Traits<std::vector<std::string>> {
  static constexpr OptionType type = OptionType::array;
  static std::string show(const std::vector<std::string>& list) { return json_list(list); }
  static std::vector<std::string> read(const boost::json::value& v, std::string_view name) {
    std::vector<std::string> out;
    for (const boost::json::value& item : v.as_array()) {
      if (!item.is_string())
        throw ConfigError("Config JSON: option \"" + std::string(name) +
                          "\" must be a list of strings, got " + json_text(item));
      out.emplace_back(item.as_string());
    }
    return out;
  }
};

// An object read in its key order: name -> value of a plain type (split ratios, maps).
template <class T>
struct Traits<std::vector<std::pair<std::string, T>>> {
  static constexpr OptionType type = OptionType::object;
  static std::string show(const std::vector<std::pair<std::string, T>>& map) {
    std::string out = "{";
    for (const auto& [key, value] : map)
      out += (out.size() > 1 ? ", " : "") + json_quote(key) + ": " + Traits<T>::show(value);
    return out + "}";
  }
  static std::vector<std::pair<std::string, T>> read(const boost::json::value& v,
                                                     std::string_view name) {
    std::vector<std::pair<std::string, T>> out;
    for (const auto& member : v.as_object()) {
      const std::string key(member.key());
      if (!type_matches(member.value()))
        throw ConfigError("Config JSON: option \"" + std::string(name) + "\": \"" + key +
                          "\" must be " + std::string(to_string(Traits<T>::type)) + ", got " +
                          json_text(member.value()));
      out.emplace_back(key, Traits<T>::read(member.value(), name));
    }
    return out;
  }

 private:
  static bool type_matches(const boost::json::value& v) {
    switch (Traits<T>::type) {
      case OptionType::string:
        return v.is_string();
      case OptionType::integer:
        return v.is_int64() || v.is_uint64();
      case OptionType::number:
        return v.is_number();
      case OptionType::boolean:
        return v.is_bool();
      case OptionType::array:
        return v.is_array();
      case OptionType::object:
        return v.is_object();
      case OptionType::any:
        return true;
    }
    return false;
  }
};

// Absent by default ("null"); a given value is read as T.
template <class T>
struct Traits<std::optional<T>> {
  static constexpr OptionType type = Traits<T>::type;
  static std::string show(const std::optional<T>& v) {
    return v ? Traits<T>::show(*v) : std::string("null");
  }
  static std::optional<T> read(const boost::json::value& v, std::string_view name) {
    return Traits<T>::read(v, name);
  }
};

// How a format words the refusal of a string that is none of an enum option's names:
// `<prefix>"<option>" must be "a", "b" or "c", <word> "<value>"`.
struct Refusal {
  std::string prefix = "Config JSON: ";
  std::string word = "got";
};

// The names of an enum option; a value may have several (the later ones are aliases).
template <class E>
using Names = std::vector<std::pair<std::string, E>>;

// `"a", "b" (or "b2") or "c"`: the allowed names of an enum, aliases in parentheses.
template <class E>
std::string allowed_names(const Names<E>& names) {
  std::vector<std::string> items;
  for (std::size_t i = 0; i < names.size(); ++i) {
    bool alias = false;
    for (std::size_t j = 0; j < i; ++j)
      alias = alias || names[j].second == names[i].second;
    if (alias)
      items.back() += " (or " + json_quote(names[i].first) + ")";
    else
      items.push_back(json_quote(names[i].first));
  }
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i)
    out += (i == 0 ? "" : i + 1 == items.size() ? " or " : ", ") + items[i];
  return out;
}

template <class O>
class OptionList {
 public:
  // `format` names the format in the key and type errors (when parse() is not told);
  // `refusal` words enum refusals.
  explicit OptionList(std::string format = {}, Refusal refusal = {})
      : format_(std::move(format)), refusal_(std::move(refusal)) {}

  // A plain option (bool, integer, double, string, string list, object of a plain type,
  // or std::optional of one): its type and reading follow from the member's type.
  template <class T, class D>
  OptionList& option(T O::*member, std::string name, D default_value, std::string description) {
    T value(std::move(default_value));
    std::string shown = Traits<T>::show(value);
    add(
        {name, Traits<T>::type, std::move(shown), std::move(description)},
        [member, value](O& o) { o.*member = value; },
        [member, name](O& o, const boost::json::value& v) {
          o.*member = Traits<T>::read(v, name);
        });
    return *this;
  }

  // A plain option whose value the format checks further itself (with messages of its
  // own): `read` turns the type-checked JSON value into the member's value or throws
  // ConfigError.
  template <class T, class D, class Read>
  OptionList& option(T O::*member, std::string name, D default_value, std::string description,
                     Read read) {
    T value(std::move(default_value));
    std::string shown = Traits<T>::show(value);
    add(
        {std::move(name), Traits<T>::type, std::move(shown), std::move(description)},
        [member, value](O& o) { o.*member = value; },
        [member, read](O& o, const boost::json::value& v) { o.*member = read(v); });
    return *this;
  }

  // An option of type "any": `read` interprets whatever JSON value is given (e.g. falls
  // back to a default for values of other types).
  template <class T, class D, class Read>
  OptionList& any_value(T O::*member, std::string name, D default_value, std::string description,
                        Read read) {
    T value(std::move(default_value));
    std::string shown = Traits<T>::show(value);
    add(
        {std::move(name), OptionType::any, std::move(shown), std::move(description)},
        [member, value](O& o) { o.*member = value; },
        [member, read](O& o, const boost::json::value& v) { o.*member = read(v); });
    return *this;
  }

  // An option whose value the format checks itself (messages of its own): `read` turns the
  // type-checked JSON value into the member's value or throws ConfigError. `type` and
  // `shown_default` are given for members with no JSON form of their own (a filter, a
  // table); the default itself is the member's value-initialised state.
  template <class T, class Read>
  OptionList& custom(T O::*member, std::string name, OptionType type, std::string shown_default,
                     std::string description, Read read) {
    add(
        {std::move(name), type, std::move(shown_default), std::move(description)},
        [member](O& o) { o.*member = T{}; },
        [member, read](O& o, const boost::json::value& v) { o.*member = read(v); });
    return *this;
  }

  // An enum option, given as one of `names` (a string); M is E or std::optional<E>.
  template <class M, class E>
  OptionList& choice(M O::*member, std::string name, M default_value, Names<E> names,
                     std::string description) {
    std::string shown = "null";
    if constexpr (std::is_same_v<M, E>) {
      shown = shown_name(names, default_value);
    } else {
      if (default_value) shown = shown_name(names, *default_value);
    }
    add(
        {name, OptionType::string, std::move(shown), std::move(description)},
        [member, default_value](O& o) { o.*member = default_value; },
        [member, name, names, refusal = refusal_](O& o, const boost::json::value& v) {
          const std::string_view given = v.as_string();
          for (const auto& [n, e] : names)
            if (n == given) {
              o.*member = e;
              return;
            }
          throw ConfigError(refusal.prefix + "\"" + name + "\" must be " + allowed_names(names) +
                            ", " + refusal.word + " \"" + std::string(given) + "\"");
        });
    return *this;
  }

  // The options of a shared group, landing in `member`, at this point of the list.
  template <class G>
  OptionList& group(G O::*member, const OptionList<G>& group) {
    for (const auto& e : group.entries_)
      add(
          e.spec, [member, f = e.set_default](O& o) { f(o.*member); },
          [member, f = e.read](O& o, const boost::json::value& v) { f(o.*member, v); });
    for (const auto& f : group.finishers_)
      finishers_.push_back([member, f](O& o) { f(o.*member); });
    return *this;
  }

  // Runs once every option is read, in declaration order: checks across options (throwing
  // ConfigError) and values derived from several.
  OptionList& finish(std::function<void(O&)> f) {
    finishers_.push_back(std::move(f));
    return *this;
  }

  std::span<const OptionSpec> specs() const { return specs_; }

  // Checks the config's keys and types (validate_options; messages name `format`, by
  // default the list's), then reads every option, or its default when absent, and runs the
  // finishers. Throws ConfigError.
  O parse(const boost::json::object& config, std::string_view format = {}) const {
    validate_options(format.empty() ? std::string_view(format_) : format, specs_, config);
    O o{};
    for (const Entry& e : entries_) {
      if (const boost::json::value* v = config.if_contains(e.spec.name))
        e.read(o, *v);
      else
        e.set_default(o);
    }
    for (const auto& f : finishers_)
      f(o);
    return o;
  }

 private:
  template <class>
  friend class OptionList;

  struct Entry {
    OptionSpec spec;
    std::function<void(O&)> set_default;
    std::function<void(O&, const boost::json::value&)> read;
  };

  template <class E>
  static std::string shown_name(const Names<E>& names, E value) {
    for (const auto& [n, e] : names)
      if (e == value) return json_quote(n);
    return "null";
  }

  void add(OptionSpec spec, std::function<void(O&)> set_default,
           std::function<void(O&, const boost::json::value&)> read) {
    specs_.push_back(spec);
    entries_.push_back({std::move(spec), std::move(set_default), std::move(read)});
  }

  std::string format_;
  Refusal refusal_;
  std::vector<OptionSpec> specs_;
  std::vector<Entry> entries_;
  std::vector<std::function<void(O&)>> finishers_;
};

}  // namespace options

using options::OptionList;

}  // namespace xport
