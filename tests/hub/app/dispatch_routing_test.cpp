// The dispatch routing state with fake time: least busy first, ties to the oldest instance,
// queued runs waiting for an instance, deadlines (offline wait, then each plugin's answer
// timeout), lost instances and dropped plugins.
#include <gtest/gtest.h>

#include <limits>

#include "hub/app/dispatch/routing.hpp"

namespace xport::hub::dispatch {
namespace {

using namespace std::chrono_literals;

const Clock::time_point t0{};  // fake time: only differences matter

TEST(DispatchRouting, LeastBusyInstanceFirstTiesToTheOldest) {
  Routing r(10min);
  ASSERT_TRUE(r.join("b", "p", "1.2.3.4"));  // joins first: the older one
  ASSERT_TRUE(r.join("a", "p", "5.6.7.8"));
  ASSERT_TRUE(r.join("c", "other", ""));
  std::vector<std::string> to;
  for (const char* s : {"s1", "s2", "s3", "s4", "s5"}) {
    ASSERT_TRUE(r.track(s, "p", t0));
    const Instance* inst = r.assign_least_busy(s, 1s, t0);
    ASSERT_NE(inst, nullptr) << s;
    to.push_back(inst->id);
  }
  EXPECT_EQ(to, (std::vector<std::string>{"b", "a", "b", "a", "b"}));
  EXPECT_EQ(r.instance("b")->runs.size(), 3u);
  EXPECT_EQ(r.instance("c")->runs.size(), 0u);
  // An answered run frees its instance: "a" is now the least busy by two.
  r.untrack("s1");
  r.untrack("s3");
  ASSERT_TRUE(r.track("s6", "p", t0));
  EXPECT_EQ(r.assign_least_busy("s6", 1s, t0)->id, "b");  // 1 vs 2: b again
  EXPECT_EQ(r.run("s6")->instance, "b");
  EXPECT_TRUE(r.run("s6")->dispatched);
}

TEST(DispatchRouting, APeriodicHeartbeatKeepsTheInstanceAndItsOrder) {
  Routing r(10min);
  ASSERT_TRUE(r.join("old", "p", ""));
  ASSERT_TRUE(r.join("new", "p", ""));
  EXPECT_FALSE(r.join("old", "p", ""));  // the same instance again: still the oldest
  ASSERT_TRUE(r.track("s", "p", t0));
  EXPECT_EQ(r.assign_least_busy("s", 1s, t0)->id, "old");
  EXPECT_EQ(r.instance_count("p"), 2u);
  // A heartbeat for another plugin makes the socket an instance of that one instead.
  EXPECT_TRUE(r.join("new", "q", ""));
  EXPECT_EQ(r.plugin_of("new"), "q");
  EXPECT_EQ(r.instance_count("p"), 1u);
  EXPECT_EQ(r.plugin_of("nobody"), "");
}

TEST(DispatchRouting, QueuedRunsWaitForAnInstanceThenExpireAfterTheOfflineWait) {
  Routing r(30s);
  ASSERT_TRUE(r.track("early", "p", t0));
  ASSERT_TRUE(r.track("late", "p", t0 + 10s));
  EXPECT_FALSE(r.track("early", "p", t0 + 10s));             // tracked once
  EXPECT_EQ(r.assign_least_busy("early", 1s, t0), nullptr);  // nobody online: stays queued
  EXPECT_TRUE(r.is_queued("early"));
  EXPECT_EQ(r.queued("p"), (std::vector<std::string>{"early", "late"}));
  EXPECT_EQ(r.queued(), (std::vector<std::string>{"early", "late"}));
  EXPECT_TRUE(r.queued("other").empty());

  EXPECT_TRUE(r.expire(t0 + 29s).empty());
  auto expired = r.expire(t0 + 30s);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].session, "early");
  EXPECT_FALSE(expired[0].run.dispatched);  // offline, not timed out
  EXPECT_FALSE(r.run("early"));

  // An instance comes before the later run's wait ends: it gets it.
  ASSERT_TRUE(r.join("i", "p", ""));
  EXPECT_EQ(r.assign_least_busy("late", 1s, t0 + 35s)->id, "i");
  EXPECT_FALSE(r.is_queued("late"));
  EXPECT_TRUE(r.queued("p").empty());
  EXPECT_EQ(r.assign_least_busy("late", 1s, t0 + 35s), nullptr);  // claimed once
}

