// libFuzzer target: the platform query quirks as the hub reads them (src/hub/app/
// platform_query.hpp, protocol.md §6): the input is a request target's query, parsed as the
// server parses it, then read the way the /v2 routes read theirs: stage and batch filters
// (JSON lists or strings or bare text, ids or names, against a project with stages and
// batches), spelled switches, an upload URL spilled into the outer query, and page/limit.
// The one exception allowed is HttpError with status 400 (the route's answer); anything
// else would reach the connection as a 500, and a crash the process. Checked too: a page
// that is accepted stays inside its bounds, and a spilled value comes from the target.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "hub/app/platform_query.hpp"
#include "hub/project_meta.hpp"
#include "hub/server/request_reading.hpp"
#include "hub/server/router.hpp"
#include "net/url.hpp"

namespace {

using namespace xport::hub;

const Project& project() {
  static const Project p = [] {
    Project q;
    q.id = "p1";
    q.name = "Cats";
    q.stages = workflow({declared_stage("Label", "Label"), declared_stage("Review", "Review")});
    q.batches = {Batch{"b-1", "Batch A"}, Batch{"b-2", "Batch \"B\""}};
    return q;
  }();
  return p;
}

// Runs `read`; a 400 is the answer for bad input, anything else escapes.
template <typename Fn>
void answer_or_400(Fn&& read) {
  try {
    read();
  } catch (const server::HttpError& e) {
    if (e.status() != 400) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string target = "/v2/export?" + std::string(reinterpret_cast<const char*>(data), size);
  server::Request req;
  req.method = "GET";
  req.target = target;
  const auto split = server::split_target(target);
  req.path = split.path;
  auto query = xport::net::parse_query(split.query);
  if (!query) return 0;  // the server answers a malformed escape 400 before any route
  req.query = std::move(*query);

  answer_or_400([&] {
    AssetFilter filter;
    detail::add_stage_filter(project(), detail::list_param(req, "stage"), filter);
  });
  answer_or_400([&] {
    const auto names = detail::batch_names(project(), detail::list_param(req, "batches"));
    (void)detail::batch_ids(project(), names);
  });
  answer_or_400([&] { (void)detail::bool_param(req, "includeKeyFramesOnly"); });
  answer_or_400([&] {
    const auto page = detail::page_params(req, 10, 1000);
    if (page.page < 1 || page.limit < 1 || page.limit > 1000 || page.offset() < 0) std::abort();
  });
  answer_or_400([&] {
    const auto spilled =
        detail::spilled_param(req, "name", {"project", "type", "storageId", "bucket"});
    // Percent-decoding only shrinks: the value can never be longer than the target.
    if (spilled && spilled->size() > target.size()) std::abort();
  });
  return 0;
}
