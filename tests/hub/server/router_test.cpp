// The hub's REST router: patterns, parameters (percent-decoded), literal segments winning
// over parameters, 404 and 405 with Allow, HEAD as GET, and the patterns it refuses.
#include "hub/server/router.hpp"

#include <gtest/gtest.h>

namespace xport::hub::server {
namespace {

Handler answering(int status) {
  return [status](Request&) { return Response::text(status, "x"); };
}

int status_of(const Router::Match& m) {
  Request req;
  return m.route->handler(req).status;
}

TEST(Router, BindsParametersPercentDecoded) {
  Router r;
  r.get("/api/projects/{id}/runs/{run}", answering(200));
  auto m = r.match("GET", "/api/projects/p%201/runs/r%2Fx");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.params.at("id"), "p 1");
  EXPECT_EQ(m.params.at("run"), "r/x");
}

TEST(Router, LiteralSegmentsWinOverParameters) {
  Router r;
  r.get("/api/projects/{id}", answering(201));
  r.get("/api/projects/new", answering(202));
  EXPECT_EQ(status_of(r.match("GET", "/api/projects/new")), 202);
  EXPECT_EQ(status_of(r.match("GET", "/api/projects/other")), 201);
}

TEST(Router, RestBindsTheRemainderOfThePath) {
  Router r;
  r.get("/objects/{rest...}", answering(200));
  auto m = r.match("GET", "/objects/exports/p1/a%20b.zip");
  ASSERT_EQ(m.status, 200);
  EXPECT_EQ(m.params.at("rest"), "exports/p1/a b.zip");
  // An encoded slash inside a segment would let a key escape its folder: no match.
  EXPECT_EQ(r.match("GET", "/objects/exports%2F..%2Fx").status, 404);
  EXPECT_EQ(r.match("GET", "/objects/").status, 404);
  EXPECT_EQ(r.match("GET", "/objects").status, 404);
}

TEST(Router, UnknownPathIs404AndOtherMethodIs405WithAllow) {
  Router r;
  r.get("/api/runs", answering(200));
  r.post("/api/runs", answering(201));
  EXPECT_EQ(r.match("GET", "/api/nothing").status, 404);
  auto m = r.match("DELETE", "/api/runs");
  EXPECT_EQ(m.status, 405);
  EXPECT_EQ(m.allow, "GET, HEAD, POST");
}

TEST(Router, HeadMatchesGet) {
  Router r;
  r.get("/api/me", answering(200));
  EXPECT_EQ(r.match("HEAD", "/api/me").status, 200);
}

TEST(Router, EmptyParameterAndMalformedEscapeDoNotMatch) {
  Router r;
  r.get("/api/plugins/{id}", answering(200));
  EXPECT_EQ(r.match("GET", "/api/plugins/").status, 404);
  EXPECT_EQ(r.match("GET", "/api/plugins/%zz").status, 404);
  EXPECT_EQ(r.match("GET", "/api/plugins/a%00b").status, 404);
  EXPECT_EQ(r.match("GET", "/api/plugins/a/b").status, 404);
}

TEST(Router, RefusesMalformedAndDuplicatePatterns) {
  Router r;
  EXPECT_THROW(r.get("api/x", answering(200)), std::invalid_argument);
  EXPECT_THROW(r.get("/a/{id", answering(200)), std::invalid_argument);
  EXPECT_THROW(r.get("/a/{}", answering(200)), std::invalid_argument);
  EXPECT_THROW(r.get("/a/{rest...}/b", answering(200)), std::invalid_argument);
  EXPECT_THROW(r.get("/a/{id}/{id}", answering(200)), std::invalid_argument);
  EXPECT_THROW(r.get("/a/x{id}", answering(200)), std::invalid_argument);
  EXPECT_THROW(r.get("/a", Handler{}), std::invalid_argument);
  r.get("/a/{id}", answering(200));
  EXPECT_THROW(r.get("/a/{id}", answering(200)), std::invalid_argument);
  r.post("/a/{id}", answering(200));  // another method is another route
  EXPECT_EQ(r.size(), 2u);
}

}  // namespace
}  // namespace xport::hub::server