TEST(DispatchRouting, DispatchedRunsExpireAfterTheirOwnTimeout) {
  Routing r(10min);
  ASSERT_TRUE(r.join("i", "p", ""));
  ASSERT_TRUE(r.track("quick", "p", t0));
  ASSERT_TRUE(r.track("slow", "p", t0));
  ASSERT_TRUE(r.track("rest", "r", t0));
  ASSERT_NE(r.assign_least_busy("quick", 2s, t0 + 1s), nullptr);
  ASSERT_NE(r.assign_least_busy("slow", 60s, t0 + 1s), nullptr);
  ASSERT_TRUE(r.assign_direct("rest", 5s, t0 + 1s));
  EXPECT_FALSE(r.assign_direct("rest", 5s, t0 + 1s));
  EXPECT_EQ(r.run("rest")->instance, "");

  EXPECT_TRUE(r.expire(t0 + 2s).empty());
  auto expired = r.expire(t0 + 3s);  // the answer's timeout counts from the dispatch
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].session, "quick");
  EXPECT_TRUE(expired[0].run.dispatched);
  EXPECT_EQ(expired[0].run.timeout, 2s);
  EXPECT_EQ(r.instance("i")->runs, (std::set<std::string>{"slow"}));  // freed its instance

  expired = r.expire(t0 + 6s);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_EQ(expired[0].session, "rest");
  ASSERT_EQ(r.expire(t0 + 61s).size(), 1u);
  EXPECT_EQ(r.tracked_count(), 0u);
}

TEST(DispatchRouting, ALostInstanceTakesItsRunsWithIt) {
  Routing r(10min);
  ASSERT_TRUE(r.join("a", "p", ""));
  ASSERT_TRUE(r.join("b", "p", ""));
  for (const char* s : {"s1", "s2", "s3"}) {
    ASSERT_TRUE(r.track(s, "p", t0));
    ASSERT_NE(r.assign_least_busy(s, 1min, t0), nullptr);
  }
  auto lost = r.leave("a");
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->plugin_id, "p");
  EXPECT_EQ(lost->runs, (std::vector<std::string>{"s1", "s3"}));
  EXPECT_FALSE(r.run("s1"));
  EXPECT_FALSE(r.run("s3"));
  EXPECT_TRUE(r.run("s2"));
  EXPECT_FALSE(r.leave("a"));
  EXPECT_EQ(r.instance_count("p"), 1u);

  // While the hub stops, the runs stay tracked: the next start fails them.
  lost = r.leave("b", /*keep_runs=*/true);
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->runs, (std::vector<std::string>{"s2"}));
  EXPECT_TRUE(r.run("s2"));
}

TEST(DispatchRouting, ForgettingAPluginDropsItsRunsButNotWhatItsInstancesHold) {
  Routing r(10min);
  ASSERT_TRUE(r.join("a", "p", ""));
  ASSERT_TRUE(r.track("sent", "p", t0));
  ASSERT_NE(r.assign_least_busy("sent", 1min, t0), nullptr);
  ASSERT_TRUE(r.track("waiting", "q", t0));
  ASSERT_TRUE(r.track("other", "r", t0));
  r.forget_plugin("p");
  r.forget_plugin("q");
  EXPECT_FALSE(r.run("sent"));
  EXPECT_FALSE(r.run("waiting"));
  EXPECT_TRUE(r.run("other"));
  EXPECT_EQ(r.instances_of("p"), (std::vector<std::string>{"a"}));
  // The instance's disconnect, which follows drop_plugin, still fails the run it held.
  auto lost = r.leave("a");
  ASSERT_TRUE(lost);
  EXPECT_EQ(lost->runs, (std::vector<std::string>{"sent"}));
  EXPECT_TRUE(r.expire(t0 + 2min).size() == 0u);  // "other" waits 10 min
  EXPECT_EQ(r.expire(t0 + 10min).size(), 1u);
}

TEST(DispatchRouting, ForgettingARunFreesItsInstance) {
  Routing r(10min);
  ASSERT_TRUE(r.join("a", "p", ""));
  ASSERT_TRUE(r.track("s", "p", t0));
  ASSERT_NE(r.assign_least_busy("s", 1min, t0), nullptr);
  r.untrack("s");
  r.untrack("s");  // twice is harmless
  EXPECT_TRUE(r.instance("a")->runs.empty());
  EXPECT_TRUE(r.expire(t0 + 1h).empty());
}

