#include "runtime/run_start.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <span>

#include "runtime/objects_phase.h"

namespace sluice::runtime {
namespace {

// "host db1, pid 4242, started 2026-11-26T01:00:00Z, run ..." for a second run's message.
std::string holder_description(const std::string& run_id) {
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  auto t = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  char when[32];
  std::strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return std::string("host ") + host + ", pid " + std::to_string(::getpid()) + ", started " + when + ", run " + run_id;
}

// Shards of one pipeline run side by side: each has a lock of its own.
std::string lock_name(const Pipeline& p, const RunOptions& o) {
  if (o.shard_count <= 1) return p.name;
  return p.name + "#shard" + std::to_string(o.shard_index) + "/" + std::to_string(o.shard_count);
}

Connection& target_of(RunStart& s, const plan::UnitPlan& u) { return *s.targets.at(u.step->load.to); }

// The units of each step, side by side in `units`.
std::vector<std::span<const plan::UnitPlan>> by_step(const std::vector<plan::UnitPlan>& units) {
  std::vector<std::span<const plan::UnitPlan>> out;
  for (const auto& [first, last] : plan::step_ranges(units)) out.emplace_back(units.data() + first, last - first);
  return out;
}

// The run an unfinished checkpoint belongs to, if any.
std::string interrupted_run(const Pipeline& p, RunStart& s, const std::vector<plan::UnitPlan>& units) {
  for (const auto& u : units) {
    auto cp = target_of(s, u).read_checkpoint(p.name, u.name);
    if (cp && !cp->completed) return cp->run_id;
  }
  // Every row loaded, but killed while building indexes or foreign keys.
  std::string run;
  for (const auto& step : by_step(units))
    if (objects_pending(p, target_of(s, step.front()), *step.front().step, &run)) return run;
  return {};
}

// Marks every unit as started in run `run_id`. An append step (and an incremental
// upsert) continues after the last row an earlier completed run loaded, so rerunning it
// loads nothing twice (--fresh or create: always start over).
void write_start_markers(const Pipeline& p, RunStart& s, const std::vector<plan::UnitPlan>& units, const RunOptions& o,
                         const std::string& run_id) {
  for (const auto& u : units) {
    Checkpoint start;
    start.run_id = run_id;
    Connection& target = target_of(s, u);
    if (u.continues_completed && !o.fresh) {
      auto previous = target.read_checkpoint(p.name, u.name);
      if (previous && previous->completed && previous->rows > 0) {
        start.last_key = previous->last_key;
        start.rows = previous->rows;
        spdlog::info("step {}: appending after the {} rows of completed run {} (--fresh loads everything again)", u.name,
                     previous->rows, previous->run_id);
      }
    }
    target.write_checkpoint(p.name, u.name, start);
  }
  // After the units' markers: a kill between the two leaves a resumable run (see start_run).
  for (const auto& step : by_step(units)) mark_objects_to_build(p, target_of(s, step.front()), step, run_id);
}

}  // namespace

RunStart start_run(const Pipeline& p, const DriverRegistry& drivers, const std::vector<plan::UnitPlan>& units, const RunOptions& o,
                   std::string& run_id) {
  RunStart s;
  s.skip.assign(units.size(), false);
  if (o.dry_run) return s;
  for (const auto& u : units)
    if (!s.targets.count(u.step->load.to)) s.targets[u.step->load.to] = drivers.connect(p.connections.at(u.step->load.to));
  for (auto& [name, conn] : s.targets) s.locks.push_back(conn->lock_run(lock_name(p, o), holder_description(run_id)));
  if (!o.fresh) s.resumed_run = interrupted_run(p, s, units);
  if (s.resumed_run.empty()) {
    write_start_markers(p, s, units, o, run_id);
    return s;
  }
  run_id = s.resumed_run;
  spdlog::info("continuing interrupted run {}", run_id);
  // Decided here, before any worker runs: these connections are not shared between threads.
  for (std::size_t i = 0; i < units.size(); ++i) {
    auto cp = target_of(s, units[i]).read_checkpoint(p.name, units[i].name);
    s.skip[i] = cp && cp->run_id == run_id && cp->completed;
  }
  // Killed between the unit markers and the objects marker: no rows were loaded yet,
  // so the tables still missing are the ones this run creates.
  for (const auto& step : by_step(units)) {
    auto cp = target_of(s, step.front()).read_checkpoint(p.name, objects_state_key(*step.front().step));
    if (!cp || cp->run_id != run_id) mark_objects_to_build(p, target_of(s, step.front()), step, run_id);
  }
  return s;
}

}  // namespace sluice::runtime
