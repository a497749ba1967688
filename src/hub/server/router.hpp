// REST routing: method + path pattern → handler. Patterns are literal segments and
// parameters: "/api/projects/{id}/runs/{run}" binds id and run to one non-empty segment each
// (percent-decoded); a last segment "{rest...}" binds the remainder of the path. Literal
// segments win over parameters, so "/api/projects/new" and "/api/projects/{id}" can coexist.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "hub/server/http_types.hpp"

namespace xport::hub::server {

// Handlers run on a network thread of the server's pool: they may block briefly (a database
// query), not for long. Exceptions become 500 {"message": ...} (HttpError: its own status).
using Handler = std::function<Response(Request& request)>;

// Thrown by a handler to answer with `status` and {"message": what()}.
class HttpError : public std::runtime_error {
 public:
  HttpError(int status, const std::string& message)
      : std::runtime_error(message), status_(status) {}
  int status() const { return status_; }

 private:
  int status_;
};

struct RouteOptions {
  // Largest request body; a larger one (by Content-Length or as it arrives) is answered 413
  // before the handler runs.
  std::uint64_t max_body = std::uint64_t{1} << 20;
  // Stream the body into a temporary file (Request::body_file) instead of memory.
  bool body_to_file = false;
  // The handler takes long (export generation, imports: seconds of database and disk
  // work): it runs on the server's worker pool, so that the network threads keep serving
  // every other connection and the Socket.IO heartbeats meanwhile.
  bool blocking = false;
};

class Router {
 public:
  struct Route {
    std::string method;
    std::string pattern;
    Handler handler;
    RouteOptions options;
  };

  struct Match {
    const Route* route = nullptr;  // set when status == 200
    int status = 404;              // 200 found, 404 no such path, 405 path known, other method
    std::map<std::string, std::string> params;
    std::string allow;  // for 405: the methods the path accepts ("GET, POST")
  };

  // Throws std::invalid_argument for a malformed pattern or a duplicate method + pattern.
  Router& add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  Router& get(std::string pattern, Handler h, RouteOptions o = {});
  Router& post(std::string pattern, Handler h, RouteOptions o = {});
  Router& put(std::string pattern, Handler h, RouteOptions o = {});
  Router& del(std::string pattern, Handler h, RouteOptions o = {});

  // `path` as received (still percent-encoded, no query). HEAD matches GET routes.
  Match match(std::string_view method, std::string_view path) const;

  std::size_t size() const { return routes_.size(); }
  // Every route, in the order added (tests walk them all: tests/hub/app/tenant_isolation_test).
  std::vector<const Route*> routes() const;

 private:
  struct Segment {
    std::string text;  // literal text, or the parameter name
    enum Kind { literal, param, rest } kind = literal;
  };
  struct Entry {
    std::vector<Segment> segments;
    std::unique_ptr<Route> route;
  };
  static bool match_entry(const Entry& e, const std::vector<std::string_view>& parts,
                          std::map<std::string, std::string>& params, int& literal_score);
  std::vector<Entry> routes_;
};

}  // namespace xport::hub::server
