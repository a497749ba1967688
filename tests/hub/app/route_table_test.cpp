// The route tables' one error mapper: each domain exception answers its status with
// {"message": ...} on every route registered through add_routes(); anything else reaches the
// server (which answers 500). And the hub's own tables, registered on a HubApp.
#include "hub/app/route_table.hpp"

#include "hub/app/hub_process.hpp"
#include "hub/hub_core.hpp"
#include "support/temp_dir.hpp"
#include "support/test_database.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <stdexcept>

#include "hub/domain.hpp"
#include "hub/object_store.hpp"
#include "hub/store.hpp"
#include "xport/errors.hpp"

namespace xport::hub {
namespace {

template <class E>
std::exception_ptr error(const char* message) {
  return std::make_exception_ptr(E(message));
}

void expect_answer(std::exception_ptr e, int status, const char* message) {
  server::Response res = error_response(e);
  EXPECT_EQ(res.status, status) << message;
  EXPECT_EQ(boost::json::parse(res.body).at("message").as_string(), message);
}

TEST(RouteTable, EachDomainErrorHasItsStatus) {
  expect_answer(std::make_exception_ptr(server::HttpError(418, "teapot")), 418, "teapot");
  expect_answer(error<NotFound>("no project p"), 404, "no project p");
  expect_answer(error<Conflict>("already there"), 409, "already there");
  expect_answer(error<Forbidden>("admins only"), 403, "admins only");
  expect_answer(error<ObjectTooLarge>("too big"), 413, "too big");
  expect_answer(error<ConfigError>("line 1: bad"), 400, "line 1: bad");
  expect_answer(error<InputError>("bad input"), 400, "bad input");
}

TEST(RouteTable, OtherExceptionsAreRethrown) {
  EXPECT_THROW(error_response(error<std::logic_error>("bug")), std::logic_error);
}

// The hub's own tables on a real HubApp (not started: no socket is opened): every route
// registered once, handlers reached through the mapper, the tables' options on the router.
class HubRoutes : public ::testing::Test {
 protected:
  test::TempDir dir;
  HubProcess hub{[this] {
    HubProcessOptions o;
    o.data_dir = dir.path();
    o.database.url = test::hub_database(dir.path());
    o.app.max_import_bytes = 777;
    return o;
  }()};
  std::string key = hub.core().domain().bootstrap(dir.path()).value().api_key;
  server::Server& server = hub.server();

  server::Response call(const char* method, const std::string& path, bool with_key = true) {
    auto m = server.router().match(method, path);
    EXPECT_EQ(m.status, 200) << method << " " << path;
    server::Request req;
    req.method = method;
    req.path = path;
    req.target = path;
    req.params = m.params;
    if (with_key) req.headers.emplace_back("apikey", key);
    return m.route->handler(req);
  }
};

TEST_F(HubRoutes, EveryTableIsRegistered) {
  for (const char* path :
       {"/api/me", "/api/projects", "/api/plugins", "/api/runs", "/api/notifications",
        "/api/storages", "/v2/listProjects", "/v2/storages", "/healthz"})
    EXPECT_EQ(server.router().match("GET", path).status, 200) << path;
  EXPECT_EQ(server.router().match("PUT", "/upload/uploads/p/x/r.zip").status, 200);
  EXPECT_EQ(server.router().match("POST", "/v2/pluginResponse").status, 200);
  EXPECT_EQ(server.router().match("POST", "/api/projects/p1/import").route->options.max_body, 777u);
}

TEST_F(HubRoutes, DomainErrorsAnswerThroughTheMapper) {
  EXPECT_EQ(call("GET", "/api/me").status, 200);
  EXPECT_EQ(call("GET", "/api/me", false).status, 401);
  server::Response missing = call("GET", "/api/projects/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(boost::json::parse(missing.body).at("message").as_string().find("nope"),
            std::string::npos);
  EXPECT_EQ(call("POST", "/api/notifications/abc/read").status, 404);
  EXPECT_EQ(call("DELETE", "/api/storages/nope").status, 404);
}

TEST_F(HubRoutes, HealthNeedsNoKeyAndSaysOk) {
  server::Response health = call("GET", "/healthz", false);
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(boost::json::parse(health.body).at("status").as_string(), "ok");
}

}  // namespace
}  // namespace xport::hub
