#include "hub/app/dispatch/run_progress.hpp"

#include <boost/json.hpp>
#include <cmath>
#include <optional>

namespace xport::hub::dispatch {

namespace json = boost::json;

namespace {

// JSON numbers a plugin may send as counts: integers, or doubles that are whole (Python's
// float division), below 2^53 so that a double holds them exactly.
constexpr double kMaxCount = 9007199254740992.0;
constexpr double kMaxEtaMs = 365.0 * 24 * 3600 * 1000;

std::optional<std::string> read_count(const json::object& body, std::string_view key,
                                      std::uint64_t& out) {
  const json::value* v = body.if_contains(key);
  if (!v || v->is_null()) return std::nullopt;
  double d = -1;
  if (v->is_int64()) d = static_cast<double>(v->get_int64());
  if (v->is_uint64()) d = static_cast<double>(v->get_uint64());
  if (v->is_double()) d = v->get_double();
  if (!(d >= 0 && d < kMaxCount && std::floor(d) == d))
    return "\"" + std::string(key) + "\" must be a whole number from 0 to 2^53";
  out = static_cast<std::uint64_t>(d);
  return std::nullopt;
}

// A number of the stored progress within [low, high], else `fallback` (a row damaged by hand
// or written by another version must not turn into an absurd ETA, or into a cast overflow).
double number_field(const json::object& o, std::string_view key, double low, double high,
                    double fallback) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_number()) return fallback;
  const double d = v->to_number<double>();
  return d >= low && d <= high ? d : fallback;
}

}  // namespace

std::variant<ProgressReport, std::string> read_progress(const json::object& body) {
  ProgressReport p;
  if (auto* s = body.if_contains("session"); s && s->is_string())
    p.session = std::string(s->get_string());
  if (p.session.empty()) return std::string("the progress names no session");
  if (!body.contains("assetsDone") && !body.contains("bytesDone"))
    return std::string("the progress has neither \"assetsDone\" nor \"bytesDone\"");
  for (auto [key, out] :
       {std::pair{"assetsDone", &p.assets_done}, std::pair{"assetsTotal", &p.assets_total},
        std::pair{"bytesDone", &p.bytes_done}, std::pair{"bytesTotal", &p.bytes_total}})
    if (auto error = read_count(body, key, *out)) return *error;
  if (p.assets_total && p.assets_done > p.assets_total)
    return std::string("\"assetsDone\" is above \"assetsTotal\"");
  if (p.bytes_total && p.bytes_done > p.bytes_total)
    return std::string("\"bytesDone\" is above \"bytesTotal\"");
  return p;
}

double progress_fraction(const ProgressReport& p) {
  if (p.bytes_total) return static_cast<double>(p.bytes_done) / static_cast<double>(p.bytes_total);
  if (p.assets_total)
    return static_cast<double>(p.assets_done) / static_cast<double>(p.assets_total);
  return -1;
}

json::object progress_record(const ProgressReport& p, const std::string& previous_json,
                             std::int64_t now_ms) {
  // Counts are below 2^53 (read_progress): signed, as every other number the API shows.
  auto count = [](std::uint64_t n) { return static_cast<std::int64_t>(n); };
  auto total = [&](std::uint64_t n) { return n ? json::value(count(n)) : json::value(nullptr); };
  json::object record{{"assetsDone", count(p.assets_done)},
                      {"assetsTotal", total(p.assets_total)},
                      {"bytesDone", count(p.bytes_done)},
                      {"bytesTotal", total(p.bytes_total)},
                      {"at", now_ms}};
  const double fraction = progress_fraction(p);
  record["fraction"] = fraction < 0 ? json::value(nullptr) : json::value(fraction);
  record["etaMs"] = nullptr;
  // The first report starts the clock; a stored progress that does not parse starts it again.
  json::object previous;
  boost::system::error_code ec;
  if (!previous_json.empty())
    if (json::value v = json::parse(previous_json, ec); !ec && v.is_object())
      previous = v.get_object();
  const double now = static_cast<double>(now_ms);
  const double started_at = number_field(previous, "startedAt", 0, now, now);
  const double start_fraction = number_field(previous, "startFraction", 0, 1, fraction);
  record["startedAt"] = static_cast<std::int64_t>(started_at);
  record["startFraction"] = start_fraction;
  const double elapsed = now - started_at;
  if (fraction >= 0 && fraction > start_fraction && elapsed > 0) {
    const double rate = (fraction - start_fraction) / elapsed;  // per millisecond
    // Beyond a year the rate says nothing useful (a run crawling at its start).
    if (const double eta = (1.0 - fraction) / rate; eta <= kMaxEtaMs)
      record["etaMs"] = static_cast<std::int64_t>(std::llround(eta));
  }
  return record;
}

}  // namespace xport::hub::dispatch
