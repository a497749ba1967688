// The routing state of one hub's dispatch, without I/O, database or clock: the online
// instances of each plugin, the runs being tracked (queued, or dispatched and waiting for
// their answer) and their deadlines. The dispatcher holds it under its mutex and asks it what
// to do; the time is always passed in, so tests drive it with fake time (like src/sio).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace xport::hub::dispatch {

using Clock = std::chrono::steady_clock;

struct Instance {
  std::string id;  // the transport's name for it (the Socket.IO socket id)
  std::string plugin_id;
  std::string remote;          // the peer's address, for logs
  std::set<std::string> runs;  // sessions dispatched to it, not yet answered
  std::uint64_t order = 0;     // joining order (ties go to the oldest)
};

struct TrackedRun {
  std::string plugin_id;
  std::string instance;  // empty: queued, or sent to a REST connector
  bool dispatched = false;
  Clock::time_point deadline;            // the offline wait, then the answer's timeout
  std::chrono::milliseconds timeout{0};  // the answer's wait, once dispatched
  std::uint64_t order = 0;               // tracking order: queued runs go oldest first
};

struct ExpiredRun {
  std::string session;
  TrackedRun run;  // dispatched: timed out; else: its plugin stayed offline
};

struct LostInstance {
  std::string plugin_id;
  std::vector<std::string> runs;  // the sessions it held, no longer tracked
};

class Routing {
 public:
  explicit Routing(std::chrono::milliseconds offline_wait) : offline_wait_(offline_wait) {}

  // Instances -------------------------------------------------------------------------------
  // A valid heartbeat of `id` for `plugin_id`. Returns false when `id` already is an instance
  // of that plugin (a periodic heartbeat); an instance of another plugin is replaced.
  bool join(const std::string& id, const std::string& plugin_id, const std::string& remote);
  // The instance is gone. Returns its plugin and the runs it held, which are no longer
  // tracked (unless keep_runs: the hub is stopping and its next start fails them);
  // nullopt when `id` was no instance.
  std::optional<LostInstance> leave(const std::string& id, bool keep_runs = false);
  std::size_t instance_count(const std::string& plugin_id) const;
  std::size_t instance_total() const { return instances_.size(); }
  std::vector<std::string> instances_of(const std::string& plugin_id) const;
  std::set<std::string> online_plugins() const;        // the plugins with an instance here
  std::string plugin_of(const std::string& id) const;  // "" when no instance
  const Instance* instance(const std::string& id) const;

  // Runs ------------------------------------------------------------------------------------
  // Starts tracking a queued run: it may wait offline_wait for an instance. Returns false
  // when the session is tracked already.
  bool track(const std::string& session, const std::string& plugin_id, Clock::time_point now);
  std::optional<TrackedRun> run(const std::string& session) const;
  bool is_queued(const std::string& session) const;
  // The queued runs of `plugin_id` ("" for every plugin), oldest first.
  std::vector<std::string> queued(const std::string& plugin_id = {}) const;
  // Claims a queued run for the least busy instance of its plugin (ties go to the one that
  // joined first) and starts its answer's timeout. nullptr when the run is not queued, its
  // plugin has no instance or every instance holds `capacity` runs (0: no limit): the run
  // stays queued.
  const Instance* assign_least_busy(const std::string& session, std::chrono::milliseconds timeout,
                                    Clock::time_point now, std::size_t capacity = 0);
  // How many more runs the plugin's instances here may take now, each holding at most
  // `capacity` (0: no limit, SIZE_MAX when there is an instance); 0 without an instance.
  std::size_t free_slots(const std::string& plugin_id, std::size_t capacity) const;
  // Claims a queued run for a plugin reached without instances (a REST connector).
  bool assign_direct(const std::string& session, std::chrono::milliseconds timeout,
                     Clock::time_point now);
  // The run's instance no longer holds it (it answered); the run stays tracked, with its
  // deadline, until untrack().
  void release(const std::string& session);
  // Stops tracking a run (answered, failed, cancelled); its instance no longer holds it.
  void untrack(const std::string& session);
  // Stops tracking every run of the plugin. Its instances keep the sessions they hold: their
  // disconnect, which follows, fails those.
  void forget_plugin(const std::string& plugin_id);
  // The runs whose deadline has come, no longer tracked. A queued run's wait counts only
  // while its plugin has no instance here: one waiting for room on a busy instance (the
  // plugin's capacity) gets offline_wait again.
  std::vector<ExpiredRun> expire(Clock::time_point now);
  // Tracks an expired run again, held by no instance, to expire at `deadline`: its end could
  // not be written, and is tried again then.
  void expire_again(const ExpiredRun& expired, Clock::time_point deadline);
  std::size_t tracked_count() const { return runs_.size(); }

 private:
  void claim(TrackedRun& run, std::chrono::milliseconds timeout, Clock::time_point now);

  std::chrono::milliseconds offline_wait_;
  std::uint64_t next_order_ = 0;
  std::uint64_t next_run_order_ = 0;
  std::map<std::string, Instance> instances_;  // by id
  std::map<std::string, TrackedRun> runs_;     // by session
};

}  // namespace xport::hub::dispatch
