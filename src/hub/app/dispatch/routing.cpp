#include "hub/app/dispatch/routing.hpp"

#include <algorithm>
#include <limits>

namespace xport::hub::dispatch {

bool Routing::join(const std::string& id, const std::string& plugin_id, const std::string& remote) {
  auto it = instances_.find(id);
  if (it != instances_.end() && it->second.plugin_id == plugin_id) return false;
  if (it != instances_.end()) instances_.erase(it);
  Instance inst;
  inst.id = id;
  inst.plugin_id = plugin_id;
  inst.remote = remote;
  inst.order = next_order_++;
  instances_.emplace(id, std::move(inst));
  return true;
}

std::optional<LostInstance> Routing::leave(const std::string& id, bool keep_runs) {
  auto it = instances_.find(id);
  if (it == instances_.end()) return std::nullopt;
  LostInstance lost{it->second.plugin_id, {it->second.runs.begin(), it->second.runs.end()}};
  instances_.erase(it);
  if (!keep_runs)
    for (const auto& session : lost.runs)
      runs_.erase(session);
  return lost;
}

std::size_t Routing::instance_count(const std::string& plugin_id) const {
  std::size_t n = 0;
  for (const auto& [id, inst] : instances_)
    if (inst.plugin_id == plugin_id) ++n;
  return n;
}

std::set<std::string> Routing::online_plugins() const {
  std::set<std::string> plugins;
  for (const auto& [id, inst] : instances_)
    plugins.insert(inst.plugin_id);
  return plugins;
}

std::vector<std::string> Routing::instances_of(const std::string& plugin_id) const {
  std::vector<std::string> ids;
  for (const auto& [id, inst] : instances_)
    if (inst.plugin_id == plugin_id) ids.push_back(id);
  return ids;
}

std::string Routing::plugin_of(const std::string& id) const {
  auto it = instances_.find(id);
  return it == instances_.end() ? std::string() : it->second.plugin_id;
}

const Instance* Routing::instance(const std::string& id) const {
  auto it = instances_.find(id);
  return it == instances_.end() ? nullptr : &it->second;
}

bool Routing::track(const std::string& session, const std::string& plugin_id,
                    Clock::time_point now) {
  TrackedRun run;
  run.plugin_id = plugin_id;
  run.deadline = now + offline_wait_;
  run.order = next_run_order_;
  if (!runs_.emplace(session, std::move(run)).second) return false;
  ++next_run_order_;
  return true;
}

std::optional<TrackedRun> Routing::run(const std::string& session) const {
  auto it = runs_.find(session);
  if (it == runs_.end()) return std::nullopt;
  return it->second;
}

bool Routing::is_queued(const std::string& session) const {
  auto it = runs_.find(session);
  return it != runs_.end() && !it->second.dispatched;
}

std::vector<std::string> Routing::queued(const std::string& plugin_id) const {
  std::vector<std::pair<std::uint64_t, std::string>> waiting;
  for (const auto& [session, run] : runs_)
    if (!run.dispatched && (plugin_id.empty() || run.plugin_id == plugin_id))
      waiting.emplace_back(run.order, session);
  std::sort(waiting.begin(), waiting.end());
  std::vector<std::string> sessions;
  sessions.reserve(waiting.size());
  for (auto& [order, session] : waiting)
    sessions.push_back(std::move(session));
  return sessions;
}

std::size_t Routing::free_slots(const std::string& plugin_id, std::size_t capacity) const {
  std::size_t free = 0;
  bool any = false;
  for (const auto& [id, inst] : instances_) {
    if (inst.plugin_id != plugin_id) continue;
    any = true;
    if (capacity == 0) return std::numeric_limits<std::size_t>::max();
    if (inst.runs.size() < capacity) free += capacity - inst.runs.size();
  }
  return any ? free : 0;
}

void Routing::claim(TrackedRun& run, std::chrono::milliseconds timeout, Clock::time_point now) {
  run.dispatched = true;
  run.timeout = timeout;
  run.deadline = now + timeout;
}

const Instance* Routing::assign_least_busy(const std::string& session,
                                           std::chrono::milliseconds timeout, Clock::time_point now,
                                           std::size_t capacity) {
  auto it = runs_.find(session);
  if (it == runs_.end() || it->second.dispatched) return nullptr;
  Instance* best = nullptr;
  for (auto& [id, inst] : instances_) {
    if (inst.plugin_id != it->second.plugin_id) continue;
    if (!best || inst.runs.size() < best->runs.size() ||
        (inst.runs.size() == best->runs.size() && inst.order < best->order))
      best = &inst;
  }
  // The least busy one is full: all are.
  if (!best || (capacity > 0 && best->runs.size() >= capacity)) return nullptr;
  claim(it->second, timeout, now);
  it->second.instance = best->id;
  best->runs.insert(session);
  return best;
}

bool Routing::assign_direct(const std::string& session, std::chrono::milliseconds timeout,
                            Clock::time_point now) {
  auto it = runs_.find(session);
  if (it == runs_.end() || it->second.dispatched) return false;
  claim(it->second, timeout, now);
  return true;
}

void Routing::release(const std::string& session) {
  auto it = runs_.find(session);
  if (it == runs_.end()) return;
  if (auto inst = instances_.find(it->second.instance); inst != instances_.end())
    inst->second.runs.erase(session);
  it->second.instance.clear();
}

void Routing::untrack(const std::string& session) {
  auto it = runs_.find(session);
  if (it == runs_.end()) return;
  if (auto inst = instances_.find(it->second.instance); inst != instances_.end())
    inst->second.runs.erase(session);
  runs_.erase(it);
}

void Routing::forget_plugin(const std::string& plugin_id) {
  for (auto it = runs_.begin(); it != runs_.end();)
    it = it->second.plugin_id == plugin_id ? runs_.erase(it) : std::next(it);
}

std::vector<ExpiredRun> Routing::expire(Clock::time_point now) {
  std::vector<ExpiredRun> expired;
  for (auto it = runs_.begin(); it != runs_.end();) {
    if (it->second.deadline > now) {
      ++it;
      continue;
    }
    if (!it->second.dispatched && instance_count(it->second.plugin_id) > 0) {
      it->second.deadline = now + offline_wait_;  // waiting for room, not for an instance
      ++it;
      continue;
    }
    if (auto inst = instances_.find(it->second.instance); inst != instances_.end())
      inst->second.runs.erase(it->first);
    expired.push_back({it->first, std::move(it->second)});
    it = runs_.erase(it);
  }
  return expired;
}

void Routing::expire_again(const ExpiredRun& expired, Clock::time_point deadline) {
  TrackedRun run = expired.run;
  run.instance.clear();
  run.deadline = deadline;
  runs_[expired.session] = std::move(run);
}

}  // namespace xport::hub::dispatch
