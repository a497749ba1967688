// libFuzzer target: a plugin's `progress` event as the hub reads it (src/hub/app/dispatch/
// run_progress.hpp). The input is split at its first newline: the event's data (any JSON:
// what a socket may send) and the run's stored progress it is merged with. Checked: nothing
// throws; an accepted report keeps each count within its known total; the stored record has
// a fraction in [0, 1] (or null), a non-negative ETA (or null) and the counts it was given.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "hub/app/dispatch/run_progress.hpp"

namespace {

namespace json = boost::json;
using namespace xport::hub::dispatch;

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::size_t cut = input.find('\n');
  const std::string_view event = input.substr(0, cut);
  const std::string previous(cut == std::string_view::npos ? "" : input.substr(cut + 1));
  boost::system::error_code ec;
  json::value v = json::parse(event, ec);
  if (ec || !v.is_object()) return 0;
  auto read = read_progress(v.get_object());
  if (std::holds_alternative<std::string>(read)) return 0;
  const ProgressReport& p = std::get<ProgressReport>(read);
  check(!p.session.empty());
  check(!p.assets_total || p.assets_done <= p.assets_total);
  check(!p.bytes_total || p.bytes_done <= p.bytes_total);
  json::object record = progress_record(p, previous, 1'000'000);
  check(record.at("assetsDone").as_int64() == static_cast<std::int64_t>(p.assets_done));
  check(record.at("at").as_int64() == 1'000'000);
  if (const json::value& f = record.at("fraction"); !f.is_null())
    check(f.as_double() >= 0 && f.as_double() <= 1);
  if (const json::value& eta = record.at("etaMs"); !eta.is_null()) check(eta.as_int64() >= 0);
  return 0;
}
