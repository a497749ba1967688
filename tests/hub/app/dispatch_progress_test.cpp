// A plugin's progress reports as the hub reads them (every count checked, the field named)
// and stores them (the hub's clock, the fraction, an ETA from the rate since the first report).
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <variant>

#include "hub/app/dispatch/run_progress.hpp"

namespace xport::hub::dispatch {
namespace {

namespace json = boost::json;

std::variant<ProgressReport, std::string> read(const char* text) {
  return read_progress(json::parse(text).as_object());
}

std::string error_of(const char* text) {
  auto r = read(text);
  return std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "accepted";
}

TEST(RunProgress, ReadsCountsAndTheirTotals) {
  auto r = read(R"({"session": "s", "assetsDone": 5, "assetsTotal": 10, "bytesDone": 2.0,
                    "bytesTotal": 8, "pluginId": "p", "organization": "o"})");
  ASSERT_TRUE(std::holds_alternative<ProgressReport>(r)) << std::get<std::string>(r);
  const auto& p = std::get<ProgressReport>(r);
  EXPECT_EQ(p.session, "s");
  EXPECT_EQ(p.assets_done, 5u);
  EXPECT_EQ(p.assets_total, 10u);
  EXPECT_EQ(p.bytes_done, 2u);
  EXPECT_EQ(p.bytes_total, 8u);
  EXPECT_DOUBLE_EQ(progress_fraction(p), 0.25);  // bytes first: the assets' sizes vary
  // Without totals there is no fraction; with only an asset total it comes from assets.
  EXPECT_LT(progress_fraction(std::get<ProgressReport>(read(R"({"session":"s","assetsDone":3})"))),
            0);
  EXPECT_DOUBLE_EQ(progress_fraction(std::get<ProgressReport>(
                       read(R"({"session":"s","assetsDone":3,"assetsTotal":4})"))),
                   0.75);
}

TEST(RunProgress, RefusesWhatIsNotACountNamingTheField) {
  EXPECT_EQ(error_of(R"({"assetsDone": 1})"), "the progress names no session");
  EXPECT_EQ(error_of(R"({"session": "s"})"),
            "the progress has neither \"assetsDone\" nor \"bytesDone\"");
  for (const char* bad :
       {R"({"session":"s","assetsDone":-1})", R"({"session":"s","assetsDone":1.5})",
        R"({"session":"s","assetsDone":"3"})", R"({"session":"s","assetsDone":1e300})"})
    EXPECT_EQ(error_of(bad), "\"assetsDone\" must be a whole number from 0 to 2^53") << bad;
  EXPECT_EQ(error_of(R"({"session":"s","bytesDone":1,"bytesTotal":true})"),
            "\"bytesTotal\" must be a whole number from 0 to 2^53");
  EXPECT_EQ(error_of(R"({"session":"s","assetsDone":5,"assetsTotal":4})"),
            "\"assetsDone\" is above \"assetsTotal\"");
  EXPECT_EQ(error_of(R"({"session":"s","bytesDone":5,"bytesTotal":4})"),
            "\"bytesDone\" is above \"bytesTotal\"");
  EXPECT_EQ(error_of(R"({"session":"s","assetsDone":0,"assetsTotal":null})"), "accepted");
}

ProgressReport at(std::uint64_t bytes_done) {
  ProgressReport p;
  p.session = "s";
  p.bytes_done = bytes_done;
  p.bytes_total = 1000;
  return p;
}

TEST(RunProgress, TheEtaComesFromTheRateSinceTheFirstReport) {
  json::object first = progress_record(at(100), "", 10'000);
  EXPECT_EQ(first["startedAt"].as_int64(), 10'000);
  EXPECT_DOUBLE_EQ(first["fraction"].as_double(), 0.1);
  EXPECT_TRUE(first["etaMs"].is_null());  // one point is no rate
  EXPECT_TRUE(first["assetsTotal"].is_null());

  // 0.1 → 0.4 in 3 s: 0.1 per second, 0.6 to go.
  json::object second = progress_record(at(400), json::serialize(first), 13'000);
  EXPECT_EQ(second["startedAt"].as_int64(), 10'000);
  EXPECT_EQ(second["at"].as_int64(), 13'000);
  EXPECT_EQ(second["etaMs"].as_int64(), 6'000);
  EXPECT_EQ(second["bytesTotal"].as_int64(), 1000);

  // A stored progress that does not parse starts the clock again rather than failing.
  EXPECT_TRUE(progress_record(at(500), "{oops", 14'000)["etaMs"].is_null());
  // No movement, no ETA (not an infinite one).
  EXPECT_TRUE(progress_record(at(100), json::serialize(first), 20'000)["etaMs"].is_null());
}

}  // namespace
}  // namespace xport::hub::dispatch