TEST(DispatchRouting, AnAnsweredRunLeavesItsInstanceButKeepsItsDeadline) {
  Routing r(10min);
  ASSERT_TRUE(r.join("a", "p", ""));
  ASSERT_TRUE(r.track("s", "p", t0));
  ASSERT_NE(r.assign_least_busy("s", 1min, t0), nullptr);
  r.release("s");  // answered, its end not written yet
  EXPECT_TRUE(r.instance("a")->runs.empty());
  auto lost = r.leave("a");  // the instance goes: the answered run is not its any more
  ASSERT_TRUE(lost);
  EXPECT_TRUE(lost->runs.empty());
  auto expired = r.expire(t0 + 1min);
  ASSERT_EQ(expired.size(), 1u);
  EXPECT_TRUE(expired[0].run.dispatched);
  // Its end could not be written: it comes back a second later, and only then.
  r.expire_again(expired[0], t0 + 1min + 1s);
  EXPECT_TRUE(r.expire(t0 + 1min + 500ms).empty());
  ASSERT_EQ(r.expire(t0 + 1min + 1s).size(), 1u);
  EXPECT_TRUE(r.expire(t0 + 1h).empty());
}

// Back-pressure: an instance holds at most `capacity` runs; the others stay queued, oldest
// first, and go as runs end; the answer's timeout starts when a run is sent.
TEST(DispatchRouting, AnInstanceTakesAtMostItsCapacityAndTheRestWaitOldestFirst) {
  Routing r(30s);
  ASSERT_TRUE(r.join("a", "p", ""));
  ASSERT_TRUE(r.join("b", "p", ""));
  EXPECT_EQ(r.free_slots("p", 2), 4u);
  EXPECT_EQ(r.free_slots("p", 0), std::numeric_limits<std::size_t>::max());
  EXPECT_EQ(r.free_slots("nobody", 2), 0u);
  // Tracked in this order; session names that sort the other way round.
  const std::vector<std::string> sessions{"z1", "y2", "x3", "w4", "v5", "u6"};
  for (const auto& s : sessions)
    ASSERT_TRUE(r.track(s, "p", t0));
  EXPECT_EQ(r.queued("p"), sessions);
  int sent = 0;
  for (const auto& s : r.queued("p"))
    sent += r.assign_least_busy(s, 5s, t0, 2) != nullptr;
  EXPECT_EQ(sent, 4);
  EXPECT_EQ(r.instance("a")->runs.size(), 2u);
  EXPECT_EQ(r.instance("b")->runs.size(), 2u);
  EXPECT_EQ(r.free_slots("p", 2), 0u);
  EXPECT_EQ(r.queued("p"), (std::vector<std::string>{"v5", "u6"}));

  // Waiting for room is not waiting for an instance: past the offline wait they stay.
  EXPECT_EQ(r.expire(t0 + 31s).size(), 4u);  // the four sent ones time out (5 s)
  EXPECT_EQ(r.queued("p"), (std::vector<std::string>{"v5", "u6"}));
  // Room again: the oldest goes first, with its own timeout from now.
  ASSERT_NE(r.assign_least_busy("v5", 5s, t0 + 40s, 2), nullptr);
  EXPECT_EQ(r.run("v5")->deadline, t0 + 45s);
  // With no instance left the wait for one starts: the queued run expires offline_wait on.
  r.leave("a");
  r.leave("b");
  EXPECT_TRUE(r.expire(t0 + 60s).empty());  // its wait was renewed at 31 s, up to 61 s
  const auto offline = r.expire(t0 + 62s);
  ASSERT_EQ(offline.size(), 1u);
  EXPECT_EQ(offline[0].session, "u6");
  EXPECT_FALSE(offline[0].run.dispatched);
}

TEST(DispatchRouting, NoCapacityMeansNoLimit) {
  Routing r(30s);
  ASSERT_TRUE(r.join("a", "p", ""));
  for (int i = 0; i < 50; ++i) {
    const std::string s = "s" + std::to_string(i);
    ASSERT_TRUE(r.track(s, "p", t0));
    ASSERT_NE(r.assign_least_busy(s, 5s, t0), nullptr) << s;
  }
  EXPECT_EQ(r.instance("a")->runs.size(), 50u);
}

}  // namespace
}  // namespace xport::hub::dispatch
