#include "hub/server/router.hpp"

#include <algorithm>
#include <set>

namespace xport::hub::server {
namespace {

// "/a/b/c" → {"a","b","c"}; "/" → {}; a trailing slash gives a last empty part.
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> parts;
  if (path.empty() || path[0] != '/') return parts;
  path.remove_prefix(1);
  if (path.empty()) return parts;
  std::size_t start = 0;
  while (true) {
    std::size_t end = path.find('/', start);
    parts.push_back(path.substr(start, end == std::string_view::npos ? path.npos : end - start));
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  return parts;
}

}  // namespace

Router& Router::add(std::string method, std::string pattern, Handler handler,
                    RouteOptions options) {
  if (!handler) throw std::invalid_argument("Router: route " + pattern + " has no handler");
  if (pattern.empty() || pattern[0] != '/')
    throw std::invalid_argument("Router: pattern must start with '/': " + pattern);
  Entry entry;
  std::set<std::string> names;
  std::vector<std::string_view> parts = split_path(pattern);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string_view p = parts[i];
    Segment s;
    if (!p.empty() && p.front() == '{') {
      if (p.back() != '}' || p.size() < 3)
        throw std::invalid_argument("Router: bad parameter in " + pattern);
      std::string_view name = p.substr(1, p.size() - 2);
      s.kind = Segment::param;
      if (name.size() > 3 && name.substr(name.size() - 3) == "...") {
        if (i + 1 != parts.size())
          throw std::invalid_argument("Router: {name...} must be last in " + pattern);
        name.remove_suffix(3);
        s.kind = Segment::rest;
      }
      s.text = std::string(name);
      if (!names.insert(s.text).second)
        throw std::invalid_argument("Router: parameter " + s.text + " twice in " + pattern);
    } else {
      if (p.find_first_of("{}") != std::string_view::npos)
        throw std::invalid_argument("Router: braces inside a segment of " + pattern);
      s.text = std::string(p);
    }
    entry.segments.push_back(std::move(s));
  }
  for (const Entry& e : routes_)
    if (e.route->method == method && e.route->pattern == pattern)
      throw std::invalid_argument("Router: duplicate route " + method + " " + pattern);
  entry.route = std::make_unique<Route>(
      Route{std::move(method), std::move(pattern), std::move(handler), options});
  routes_.push_back(std::move(entry));
  return *this;
}

Router& Router::get(std::string p, Handler h, RouteOptions o) {
  return add("GET", std::move(p), std::move(h), o);
}
Router& Router::post(std::string p, Handler h, RouteOptions o) {
  return add("POST", std::move(p), std::move(h), o);
}
Router& Router::put(std::string p, Handler h, RouteOptions o) {
  return add("PUT", std::move(p), std::move(h), o);
}
Router& Router::del(std::string p, Handler h, RouteOptions o) {
  return add("DELETE", std::move(p), std::move(h), o);
}

bool Router::match_entry(const Entry& e, const std::vector<std::string_view>& parts,
                         std::map<std::string, std::string>& params, int& literal_score) {
  params.clear();
  literal_score = 0;
  std::size_t i = 0;
  for (; i < e.segments.size(); ++i) {
    const Segment& s = e.segments[i];
    if (s.kind == Segment::rest) {
      if (i >= parts.size()) return false;
      std::string rest;
      for (std::size_t j = i; j < parts.size(); ++j) {
        auto d = percent_decode(parts[j], false);
        if (!d || d->find('/') != std::string::npos) return false;
        if (j > i) rest += '/';
        rest += *d;
      }
      if (rest.empty()) return false;
      params[s.text] = std::move(rest);
      return true;
    }
    if (i >= parts.size()) return false;
    if (s.kind == Segment::literal) {
      if (parts[i] != s.text) return false;
      if (i < 30) literal_score |= 1 << (29 - i);  // earlier literal segments weigh more
    } else {
      if (parts[i].empty()) return false;
      auto d = percent_decode(parts[i], false);
      if (!d) return false;
      params[s.text] = std::move(*d);
    }
  }
  return i == parts.size();
}

std::vector<const Router::Route*> Router::routes() const {
  std::vector<const Route*> all;
  all.reserve(routes_.size());
  for (const Entry& e : routes_)
    all.push_back(e.route.get());
  return all;
}

Router::Match Router::match(std::string_view method, std::string_view path) const {
  Match m;
  std::vector<std::string_view> parts = split_path(path);
  std::string effective(method == "HEAD" ? "GET" : method);
  int best = -1;
  std::set<std::string> allowed;
  std::map<std::string, std::string> params;
  int score = 0;
  for (const Entry& e : routes_) {
    if (!match_entry(e, parts, params, score)) continue;
    allowed.insert(e.route->method);
    if (e.route->method != effective && e.route->method != method) continue;
    if (score > best) {
      best = score;
      m.route = e.route.get();
      m.params = params;
    }
  }
  if (m.route != nullptr) {
    m.status = 200;
  } else if (!allowed.empty()) {
    m.status = 405;
    if (allowed.count("GET") != 0) allowed.insert("HEAD");
    for (const std::string& a : allowed)
      m.allow += (m.allow.empty() ? "" : ", ") + a;
  }
  return m;
}

}  // namespace xport::hub::server
